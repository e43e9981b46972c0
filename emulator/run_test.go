package emulator_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// Run serves on the listener it is given, from a seed the first time and
// from its state file after, and saves the state when its context ends.
func TestRunSeedsServesAndKeepsItsState(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seed, []byte("Pools:\n  - Id: eu-west-1_Run1\n    Users:\n      - {Username: alice}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stateFile := filepath.Join(dir, "state.json")
	// seeded: alice of the seed is there (a token can be issued for her).
	run := func() (seeded bool, notices []string) {
		t.Helper()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		done := make(chan error, 1)
		go func() {
			done <- emulator.Run(ctx, l, emulator.RunOptions{
				Seed: seed, StateFile: stateFile, SaveInterval: time.Hour,
				Ready: func(s *emulator.Server) {
					_, err := s.IssueAccessToken("eu-west-1_Run1", "alice")
					seeded = err == nil
					cancel()
				},
				Logf: func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					notices = append(notices, fmt.Sprintf(format, args...))
				},
			})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not stop when its context ended")
		}
		return seeded, notices
	}
	if seeded, notices := run(); !seeded || len(notices) != 0 {
		t.Fatalf("first run: seeded %v, notices %v", seeded, notices)
	}
	if _, err := os.Stat(stateFile); err != nil {
		t.Fatalf("the state was not saved on stop: %v", err)
	}
	seeded, notices := run()
	if !seeded || len(notices) != 1 || !strings.Contains(notices[0], "was not loaded") {
		t.Errorf("second run, from the state file: seeded %v, notices %v", seeded, notices)
	}
}
