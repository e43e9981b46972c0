package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/buildinfo"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/operations"
	"github.com/mfactl/mfactl/internal/views"
)

// VersionOptions are the inputs of `mfactl version`.
type VersionOptions struct {
	IO  *iostreams.IOStreams
	Out outputFlags
}

// NewCmdVersion builds `mfactl version`; runF replaces versionRun in tests.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "version",
		Short: "Print mfactl's version and the Cognito API it understands",
		Long: `Version prints mfactl's version, commit, build date, Go version and platform,
and the Cognito API this build understands: the AWS SDK module and the date
of the API model it was generated from, and the operations mfactl sends
beyond that SDK. ` + "`mfactl --version`" + ` prints the same text.`,
		Example: `  mfactl version
  mfactl version -o json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	opts.Out.register(c, views.VersionFormats, false)
	return c
}

func versionRun(opts *VersionOptions) error {
	format, _, err := opts.Out.parse()
	if err != nil {
		return err
	}
	view, err := views.VersionFormats.New(format, opts.IO, views.Options{})
	if err != nil {
		return err
	}
	return view.Render(versionDoc())
}

// versionDoc describes this binary.
func versionDoc() views.VersionDoc {
	info := buildinfo.Read()
	return views.VersionDoc{
		Version:   info.Version,
		Commit:    info.Commit,
		Date:      info.Date,
		GoVersion: info.GoVersion,
		Platform:  info.Platform,
		Cognito: views.CognitoAPI{
			SDKModule:           cognito.SDKModule,
			SDKVersion:          info.Module(cognito.SDKModule),
			APIModelDate:        cognito.SDKModelDate,
			OperationsBeyondSDK: operations.BeyondSDK(),
		},
	}
}

// versionText is `mfactl --version`: the text of `mfactl version`.
func versionText() string {
	var b strings.Builder
	_ = views.RenderVersion(&b, views.Text, versionDoc())
	return b.String()
}
