package views

import (
	"fmt"
	"strings"
)

// Format is an output format, chosen with -o.
type Format string

const (
	Text     Format = "text"     // for people at a terminal or reading a log
	JSON     Format = "json"     // versioned JSON, for programs
	Markdown Format = "markdown" // a pull-request comment
	GitHub   Format = "github"   // text plus GitHub Actions annotations and a job summary
	JUnit    Format = "junit"    // JUnit XML, for the test reports of GitLab, Jenkins, CircleCI
	SARIF    Format = "sarif"    // SARIF 2.1.0, for code scanning
)

// ParseFormat returns the format named name, if it is one of offered (the
// formats of one command); the error lists those.
func ParseFormat(name string, offered ...Format) (Format, error) {
	var names []string
	for _, f := range offered {
		if string(f) == name {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", fmt.Errorf("invalid --output %q: use %s", name, orList(names))
}

// FormatNames is the offered formats as a flag's help says them: "text or json".
func FormatNames(offered ...Format) string {
	names := make([]string, len(offered))
	for i, f := range offered {
		names[i] = string(f)
	}
	return orList(names)
}

func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
