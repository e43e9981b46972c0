package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/internal/usecase"
	"github.com/mfactl/mfactl/internal/views"
)

// TOTPEnrollOptions are the inputs of `mfactl totp enroll`.
type TOTPEnrollOptions struct {
	IO        *iostreams.IOStreams
	NewClient func(context.Context, cognito.Options) (usecase.Cognito, error)

	Preferred  bool
	DeviceName string
	AWS        awsFlags // only the endpoint, rates and the token file
}

// NewCmdTOTP builds `mfactl totp` and its subcommand enroll; runF replaces
// totpEnrollRun in tests.
func NewCmdTOTP(f *Factory, runF func(context.Context, *TOTPEnrollOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   "totp",
		Short: "Authenticator apps (TOTP) for the signed-in user",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	opts := &TOTPEnrollOptions{IO: f.IO, NewClient: f.Cognito, AWS: awsFlags{lookupEnv: f.lookupEnv()}}
	enroll := &cobra.Command{
		Use:   "enroll --access-token-file FILE [--preferred]",
		Short: "Register an authenticator app with your access token, and enable TOTP",
		Long: `Enroll registers an authenticator app for the user whose access token it is
given, with no AWS credentials: AssociateSoftwareToken, then it shows the key
as a QR code and an otpauth:// URI, reads the app's current 6-digit code from
standard input, confirms it with VerifySoftwareToken, and enables TOTP with
SetUserMFAPreference (preferred with --preferred).

The token comes from --access-token-file or the environment variable
` + token.EnvVar + `, never from a flag value.`,
		Example: `  mfactl totp enroll --access-token-file ~/.cache/me.token --preferred
  MFACTL_ACCESS_TOKEN=$(cat me.token) mfactl totp enroll`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return totpEnrollRun(c.Context(), opts)
		},
	}
	fs := enroll.Flags()
	fs.BoolVar(&opts.Preferred, "preferred", false, "make TOTP your preferred MFA factor")
	fs.StringVar(&opts.DeviceName, "device-name", "", "a name for the authenticator (VerifySoftwareToken's FriendlyDeviceName)")
	fs.StringVar(&opts.AWS.AccessTokenFile, "access-token-file", "", "read your access token from `FILE`; "+token.EnvVar+" works too")
	fs.StringVar(&opts.AWS.EndpointURL, "endpoint-url", "", "send Cognito requests to this `URL` (e.g. mfactl emulator's)")
	fs.StringArrayVar(&opts.AWS.Rates, "rate", nil, "client-side request rate for a quota category, `CATEGORY=RPS` (repeatable)")
	c.AddCommand(enroll)
	return c
}

func totpEnrollRun(ctx context.Context, opts *TOTPEnrollOptions) error {
	view := views.NewTOTPEnroll(opts.IO)
	enrolled, err := opts.AWS.session(opts.NewClient, opts.IO).EnrollTOTP(ctx, usecase.EnrollOptions{
		AccessToken: opts.AWS.accessToken,
		Preferred:   opts.Preferred,
		DeviceName:  opts.DeviceName,
		Show:        view.Show,
		ReadCode:    view.ReadCode,
	})
	if err != nil {
		return err
	}
	view.Enrolled(enrolled)
	return nil
}
