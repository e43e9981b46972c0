//go:build unix

package usecase

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/plan/planfile"
)

// A plan file that is a device, a named pipe, a directory or larger than
// planfile.MaxFileSize is refused at once, by show and by apply, before
// anything is read from it or from Cognito (red-team item 18.5:
// `mfactl show /dev/zero` reached 1.8 GiB, a FIFO hung apply).
func TestPlanFilesThatAreNotRegularOrTooLargeAreRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "plan.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.plan")
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(planfile.MaxFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	cases := []struct{ path, want string }{
		{"/dev/zero", "not a regular file (a device)"},
		{fifo, "not a regular file (a named pipe)"},
		{dir, "it is a directory"},
		{large, "larger than 256 MiB, the most a plan file may be"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			fake, connects := newFake(), 0
			s := sessionOf(fake, &connects)
			for name, load := range map[string]func() error{
				"show":  func() error { _, err := ShowSaved(c.path, nil); return err },
				"apply": func() error { _, err := s.LoadSaved(context.Background(), SavedOptions{Path: c.path}); return err },
			} {
				done := make(chan error, 1)
				go func() { done <- load() }()
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), c.want) {
						t.Errorf("%s: err = %v; want %q", name, err, c.want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("%s hangs on %s", name, c.path)
				}
			}
			if connects != 0 {
				t.Errorf("connected to Cognito %d times", connects)
			}
		})
	}
}
