package desiredfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

// A file in a directory that does not exist is refused up front, with the
// directory named and no temporary file name.
func TestCheckNamesAMissingDirectory(t *testing.T) {
	target := filepath.Join(t.TempDir(), "missing", "dir", "x.yaml")
	o := &Output{Path: target}
	err := o.Check()
	if err == nil || !strings.Contains(err.Error(), "directory "+filepath.Dir(target)+" does not exist") || strings.Contains(err.Error(), ".mfactl-import") {
		t.Fatalf("Check = %v", err)
	}
	existing := filepath.Join(t.TempDir(), "x.yaml")
	os.WriteFile(existing, nil, 0o644)
	if err := (&Output{Path: existing}).Check(); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Check of an existing file = %v", err)
	}
	if err := (&Output{Path: filepath.Join(t.TempDir(), "new.yaml")}).Check(); err != nil {
		t.Fatalf("Check of a new file = %v", err)
	}
}

// WroteStdout tells a failure before any YAML reached stdout (buffered,
// then discarded) from one after.
func TestWroteStdoutOnlyOnceYAMLReachedIt(t *testing.T) {
	var out bytes.Buffer
	o := &Output{Stdout: &out, Header: ImportHeader(importedAt, "none")}
	if err := o.BeginPool(&state.LivePool{UserPoolId: "eu-west-1_A"}); err != nil {
		t.Fatal(err)
	}
	o.Close(errors.New("failed"))
	if o.WroteStdout() || out.Len() != 0 {
		t.Fatalf("a failure before the first flush: WroteStdout %t, %d bytes", o.WroteStdout(), out.Len())
	}
	o = &Output{Stdout: &out, Header: ImportHeader(importedAt, "none")}
	if err := o.BeginPool(&state.LivePool{UserPoolId: "eu-west-1_A"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(nil); err != nil {
		t.Fatal(err)
	}
	if !o.WroteStdout() || out.Len() == 0 {
		t.Fatalf("a complete import: WroteStdout %t, %d bytes", o.WroteStdout(), out.Len())
	}
}
