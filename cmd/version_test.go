package cmd

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/buildinfo"
	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/views"
)

func runRoot(t *testing.T, args ...string) (string, int) {
	t.Helper()
	ios, _, out, errOut := iostreams.TestStreams()
	root := NewRootCmd(&Factory{IO: ios})
	root.SetArgs(args)
	code := exitCode(root.Execute(), ios)
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut)
	}
	return out.String(), code
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, code := runRoot(t, "version", "-o", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, out)
	}
	var doc views.VersionDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Command != "version" || doc.FormatVersion == "" || doc.Version == "" {
		t.Errorf("head: %+v", doc)
	}
	if doc.GoVersion != runtime.Version() || doc.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("go %q platform %q", doc.GoVersion, doc.Platform)
	}
	// The SDK version comes from the binary's build record (a test binary
	// may have none; scripts/version-check.sh checks a real build's).
	if doc.Cognito.SDKModule != cognito.SDKModule || doc.Cognito.SDKVersion != buildinfo.Read().Module(cognito.SDKModule) || doc.Cognito.APIModelDate != cognito.SDKModelDate {
		t.Errorf("cognito: %+v", doc.Cognito)
	}

	text, _ := runRoot(t, "version")
	flag, _ := runRoot(t, "--version")
	if len(doc.Cognito.OperationsBeyondSDK) == 0 || !strings.Contains(text, "beyond SDK: "+strings.Join(doc.Cognito.OperationsBeyondSDK, ", ")) {
		t.Errorf("the operations sent beyond the SDK are not named: %v\n%s", doc.Cognito.OperationsBeyondSDK, text)
	}
	if text != flag || !strings.HasPrefix(text, "mfactl "+doc.Version+"\n") || !strings.Contains(text, "(API model of "+cognito.SDKModelDate+")") {
		t.Errorf("version:\n%s--version:\n%s", text, flag)
	}
	if _, code := runRoot(t, "version", "-o", "sarif"); code != ExitError {
		t.Errorf("version -o sarif: exit %d, want an error", code)
	}
}
