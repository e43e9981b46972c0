package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain gives every test of this package one isolated AWS environment:
// fixed fake credentials and nothing else for the SDK to find (no shared
// config, no instance metadata service). It is set once for the process,
// not per test with t.Setenv, so that the end-to-end tests, which need
// nothing more, can run in parallel (t.Setenv forbids t.Parallel). A test
// that changes the environment further does so with t.Setenv and runs on
// its own, before the parallel ones start.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mfactl-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"MFACTL_CHECKPOINT_DIR":       filepath.Join(dir, "checkpoints"),
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_SESSION_TOKEN", "MFACTL_ACCESS_TOKEN", "MFACTL_PLAN_KEY", "NO_COLOR"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
