package cmd

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/mfactl/mfactl/internal/apply"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/state"
)

// LiveClient is what plan and apply need from Cognito. *cognito.Client
// satisfies it; it is an interface so the cmd layer depends on behaviour.
type LiveClient interface {
	ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error)
	apply.Cognito
}

var _ LiveClient = (*cognito.Client)(nil)

// awsFlags are the connection flags plan and apply share.
type awsFlags struct {
	Profile     string
	Region      string
	EndpointURL string
	Rates       []string
}

func (a *awsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&a.Profile, "profile", "", "AWS shared-config profile for credentials")
	fs.StringVar(&a.Region, "region", "", "fallback AWS Region for the credential chain (each pool's Region comes from its ID)")
	fs.StringVar(&a.EndpointURL, "endpoint-url", "", "send Cognito requests to this URL (e.g. `mfactl emulator`); AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER is honoured too")
	fs.StringArrayVar(&a.Rates, "rate", nil, "client-side request rate for a quota category, CATEGORY=RPS (repeatable; e.g. UserRead=300 after a quota raise)")
}

func (a *awsFlags) options() (cognito.Options, error) {
	rates, err := cognito.ParseRates(a.Rates)
	if err != nil {
		return cognito.Options{}, err
	}
	return cognito.Options{Profile: a.Profile, Region: a.Region, EndpointURL: a.EndpointURL, Rates: rates}, nil
}

// newCognitoClient is the production LiveClient constructor.
func newCognitoClient(ctx context.Context, opts cognito.Options) (LiveClient, error) {
	return cognito.New(ctx, opts)
}
