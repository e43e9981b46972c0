package schema

import "strings"

// closest returns the option nearest to word, for "did you mean" hints, or
// "" when none is near enough to be a likely typo. It compares without
// case, and also accepts an option that word abbreviates or extends
// (SmsMfaConfig → SmsMfaConfiguration).
func closest(word string, options []string) string {
	if len(word) > 64 { // no typo of a field name is that long
		return ""
	}
	w := strings.ToLower(word)
	best, bestDist := "", -1
	for _, o := range options {
		lo := strings.ToLower(o)
		d := levenshtein(w, lo)
		near := d <= max(1, max(len(w), len(lo))*2/5)
		affix := len(w) >= 4 && (strings.HasPrefix(lo, w) || strings.HasPrefix(w, lo))
		if !near && !affix {
			continue
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && o < best) {
			best, bestDist = o, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b, by runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
