package views

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/jsondoc"
)

// VersionDoc is what `mfactl version` says: the build, and the Cognito API
// this build understands.
type VersionDoc struct {
	FormatVersion string
	Command       string
	Version       string
	Commit        string
	Date          string
	GoVersion     string
	Platform      string
	Cognito       CognitoAPI
}

// CognitoAPI is the Cognito API a build can speak: the SDK module its client
// comes from, the date of the API model that SDK was generated from, and the
// operations it sends beyond that SDK.
type CognitoAPI struct {
	SDKModule           string
	SDKVersion          string
	APIModelDate        string
	OperationsBeyondSDK []string
}

// VersionView renders what `mfactl version` says.
type VersionView interface{ Render(VersionDoc) error }

// VersionFormats are the formats of `mfactl version`.
var VersionFormats = register("version",
	format(Text, func(io *iostreams.IOStreams, _ Options) VersionView { return versionView{io.Out, Text} }),
	format(JSON, func(io *iostreams.IOStreams, _ Options) VersionView { return versionView{io.Out, JSON} }),
)

type versionView struct {
	w      io.Writer
	format Format
}

func (v versionView) Render(doc VersionDoc) error { return RenderVersion(v.w, v.format, doc) }

// RenderVersion writes doc as text or JSON; the JSON carries the version
// of every public document (jsondoc.FormatVersion).
func RenderVersion(w io.Writer, format Format, doc VersionDoc) error {
	if format == JSON {
		doc.FormatVersion, doc.Command = jsondoc.FormatVersion, "version"
		if doc.Cognito.OperationsBeyondSDK == nil {
			doc.Cognito.OperationsBeyondSDK = []string{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "mfactl %s\n", doc.Version)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-11s %s\n", k+":", v)
		}
	}
	row("commit", doc.Commit)
	row("built", doc.Date)
	row("go", doc.GoVersion+" "+doc.Platform)
	sdk := strings.TrimPrefix(doc.Cognito.SDKModule, "github.com/") + " " + doc.Cognito.SDKVersion
	row("cognito", fmt.Sprintf("%s (API model of %s)", sdk, doc.Cognito.APIModelDate))
	if ops := doc.Cognito.OperationsBeyondSDK; len(ops) > 0 {
		row("beyond SDK", strings.Join(ops, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
