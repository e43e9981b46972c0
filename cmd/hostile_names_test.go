package cmd

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/views"
)

// hostileNames are valid Cognito usernames (letters, marks, symbols,
// numbers, punctuation) that a self-registration pool lets end users
// choose: GitHub workflow commands, spreadsheet formulas, a Markdown
// mention and HTML.
var hostileNames = []string{
	"##[stop-commands]x",
	"::stop-commands::x",
	"::error::forged",
	`=HYPERLINK("http://x")`,
	"+cmd|'/c'!A0",
	"@SUM(1+1)",
	"-2+3",
	"@octocat",
	"<img/src=x>",
	"[link](http://x)",
}

// seedHostileUsers adds hostileNames to the policy pool, in group admins.
func seedHostileUsers(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	admin := h.admin()
	for _, name := range hostileNames {
		if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(policyPool), Username: aws.String(name),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("h@example.com")}}}); err != nil {
			t.Fatalf("creating %q: %v", name, err)
		}
		if _, err := admin.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(policyPool), GroupName: aws.String("admins"), Username: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
}

// checkNeutralised fails for output that a GitHub runner would read as a
// command mfactl did not mean, that a spreadsheet would run, or that
// would notify someone in a Markdown comment.
func checkNeutralised(t *testing.T, what, format, out string) {
	t.Helper()
	if strings.Contains(out, "##[") {
		t.Errorf("%s -o %s holds ##[:\n%s", what, format, out)
	}
	for _, line := range strings.Split(out, "\n") {
		l := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(l, "::") {
			continue
		}
		cmd, _, _ := strings.Cut(strings.TrimPrefix(l, "::"), "::")
		cmd, _, _ = strings.Cut(cmd, " ")
		if format != "github" || (cmd != "error" && cmd != "warning" && cmd != "notice" && cmd != "group" && cmd != "endgroup") {
			t.Errorf("%s -o %s has a line a runner reads as command %q: %s", what, format, cmd, line)
		}
	}
	if format == "markdown" && strings.Contains(outsideCodeBlocks(out), "@octocat") { // GitHub links no mention in code
		t.Errorf("%s -o %s holds a live @mention:\n%s", what, format, out)
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("%s -o %s holds an escape sequence", what, format)
	}
	if format == "csv" {
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s -o csv: %v", what, err)
		}
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s -o csv: cell %q is a formula", what, cell)
				}
			}
		}
	}
}

// Every output format of plan, apply, report and validate neutralises the
// names it prints, from live state and from the files (red-team item 18.3:
// 26 outputs printed them verbatim).
func TestHostileNamesAreNeutralisedInEveryFormat(t *testing.T) {
	t.Parallel()
	h := newPolicyHarness(t)
	seedHostileUsers(t, h)
	ctx := context.Background()
	var named strings.Builder
	for _, name := range hostileNames {
		fmt.Fprintf(&named, "      - Username: %q\n        SoftwareTokenMfaSettings: {Enabled: false}\n", name)
	}
	// A policy that selects the live hostile names, and the first half of
	// them declared by name in the files too (their entries win).
	half := strings.SplitAfterN(named.String(), "      - Username", len(hostileNames)/2+1)
	file := policyFile(t, adminsTOTP+"    Users:\n"+strings.Join(half[:len(half)-1], "")[:len(strings.Join(half[:len(half)-1], ""))-len("      - Username")])
	outputs := 0
	for _, format := range views.PlanFormats.Names() {
		out, errOut, _ := h.run(ctx, "plan", "-f", file, "-o", string(format))
		checkNeutralised(t, "plan", string(format), out+errOut)
		outputs++
	}
	for _, format := range views.ApplyFormats.Names() {
		out, errOut, _ := h.run(ctx, "apply", "-f", file, "--auto-approve", "-o", string(format))
		checkNeutralised(t, "apply", string(format), out+errOut)
		outputs++
	}
	for _, format := range views.ReportFormats.Names() {
		out, errOut, _ := h.run(ctx, "report", "--user-pool-id", policyPool, "--endpoint-url", h.url, "-o", string(format), "--show-users")
		checkNeutralised(t, "report", string(format), out+errOut)
		outputs++
	}
	// validate reads the files alone: names, and keys that are not names.
	bad := writeTemp(t, "bad.yaml", "Version: 1\nUserPools:\n  - UserPoolId: "+policyPool+"\n    \"##[stop-commands]k\": 1\n    Users:\n"+named.String()+
		"      - Username: \"x\\n::stop-commands::y\\e[2J\"\n")
	for _, format := range views.ValidateFormats.Names() {
		for _, f := range []string{file, bad} {
			out, errOut, _ := h.run(ctx, "validate", "-f", f, "-o", string(format))
			checkNeutralised(t, "validate", string(format), out+errOut)
			outputs++
		}
	}
	t.Logf("%d outputs checked", outputs)
}

// outsideCodeBlocks is Markdown without its fenced code blocks.
func outsideCodeBlocks(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in
			continue
		}
		if !in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
