package views

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// CLI is `-o cli`: the plan's calls as the equivalent AWS CLI commands, a
// shell script for whoever must run or audit a change with the AWS CLI.
const CLI Format = "cli"

// planCLI writes the script on stdout and everything else, as the text
// view does, on stderr.
type planCLI struct{ planText }

func (v planCLI) Plan(p *plan.Plan) error {
	if p.Diagnostics.HasErrors() {
		return renderPlanText(v.io.ErrOut, p, v.io.ErrPalette(), textOptions{width: v.io.ErrWidth()})
	}
	WriteDiagnostics(v.io.ErrOut, v.io.ErrPalette(), v.io.ErrWidth(), p.Diagnostics)
	return RenderPlanCLI(v.io.Out, p)
}

// Failed writes a script that stops at once, saying why, so that a plan
// piped into sh fails too; Main prints the error on stderr.
func (v planCLI) Failed(err error, interrupted bool) error {
	f := runFailure{command: v.command, err: err, interrupted: interrupted}
	_, werr := fmt.Fprintf(v.io.Out, "#!/bin/sh\n# %s: %s\nexit 1\n", f.headline(), oneLine(untrusted.Error(err)))
	return werr
}

// RenderPlanCLI writes p's calls, in order, as `aws cognito-idp` commands
// with --cli-input-json bodies: the same requests apply sends. Secrets (the
// SMS role's ExternalId, a self-service plan's access token) are never
// written: the command reads them from an environment variable and refuses
// to run while it is unset.
func RenderPlanCLI(w io.Writer, p *plan.Plan) error {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	if !p.HasChanges() {
		b.WriteString("# mfactl plan: no changes, nothing to run.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "# %s\n", PlanSummary(p))
	b.WriteString("# The same calls apply would make, for the AWS CLI, in order: a pool's calls go stage by stage.\n")
	b.WriteString("# Add --endpoint-url or --profile as you need. Check the plan is still current before running it.\n")
	b.WriteString("set -e\n")
	for i, c := range p.Calls {
		body, err := c.RequestJSON()
		if c.FullRequest != nil {
			// UpdateUserPool resets what a request omits: the whole request.
			var buf strings.Builder
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			err = enc.Encode(c.FullRequest)
			body = []byte(strings.TrimSpace(buf.String()))
		}
		if err != nil {
			return err
		}
		target := c.UserPoolId
		if c.Username != "" {
			target += " user " + untrusted.Name(c.Username)
		}
		fmt.Fprintf(&b, "\n# %d/%d, stage %d (%s): %s", i+1, len(p.Calls), c.Stage, operations.StageName(c.Stage), target)
		if c.Reason != "" {
			fmt.Fprintf(&b, ": %s", oneLine(c.Reason))
		}
		b.WriteString("\n")
		if c.Uncertain != "" {
			// set -e stops at a refusal, before the pool's later stages.
			fmt.Fprintf(&b, "# Uncertain: %s.\n", oneLine(c.Uncertain))
		}
		if c.Operation == plan.UpdateUserPool && c.FullRequest == nil {
			b.WriteString("# Only the members this call sets: add every other member as describe-user-pool returns it (UpdateUserPool resets what a request omits).\n")
		}
		input, secretVar := shellJSON(string(body), c.UserPoolId)
		switch secretVar {
		case "":
		case "MFACTL_ACCESS_TOKEN":
			fmt.Fprintf(&b, "# Needs your access token in %s (mfactl never prints it).\n", secretVar)
		default:
			fmt.Fprintf(&b, "# Needs the SMS role's external ID in %s (mfactl never prints it).\n", secretVar)
		}
		fmt.Fprintf(&b, "aws cognito-idp %s --region %s --cli-input-json %s\n", operations.CLI(string(c.Operation)), state.Region(c.UserPoolId), input)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maskedSecret is a secret in a request body: always a marker, of the SMS
// role's ExternalId (a pool call) or of the user's access token (a
// self-service call).
var maskedSecret = regexp.MustCompile(`"(ExternalId|AccessToken)":"\(sensitive[^"]*\)"`)

// shellJSON quotes body for a POSIX shell. A masked secret becomes a
// reference to an environment variable, expanded with ${VAR:?...} so that
// the shell refuses the command while it is unset: the ExternalId's is
// named after the pool, the access token's is MFACTL_ACCESS_TOKEN, which
// mfactl itself reads.
func shellJSON(body, poolID string) (quoted, secretVar string) {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	m := maskedSecret.FindStringSubmatch(body)
	if m == nil {
		return quote(body), ""
	}
	field, what := m[1], "the SMS role external ID of "+poolID
	secretVar = "MFACTL_SMS_EXTERNAL_ID_" + strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(poolID, "_"))
	if field == "AccessToken" {
		secretVar, what = "MFACTL_ACCESS_TOKEN", "your access token"
	}
	parts := maskedSecret.Split(body, -1)
	ref := `"` + field + `":"'"${` + secretVar + `:?set it to ` + what + `}"'"`
	for i := range parts {
		parts[i] = strings.ReplaceAll(parts[i], "'", `'\''`)
	}
	return "'" + strings.Join(parts, ref) + "'", secretVar
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
