//go:build linux

package iostreams

import (
	"context"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Waiting for the reader of stdout: how long at most, how often to look,
// and how long to leave it to write out what it read last.
const (
	readerPatience = 2 * time.Second
	readerPoll     = 10 * time.Millisecond
	readerSettle   = 50 * time.Millisecond
)

// waitForReader returns once what was written to stdout, when stdout is a
// pipe, has been read from it. Writes to a pipe return before the reader
// (tee, less) has shown them, and the prompt goes straight to the
// terminal on stderr: without this wait it would appear above the plan it
// asks about. FIONREAD (TIOCINQ) says how many bytes the pipe still holds; after
// readerPatience the prompt is shown anyway.
func (s *IOStreams) waitForReader(ctx context.Context) {
	f := s.stdout
	if f == nil {
		f, _ = s.Out.(*os.File)
	}
	if f == nil {
		return
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	deadline := time.Now().Add(readerPatience)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
		if err != nil {
			return
		}
		if n == 0 {
			time.Sleep(readerSettle)
			return
		}
		time.Sleep(readerPoll)
	}
}
