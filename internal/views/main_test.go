package views

import (
	"os"
	"testing"

	"github.com/mfactl/mfactl/internal/buildinfo"
)

// TestMain pins the version the goldens show (SARIF's driver, JUnit's
// property, the JSON head's MfactlVersion), whatever the test binary's
// build record says.
func TestMain(m *testing.M) {
	buildinfo.Version = "dev"
	os.Exit(m.Run())
}
