package main

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain lets BenchmarkHelpStartup run this binary as mfactl itself.
func TestMain(m *testing.M) {
	if os.Getenv("MFACTL_BENCH_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// BenchmarkHelpStartup measures `mfactl --help` from exec to exit: package
// initialisation, building the command tree and printing the help. Every
// start pays for what the packages set up at load, so what only some
// commands need is set up on first use. "ms/start" is the wall time of one
// start; the test binary adds the testing package's own start-up to it.
func BenchmarkHelpStartup(b *testing.B) {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for range b.N {
		cmd := exec.Command(self, "--help")
		cmd.Env = append(os.Environ(), "MFACTL_BENCH_AS_MAIN=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("mfactl --help: %v\n%s", err, out)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1e3/float64(b.N), "ms/start")
}
