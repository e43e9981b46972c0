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

var _ usecase.Cognito = (*cognito.Client)(nil)

// awsFlags are the connection flags plan and apply share.
type awsFlags struct {
	Profile     string
	Region      string
	EndpointURL string
	Rates       []string
	// AccessTokenFile holds the signed-in user's access token, for files
	// that declare Self. There is no flag for the token itself: it would
	// be in the shell history and every process list.
	AccessTokenFile string

	lookupEnv func(string) (string, bool) // the Factory's
}

func (a *awsFlags) register(c *cobra.Command) {
	fs := c.Flags()
	fs.StringVar(&a.Profile, "profile", "", "AWS shared-config profile for credentials")
	fs.StringVar(&a.Region, "region", "", "fallback AWS Region for the credential chain (each pool's Region comes from its ID)")
	fs.StringVar(&a.EndpointURL, "endpoint-url", "", "send Cognito requests to this `URL` (e.g. mfactl emulator's); AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER is honoured too")
	fs.StringArrayVar(&a.Rates, "rate", nil, "client-side request rate for a quota category, `CATEGORY=RPS` (repeatable; e.g. UserRead=300 after a quota raise)")
	_ = c.RegisterFlagCompletionFunc("rate", completeRates)
	fs.StringVar(&a.AccessTokenFile, "access-token-file", "", "read your access token from `FILE`, for files that declare Self (no AWS credentials are used); "+token.EnvVar+" works too")
}

// accessToken reads the token from --access-token-file, else from the
// environment; nil when neither has one.
func (a *awsFlags) accessToken() (*token.Token, error) {
	if a.AccessTokenFile != "" {
		return token.ReadFile(a.AccessTokenFile)
	}
	return token.FromEnv(a.lookupEnv)
}

func (a *awsFlags) options() (cognito.Options, error) {
	rates, err := cognito.ParseRates(a.Rates)
	if err != nil {
		return cognito.Options{}, err
	}
	return cognito.Options{Profile: a.Profile, Region: a.Region, EndpointURL: a.EndpointURL, Rates: rates}, nil
}

// session returns the use-case session whose Cognito client is made, on
// first use, from these flags; retries of requests that cannot reach
// Cognito are shown on io's stderr as they happen.
func (a *awsFlags) session(newClient func(context.Context, cognito.Options) (usecase.Cognito, error), io *iostreams.IOStreams) *usecase.Session {
	return usecase.NewSession(func(ctx context.Context, tok *token.Token) (usecase.Cognito, error) {
		opts, err := a.options()
		if err != nil {
			return nil, err
		}
		opts.AccessToken = tok
		opts.OnRetry = func(r cognito.Retry) {
			views.Retry(io.ErrOut, r.Operation, r.UserPoolId, r.Username, r.Reason, r.Attempt, r.Attempts, r.Delay)
		}
		return newClient(ctx, opts)
	})
}

// newCognitoClient is the production client constructor.
func newCognitoClient(ctx context.Context, opts cognito.Options) (usecase.Cognito, error) {
	return cognito.New(ctx, opts)
}
