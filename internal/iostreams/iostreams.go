// Package iostreams owns mfactl's terminal I/O: the process's streams and
// what depends on whether they are terminals (colour, the prompt, progress
// on stderr), and what the CI system running mfactl says about the run.
// It knows nothing of plans: internal/views renders, this package decides
// where and how the rendering can be shown.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams owns the process's streams and everything that depends on
// whether they are terminals: colour, prompts and progress (always on stderr).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
	// NoColor is set by NO_COLOR, --no-color or a non-TTY stdout; colour is off then.
	NoColor bool
	// OutColumns and ErrColumns are the widths of stdout's and stderr's
	// terminals; 0 when not a terminal (see OutWidth).
	OutColumns, ErrColumns int

	// CI is what the CI system running mfactl tells it, if any.
	CI CI
	// Now is the clock progress estimates time left by; time.Now if nil.
	Now func() time.Time

	prompting atomic.Bool // Confirm is waiting for an answer
	// stdout is the process's stdout, whatever writers Out is wrapped in
	// later (cmd filters it): the prompt asks it whether a pipe was read.
	stdout *os.File
}

func (s *IOStreams) clock() func() time.Time {
	if s.Now != nil {
		return s.Now
	}
	return time.Now
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	isTTY := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, stdout: os.Stdout,
		StdinTTY: isTTY(os.Stdin), StdoutTTY: isTTY(os.Stdout), StderrTTY: isTTY(os.Stderr),
	}
	if s.StdoutTTY {
		s.OutColumns, _, _ = term.GetSize(int(os.Stdout.Fd()))
	}
	if s.StderrTTY {
		s.ErrColumns, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	// no-color.org: NO_COLOR set to a non-empty value turns colour off.
	s.NoColor = os.Getenv("NO_COLOR") != "" || !s.StdoutTTY || os.Getenv("TERM") == "dumb"
	s.CI = CIFromEnv(os.Getenv)
	return s
}

// LogWidth is the width text is wrapped to where no terminal says one: CI
// logs, files, pipes.
const LogWidth = 80

// OutWidth is how wide a line on stdout may be: its terminal's width, or
// LogWidth.
func (s *IOStreams) OutWidth() int { return widthOr(s.OutColumns) }

// ErrWidth is OutWidth for stderr.
func (s *IOStreams) ErrWidth() int { return widthOr(s.ErrColumns) }

func widthOr(columns int) int {
	if columns < 20 { // not a terminal, or too narrow to wrap usefully
		return LogWidth
	}
	return columns
}

// TestStreams returns streams backed by buffers, none of them a TTY.
func TestStreams() (s *IOStreams, in, out, errOut *Buffer) {
	in, out, errOut = &Buffer{}, &Buffer{}, &Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true}, in, out, errOut
}

// Buffer is a bytes.Buffer that is safe to read while others write to it
// (progress and servers write from their own goroutines).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) WriteString(s string) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.WriteString(s)
}

func (b *Buffer) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Read(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}

func (b *Buffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}

func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}
