package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/iostreams"
)

// TestCIRecipes keeps the pipelines of docs/ci.md working with this
// mfactl: every mfactl command line in them parses (known command, known
// flags, offered formats), the GitLab file's jobs hang together, and the
// IAM documents are well-formed. actionlint checks the GitHub workflows
// themselves (scripts/lint-ci-recipes.sh).
func TestCIRecipes(t *testing.T) {
	t.Chdir(repoRoot)
	files, _ := filepath.Glob("docs/ci/github/*.yml")
	files = append(files, "docs/ci/gitlab-ci.yml", "docs/ci/cron.sh")
	lines := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range mfactlCommands(string(data)) {
			lines++
			if err := parseOnly(args); err != nil {
				t.Errorf("%s: mfactl %s: %v", f, strings.Join(args, " "), err)
			}
		}
	}
	if lines < 8 {
		t.Errorf("found %d mfactl command lines in the recipes; the extraction is broken", lines)
	}
	checkGitLab(t, "docs/ci/gitlab-ci.yml")
	policies, _ := filepath.Glob("docs/ci/iam/*.json")
	if len(policies) < 4 {
		t.Fatalf("IAM documents: %v", policies)
	}
	for _, f := range policies {
		checkIAM(t, f)
	}
}

var commandLine = regexp.MustCompile(`(?:^\s*(?:-\s+|run:\s+)?|\$\()mfactl ((?:validate|plan|apply)\b[^|;&)]*)`)

// mfactlCommands finds the mfactl command lines of a recipe, joining folded
// YAML lines (">") and cutting at redirections and shell operators.
func mfactlCommands(text string) [][]string {
	var out [][]string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		// A folded block (run: >) continues on the more indented lines.
		if strings.HasSuffix(strings.TrimSpace(line), "run: >") {
			indent := -1
			var parts []string
			for i+1 < len(lines) {
				next := lines[i+1]
				n := len(next) - len(strings.TrimLeft(next, " "))
				if strings.TrimSpace(next) == "" || (indent >= 0 && n < indent) || (indent < 0 && n <= len(line)-len(strings.TrimLeft(line, " "))) {
					break
				}
				indent = n
				parts = append(parts, strings.TrimSpace(next))
				i++
			}
			line = strings.Join(parts, " ")
		}
		// A command starts a line (a YAML list item, run:) or a $( ).
		for _, m := range commandLine.FindAllStringSubmatch(line, -1) {
			var args []string
			for _, f := range strings.Fields(regexp.MustCompile(`\s\d?>.*`).ReplaceAllString(m[1], "")) {
				args = append(args, strings.Trim(f, `"'`))
			}
			out = append(out, args)
		}
	}
	return out
}

// parseOnly parses an mfactl command line as the command would, without running it.
func parseOnly(args []string) error {
	ios, _, _, _ := iostreams.TestStreams()
	f := &Factory{IO: ios}
	root := NewRootCmd(f)
	for _, c := range root.Commands() {
		root.RemoveCommand(c)
	}
	root.AddCommand(
		NewCmdValidate(f, func(*ValidateOptions) error { return nil }),
		NewCmdPlan(f, func(context.Context, *PlanOptions) error { return nil }),
		NewCmdApply(f, func(context.Context, *ApplyOptions) error { return nil }),
	)
	root.SetArgs(args)
	return root.Execute()
}

func checkGitLab(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var stages []string
	for _, s := range doc["stages"].([]any) {
		stages = append(stages, s.(string))
	}
	keywords := map[string]bool{"stages": true, "variables": true, "default": true, "include": true, "workflow": true}
	for name, v := range doc {
		job, ok := v.(map[string]any)
		if keywords[name] || !ok {
			continue
		}
		if ext, ok := job["extends"].(string); ok {
			if _, found := doc[ext]; !found {
				t.Errorf("%s: job %s extends unknown %s", path, name, ext)
			}
		}
		if strings.HasPrefix(name, ".") {
			continue
		}
		if _, ok := job["script"]; !ok {
			t.Errorf("%s: job %s has no script", path, name)
		}
		if stage, _ := job["stage"].(string); !slices.Contains(stages, stage) {
			t.Errorf("%s: job %s has stage %q, not one of %v", path, name, stage, stages)
		}
		needs, _ := job["needs"].([]any)
		for _, n := range needs {
			if _, found := doc[n.(string)]; !found {
				t.Errorf("%s: job %s needs unknown job %v", path, name, n)
			}
		}
	}
}

func checkIAM(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			Action    any
			Resource  any
			Principal any
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
		t.Errorf("%s: want Version 2012-10-17 and statements", path)
	}
	for i, s := range doc.Statement {
		if s.Effect != "Allow" || s.Action == nil || (s.Resource == nil) == (s.Principal == nil) {
			t.Errorf("%s: statement %d needs Effect Allow, an Action, and a Resource (policy) or a Principal (trust)", path, i)
		}
		if r, ok := s.Resource.(string); ok && strings.Contains(r, "*") {
			t.Errorf("%s: statement %d: a wildcard resource is not least privilege", path, i)
		}
	}
}
