package views

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// CLI is `-o cli`: the plan's calls as the equivalent AWS CLI commands, a
// shell script for whoever must run or audit a change with the AWS CLI.
const CLI Format = "cli"

// cliCommands are the AWS CLI's names of the operations a plan calls.
var cliCommands = map[plan.Operation]string{
	plan.SetUserPoolMfaConfig:      "set-user-pool-mfa-config",
	plan.AdminSetUserMFAPreference: "admin-set-user-mfa-preference",
}

var stageNames = map[int]string{
	plan.StageWidenPool:  "widen the pool",
	plan.StageUsers:      "users",
	plan.StageNarrowPool: "the pool's final configuration",
}

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
// with --cli-input-json bodies: the same requests apply sends. The SMS
// role's ExternalId is never written: the command reads it from an
// environment variable and refuses to run while it is unset.
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
		if err != nil {
			return err
		}
		target := c.UserPoolId
		if c.Username != "" {
			target += " user " + untrusted.Name(c.Username)
		}
		fmt.Fprintf(&b, "\n# %d/%d, stage %d (%s): %s", i+1, len(p.Calls), c.Stage, stageNames[c.Stage], target)
		if c.Reason != "" {
			fmt.Fprintf(&b, ": %s", oneLine(c.Reason))
		}
		b.WriteString("\n")
		if c.Uncertain != "" {
			// set -e stops at a refusal, before the pool's later stages.
			fmt.Fprintf(&b, "# Uncertain: %s.\n", oneLine(c.Uncertain))
		}
		input, secretVar := shellJSON(string(body), c.UserPoolId)
		if secretVar != "" {
			fmt.Fprintf(&b, "# Needs the SMS role's external ID in %s (mfactl never prints it).\n", secretVar)
		}
		fmt.Fprintf(&b, "aws cognito-idp %s --region %s --cli-input-json %s\n", cliCommands[c.Operation], state.Region(c.UserPoolId), input)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maskedExternalID is an ExternalId in a request body: always a marker.
var maskedExternalID = regexp.MustCompile(`"ExternalId":"\(sensitive[^"]*\)"`)

// shellJSON quotes body for a POSIX shell. A masked ExternalId becomes a
// reference to an environment variable named after the pool, expanded
// with ${VAR:?...} so that the shell refuses the command while it is unset.
func shellJSON(body, poolID string) (quoted, secretVar string) {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	if !maskedExternalID.MatchString(body) {
		return quote(body), ""
	}
	secretVar = "MFACTL_SMS_EXTERNAL_ID_" + strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(poolID, "_"))
	parts := maskedExternalID.Split(body, -1)
	ref := `"ExternalId":"'"${` + secretVar + `:?set it to the SMS role external ID of ` + poolID + `}"'"`
	for i := range parts {
		parts[i] = strings.ReplaceAll(parts[i], "'", `'\''`)
	}
	return "'" + strings.Join(parts, ref) + "'", secretVar
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
