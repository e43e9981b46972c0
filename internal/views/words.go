package views

import (
	"fmt"
	"strings"

	"github.com/mfactl/mfactl/internal/untrusted"
)

// Plural counts a noun: "1 user", "3 users".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "cy") { // policy → policies
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Count is Plural with thousands separated: "1,963 unchanged users".
func Count(n int, noun string) string {
	s := Plural(n, noun)
	digits, rest, _ := strings.Cut(s, " ")
	for i := len(digits) - 3; i > 0 && digits[i-1] != '-'; i -= 3 {
		digits = digits[:i] + "," + digits[i:]
	}
	return digits + " " + rest
}

// NameList joins names, showing at most limit of them (all when limit is
// 0), each as untrusted.Name prints it.
func NameList(names []string, limit int) string {
	shown := names
	if limit > 0 && len(names) > limit {
		shown = names[:limit]
	}
	quoted := make([]string, len(shown))
	for i, n := range shown {
		quoted[i] = untrusted.Name(n)
	}
	if len(shown) == len(names) {
		return strings.Join(quoted, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(quoted, ", "), len(names)-limit)
}
