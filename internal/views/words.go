package views

import (
	"strings"

	"github.com/mfactl/mfactl/internal/untrusted"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Plural counts a noun: "1 user", "3 users", "10,000 users".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "cy") { // policy → policies
		return Count(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return Count(n) + " " + noun + "s"
}

// numbers writes numbers as English does, with thousands separators.
var numbers = message.NewPrinter(language.English)

// Count is a number for people to read: "10,000".
func Count(n int) string { return numbers.Sprint(n) }

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
	return numbers.Sprintf("%s and %d more", strings.Join(quoted, ", "), len(names)-limit)
}
