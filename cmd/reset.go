package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// ResetOptions are the inputs of `mfactl reset-mfa`.
type ResetOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Reset    usecase.ResetOptions
	AuditLog string
	Yes      bool
	Output   string // one of views.ResetFormats
	AWS      awsFlags
}

// NewCmdResetMFA builds `mfactl reset-mfa`; runF replaces resetRun in tests.
func NewCmdResetMFA(f *Factory, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	c := &cobra.Command{
		Use:   "reset-mfa --user-pool-id ID --username NAME... --factor totp|sms|email|all --reason TEXT [flags]",
		Short: "Recover users who lost an MFA factor, safely and on the record",
		Long: `reset-mfa is for the help desk and incident runbooks: a user lost their
authenticator app (totp), phone (sms) or mailbox (email).

It reads first (the pool's MFA mode and factors; each user's factors with
AdminGetUser and AdminGetUserAuthFactors where allowed; their remembered
devices with AdminListDevices), then shows each step as the Cognito call it
makes and why, and says what the user's next sign-in will do. It asks before
changing anything (only 'yes' approves); --yes approves in runbooks, and
without a terminal it refuses unless --yes is given. --dry-run reads and
shows, and changes nothing.

The steps follow the pool's rules: a lost authenticator is deleted
(AdminDeleteSoftwareToken); where that call is denied or unknown, TOTP is
turned off and another factor the user can receive is preferred in one
AdminSetUserMFAPreference. A lost phone or mailbox turns that factor off and
prefers another. --sign-out revokes the user's tokens, --forget-devices
forgets the devices that skip MFA, --reset-password makes the user set a
new password.

Every run appends one JSON line to --audit-log (and prints it with -o json):
time, pool, users, factor, reason, ticket, who ran it, each user's MFA
before and after, and each call with its result. Secrets never reach it.`,
		Example: `  mfactl reset-mfa --user-pool-id eu-west-1_AbC --username alice --factor totp \
    --reason "lost phone; identity checked on video call" --ticket HD-4312 \
    --sign-out --forget-devices --audit-log /var/log/mfactl-audit.jsonl
  mfactl reset-mfa --user-pool-id eu-west-1_AbC --username alice --username bob \
    --factor sms --reason "SIM swap incident INC-77" --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return resetRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	r := &opts.Reset
	fs.StringVar(&r.UserPoolId, "user-pool-id", "", "the user pool `ID`, e.g. eu-west-1_AbCdEf123")
	fs.StringArrayVar(&r.Usernames, "username", nil, "the `NAME` of a user to reset (repeatable: one run, paced at Cognito's quotas)")
	fs.StringVar(&r.Factor, "factor", "", "the `FACTOR` the user lost: "+strings.Join(usecase.ResetFactors, "|"))
	fs.StringVar(&r.Reason, "reason", "", "why, in `TEXT` for the audit log (required)")
	fs.StringVar(&r.Ticket, "ticket", "", "the help-desk ticket or incident `ID`, for the audit log")
	fs.BoolVar(&r.SignOut, "sign-out", false, "revoke the user's tokens (AdminUserGlobalSignOut)")
	fs.BoolVar(&r.ForgetDevices, "forget-devices", false, "forget the user's remembered devices, which skip MFA (AdminForgetDevice)")
	fs.BoolVar(&r.ResetPassword, "reset-password", false, "make the user set a new password (AdminResetUserPassword)")
	fs.BoolVar(&r.DryRun, "dry-run", false, "read and show the steps; change nothing")
	fs.StringArrayVarP(&r.Files, "file", "f", nil, "desired-state files to cross-check (repeatable): declarations that would give the factor back")
	fs.StringVar(&opts.AuditLog, "audit-log", "", "append the run's JSON audit record to `FILE`")
	fs.BoolVar(&opts.Yes, "yes", false, "reset without asking (required when stdin is not a terminal)")
	fs.StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(views.ResetFormats...))
	_ = c.RegisterFlagCompletionFunc("output", completeFormats(views.ResetFormats, ""))
	_ = c.RegisterFlagCompletionFunc("factor", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return usecase.ResetFactors, cobra.ShellCompDirectiveNoFileComp
	})
	fs.StringVar(&opts.AWS.Profile, "profile", "", "AWS shared-config profile for credentials")
	fs.StringVar(&opts.AWS.Region, "region", "", "fallback AWS Region for the credential chain (the pool's Region comes from its ID)")
	fs.StringVar(&opts.AWS.EndpointURL, "endpoint-url", "", "send Cognito requests to this `URL` (e.g. mfactl emulator's)")
	fs.StringArrayVar(&opts.AWS.Rates, "rate", nil, "client-side request rate for a quota category, `CATEGORY=RPS` (repeatable)")
	return c
}

func resetRun(ctx context.Context, opts *ResetOptions) error {
	format, err := views.ParseFormat(opts.Output, views.ResetFormats...)
	if err != nil {
		return &UsageError{Err: err}
	}
	view := views.NewReset(format, opts.IO)
	// failed shows an error that stopped the run before its plan: with
	// -o json as a document on stdout, which then says it all.
	failed := func(err error) error {
		if format == views.JSON {
			if werr := view.Failed(err); werr != nil {
				return werr
			}
			if ExitCode(err) == ExitError {
				return &SilentError{Err: err}
			}
		}
		return err
	}
	if err := opts.Reset.Check(); err != nil {
		return failed(&UsageError{Err: err, Hint: "see `mfactl reset-mfa --help`"})
	}
	// Refuse before reading anything: a pipeline without --yes is a mistake.
	if !opts.Reset.DryRun && !opts.Yes && !opts.IO.CanPrompt() {
		return failed(errors.New("refusing to reset without confirmation: mfactl can only ask when stdin and stderr are a terminal; review with --dry-run and pass --yes"))
	}
	if _, err := opts.AWS.options(); err != nil {
		return failed(&UsageError{Err: err})
	}
	session := opts.AWS.session(opts.NewClient, opts.IO)
	p, err := session.PlanReset(ctx, opts.Reset)
	if err != nil {
		return failed(err)
	}
	view.Plan(p)

	finish := func(outcome string, runErr error) error {
		rec := session.Audit(ctx, p, outcome)
		if opts.AuditLog != "" {
			if err := usecase.AppendAudit(opts.AuditLog, rec); err != nil {
				_ = view.Done(rec, "")
				return fmt.Errorf("the reset's outcome is %q, but its audit record could not be written: %w", outcome, err)
			}
		}
		if err := view.Done(rec, opts.AuditLog); err != nil {
			return err
		}
		return runErr
	}
	switch {
	case p.DryRun():
		return finish(usecase.OutcomeDryRun, nil)
	case p.Calls() == 0:
		return finish(usecase.OutcomeNothingToDo, nil)
	}
	if !opts.Yes {
		ok, err := opts.IO.Confirm(ctx, view.Question(p))
		switch {
		case errors.Is(err, iostreams.ErrPromptInterrupted):
			fmt.Fprintln(opts.IO.ErrOut, "\nInterrupted at the prompt: nothing was sent to Cognito.")
			return finish(usecase.OutcomeInterrupted, ErrInterrupted)
		case err != nil:
			return err
		case !ok:
			return finish(usecase.OutcomeCancelled, errors.New("reset cancelled; nothing was changed"))
		}
	}
	outcome, err := session.ExecuteReset(ctx, p, usecase.ResetHooks{Call: view.Call})
	switch outcome {
	case usecase.OutcomeInterrupted:
		err = ErrInterrupted
	case usecase.OutcomeFailed:
		err = &SilentError{Err: err} // the view lists the failed calls
	}
	return finish(outcome, err)
}

var _ usecase.Recovery = (*cognito.Client)(nil)
var _ usecase.Passkeys = (*cognito.Client)(nil)
