package cmd

import (
	"slices"
	"testing"

	"github.com/mfactl/mfactl/internal/jsondoc"
)

// checkJSONOutput checks what a command run with -o json printed against
// the published schema of its document (mfactl schema --output COMMAND),
// so that every test that runs -o json, on any path, checks the contract.
func checkJSONOutput(t testing.TB, args []string, stdout string) {
	t.Helper()
	if len(args) == 0 || !slices.Contains(jsondoc.Commands, jsondoc.Command(args[0])) || !asksJSON(args) {
		return
	}
	if err := jsondoc.Check(jsondoc.Command(args[0]), []byte(stdout)); err != nil {
		t.Errorf("mfactl %v: stdout does not match the published schema: %v\n%s", args, err, stdout)
	}
}

func asksJSON(args []string) bool {
	for i, a := range args {
		switch a {
		case "-o=json", "--output=json", "-ojson":
			return true
		case "-o", "--output":
			if i+1 < len(args) && args[i+1] == "json" {
				return true
			}
		}
	}
	return false
}
