package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// PasskeyOptions are the inputs of `mfactl passkey list|delete`.
type PasskeyOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Delete       bool   // delete rather than list
	CredentialID string // delete's argument
	Yes          bool
	Output       string // one of views.PasskeyFormats
	AWS          awsFlags
}

// NewCmdPasskey builds `mfactl passkey` and its subcommands list and
// delete; runF replaces passkeyRun in tests.
func NewCmdPasskey(f *Factory, runF func(context.Context, *PasskeyOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   "passkey",
		Short: "Passkeys (WebAuthn) of the signed-in user",
		Long: `Cognito lets no administrator list or delete a user's passkeys: only the
user's own access token can (ListWebAuthnCredentials,
DeleteWebAuthnCredential). These commands do it for a user who lost a
passkey device, with the token from --access-token-file or ` + token.EnvVar + `,
never printed and never from a flag value.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	run := func(opts *PasskeyOptions) func(*cobra.Command, []string) error {
		return func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.CredentialID = args[0]
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return passkeyRun(c.Context(), opts)
		}
	}
	register := func(sub *cobra.Command, opts *PasskeyOptions) {
		fs := sub.Flags()
		fs.StringVar(&opts.AWS.AccessTokenFile, "access-token-file", "", "read your access token from `FILE`; "+token.EnvVar+" works too")
		fs.StringVar(&opts.AWS.EndpointURL, "endpoint-url", "", "send Cognito requests to this `URL` (e.g. mfactl emulator's)")
		fs.StringArrayVar(&opts.AWS.Rates, "rate", nil, "client-side request rate for a quota category, `CATEGORY=RPS` (repeatable)")
		fs.StringVarP(&opts.Output, "output", "o", "text", "output format: "+views.FormatNames(views.PasskeyFormats...))
		_ = sub.RegisterFlagCompletionFunc("output", completeFormats(views.PasskeyFormats, ""))
	}

	listOpts := &PasskeyOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	list := &cobra.Command{
		Use:     "list --access-token-file FILE [-o text|json]",
		Short:   "List your passkeys",
		Example: `  mfactl passkey list --access-token-file ~/.cache/me.token`,
		Args:    cobra.NoArgs,
		RunE:    run(listOpts),
	}
	register(list, listOpts)

	deleteOpts := &PasskeyOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}, Delete: true}
	del := &cobra.Command{
		Use:     "delete CREDENTIAL_ID --access-token-file FILE [--yes] [-o text|json]",
		Short:   "Delete one of your passkeys (a lost device's)",
		Example: `  mfactl passkey delete AbCdEf0123 --access-token-file ~/.cache/me.token`,
		Args:    cobra.ExactArgs(1),
		RunE:    run(deleteOpts),
	}
	register(del, deleteOpts)
	del.Flags().BoolVar(&deleteOpts.Yes, "yes", false, "delete without asking (required when stdin is not a terminal)")

	c.AddCommand(list, del)
	return c
}

func passkeyRun(ctx context.Context, opts *PasskeyOptions) error {
	format, err := views.ParseFormat(opts.Output, views.PasskeyFormats...)
	if err != nil {
		return &UsageError{Err: err}
	}
	err = passkeyAndShow(ctx, opts, format)
	if err != nil && format == views.JSON && ExitCode(err) == ExitError {
		if werr := views.PasskeyFailed(opts.IO, format, err); werr != nil {
			return werr
		}
		return &SilentError{Err: err} // the JSON document says it
	}
	return err
}

func passkeyAndShow(ctx context.Context, opts *PasskeyOptions, format views.Format) error {
	session := opts.AWS.session(opts.NewClient, opts.IO)
	in := usecase.PasskeyOptions{AccessToken: opts.AWS.accessToken, CredentialID: opts.CredentialID}
	if !opts.Delete {
		l, err := session.ListPasskeys(ctx, in)
		if err != nil {
			return err
		}
		return views.RenderPasskeys(opts.IO, format, l)
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return errors.New("refusing to delete a passkey without confirmation: mfactl can only ask when stdin and stderr are a terminal; pass --yes")
		}
		ok, err := opts.IO.Confirm(ctx, fmt.Sprintf("Delete passkey %s? It can no longer sign in; only 'yes' will be accepted.", untrusted.Name(opts.CredentialID)))
		switch {
		case errors.Is(err, iostreams.ErrPromptInterrupted):
			return ErrInterrupted
		case err != nil:
			return err
		case !ok:
			return errors.New("nothing was deleted")
		}
	}
	l, err := session.DeletePasskey(ctx, in)
	if err != nil {
		return err
	}
	views.PasskeyDeleted(opts.IO, format, opts.CredentialID)
	return views.RenderPasskeys(opts.IO, format, l)
}
