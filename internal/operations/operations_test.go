package operations

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var categories = []Category{UserRead, UserList, UserResourceUpdate, UserPoolRead, UserPoolResourceRead, UserPoolResourceUpdate, UserAuthentication, UserResourceRead, UserAccountRecovery, UserPoolUpdate, UserPoolClientRead}

// Every entry is complete: a quota, an access, a CLI command, and named
// stages. internal/cognito checks the table against the SDK interface and
// the pacer; plan checks it against the operations plans make.
func TestEveryOperationIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range Table {
		if op.Name == "" || seen[op.Name] {
			t.Errorf("%q: empty or repeated name", op.Name)
		}
		seen[op.Name] = true
		if !slices.Contains(categories, op.Category) {
			t.Errorf("%s: quota category %q is not one of %v", op.Name, op.Category, categories)
		}
		if op.Access != Read && op.Access != Write && op.Access != Token && op.Access != Recovery {
			t.Errorf("%s: no access (Read, Write, Token or Recovery)", op.Name)
		}
		if op.CLI != cliName(op.Name) {
			t.Errorf("%s: CLI command %q; the AWS CLI calls it %q", op.Name, op.CLI, cliName(op.Name))
		}
		if (op.Access == Token) != (op.IAMAction() == "") {
			t.Errorf("%s: IAM action %q with access %v", op.Name, op.IAMAction(), op.Access)
		}
		for _, stage := range op.Stages {
			if StageName(stage) == "" {
				t.Errorf("%s: stage %d has no name", op.Name, stage)
			}
		}
	}
	for _, stage := range Stages() {
		if StageName(stage) == "" {
			t.Errorf("stage %d has no name", stage)
		}
	}
}

// cliName is how the AWS CLI names an operation (botocore's xform_name):
// words split before a capital that starts a lowercase run, and between a
// lowercase letter or digit and a capital.
func cliName(operation string) string {
	s := regexp.MustCompile(`(.)([A-Z][a-z]+)`).ReplaceAllString(operation, "${1}-${2}")
	s = regexp.MustCompile(`([a-z0-9])([A-Z])`).ReplaceAllString(s, "${1}-${2}")
	return strings.ToLower(s)
}

func TestCLIName(t *testing.T) {
	for op, want := range map[string]string{
		"AdminSetUserMFAPreference": "admin-set-user-mfa-preference",
		"GetUserPoolMfaConfig":      "get-user-pool-mfa-config",
		"ListUsersInGroup":          "list-users-in-group",
	} {
		if got := cliName(op); got != want {
			t.Errorf("cliName(%s) = %q; want %q", op, got, want)
		}
	}
	if CLI("AdminSetUserSettings") != "admin-set-user-settings" || CLI("NoSuchOperation") != "" {
		t.Errorf("CLI lookup: %q, %q", CLI("AdminSetUserSettings"), CLI("NoSuchOperation"))
	}
}

// The IAM policies a team copies from docs/ci/iam allow exactly what the
// table says: the plan policy every read, the apply policy every read and
// write. A call missing from them would be AccessDenied in production.
func TestIAMPoliciesMatchTheTable(t *testing.T) {
	reads := IAMActions(Read)
	writes := IAMActions(Write)
	for file, want := range map[string][]string{
		"mfactl-plan-policy.json":  reads,
		"mfactl-apply-policy.json": append(slices.Clone(reads), writes...),
	} {
		got := policyActions(t, "../../docs/ci/iam/"+file)
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s allows\n  %v\nthe operation table needs\n  %v", file, got, want)
		}
	}
}

// policyActions returns the cognito-idp actions a policy document allows.
func policyActions(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var actions []string
	for _, st := range doc.Statement {
		var list []string
		if err := json.Unmarshal(st.Action, &list); err != nil {
			var one string
			if err := json.Unmarshal(st.Action, &one); err != nil {
				t.Fatalf("%s: Action %s", path, st.Action)
			}
			list = []string{one}
		}
		for _, a := range list {
			if strings.HasPrefix(a, "cognito-idp:") && st.Effect == "Allow" {
				actions = append(actions, a)
			}
		}
	}
	return actions
}

// The docs' IAM lists name every action of the table: the read-only row
// every read, the apply row every write.
func TestDocsIAMListsMatchTheTable(t *testing.T) {
	for _, c := range []struct {
		file, row string
		access    Access
	}{
		{"../../docs/ci.md", "| read-only (`mfactl-plan`)", Read},
		{"../../docs/ci.md", "| apply (`mfactl-apply`)", Write},
		{"../../docs/cognito.md", "| `mfactl plan` |", Read},
		{"../../docs/cognito.md", "| `mfactl apply` |", Write},
		{"../../README.md", "The IAM\nactions it needs", Read},
		{"../../docs/recovery.md", "", Recovery}, // and cognito.md, for the quota lookup
		{"../../docs/cognito.md", "", Recovery},
	} {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		i := strings.Index(text, c.row)
		if i < 0 {
			t.Errorf("%s: no %q", c.file, c.row)
			continue
		}
		// The row, or the README's paragraph, up to its blank line; "":
		// the whole document.
		row := text[i:]
		if end := strings.Index(row, "\n\n"); end >= 0 && c.row != "" {
			row = row[:end]
		}
		for _, op := range Table {
			if op.Access == c.access && !strings.Contains(row, "`"+op.Name+"`") && !strings.Contains(row, "`"+op.IAMAction()+"`") {
				if c.access == Recovery && c.file == "../../docs/recovery.md" && (op.Name == "GetProvisionedLimit" || op.Name == "UpdateProvisionedLimit") {
					continue // a quota lookup or change, in cognito.md
				}
				t.Errorf("%s: %q does not name %s", c.file, c.row, op.Name)
			}
		}
	}
}
