package views

import "fmt"

// Plural counts a noun: "1 user", "3 users".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
