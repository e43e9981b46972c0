// Package views is everything mfactl shows: plans, apply summaries,
// diagnostics and verification for people (text, coloured on a terminal)
// and for programs (versioned JSON), and progress on stderr. Commands pick
// a view; use cases return values and never print. A new output format is
// a new view here.
package views

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
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

	// CI is what the CI system running mfactl tells it, if any.
	CI CI
	// Now is the clock progress estimates time left by; time.Now if nil.
	Now func() time.Time
}

func (s *IOStreams) clock() func() time.Time {
	if s.Now != nil {
		return s.Now
	}
	return time.Now
}

// CI is what the environment says about the CI run mfactl is part of: the
// views use it to link to source lines and to the run, and to annotate.
type CI struct {
	// GitHubActions is set when GITHUB_ACTIONS=true: text output then adds
	// workflow commands that annotate the lines of the pull request.
	GitHubActions bool
	// StepSummary is the file of $GITHUB_STEP_SUMMARY, where -o github
	// appends the Markdown of the run.
	StepSummary string
	// SourceURL is the address of the checked-out files, to which a
	// path and "#L<line>" are added ("https://github.com/o/r/blob/<sha>");
	// empty when unknown, and positions are then shown, not linked.
	SourceURL string
	// RunURL is the address of the CI run (where its full log is).
	RunURL string
	// Workspace is the directory the CI checked the repository out to;
	// annotation and SARIF paths are relative to it.
	Workspace string
}

// CIFromEnv reads what GitHub Actions and GitLab CI say about the run.
func CIFromEnv(getenv func(string) string) CI {
	var ci CI
	if getenv("GITHUB_ACTIONS") == "true" {
		ci.GitHubActions = true
		ci.StepSummary = getenv("GITHUB_STEP_SUMMARY")
		ci.Workspace = getenv("GITHUB_WORKSPACE")
		server, repo := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY")
		if server != "" && repo != "" {
			// On a pull request GITHUB_SHA is the merge commit, whose
			// lines are those of the head; MFACTL_SOURCE_SHA may name the head.
			sha := firstOf(getenv("MFACTL_SOURCE_SHA"), getenv("GITHUB_SHA"))
			if sha != "" {
				ci.SourceURL = server + "/" + repo + "/blob/" + sha
			}
			if run := getenv("GITHUB_RUN_ID"); run != "" {
				ci.RunURL = server + "/" + repo + "/actions/runs/" + run
			}
		}
		return ci
	}
	if getenv("GITLAB_CI") == "true" {
		ci.Workspace = getenv("CI_PROJECT_DIR")
		if project, sha := getenv("CI_PROJECT_URL"), firstOf(getenv("MFACTL_SOURCE_SHA"), getenv("CI_COMMIT_SHA")); project != "" && sha != "" {
			ci.SourceURL = project + "/-/blob/" + sha
		}
		ci.RunURL = getenv("CI_JOB_URL")
	}
	return ci
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	isTTY := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY: isTTY(os.Stdin), StdoutTTY: isTTY(os.Stdout), StderrTTY: isTTY(os.Stderr),
	}
	// no-color.org: NO_COLOR set to a non-empty value turns colour off.
	s.NoColor = os.Getenv("NO_COLOR") != "" || !s.StdoutTTY || os.Getenv("TERM") == "dumb"
	s.CI = CIFromEnv(os.Getenv)
	return s
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

// Palette colours what goes to stdout: only on a terminal, and not with NO_COLOR.
func (s *IOStreams) Palette() Palette { return palette(!s.NoColor) }

// ErrPalette colours what goes to stderr: only when stderr is a terminal.
func (s *IOStreams) ErrPalette() Palette { return palette(!s.NoColor && s.StderrTTY) }

// CanPrompt reports whether a person can answer a question.
func (s *IOStreams) CanPrompt() bool { return s.StdinTTY && s.StderrTTY }

// ErrPromptInterrupted is returned by Confirm when ctx ends (Ctrl-C) before
// an answer.
var ErrPromptInterrupted = errors.New("interrupted at the prompt")

// Confirm asks a question on stderr and waits for the answer; as with
// Terraform, only the word "yes" approves. It returns ErrPromptInterrupted
// when ctx is cancelled first (the signal handler cancels it on Ctrl-C,
// while the read is still blocked).
func (s *IOStreams) Confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(s.In).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		return false, ErrPromptInterrupted
	case line := <-answer:
		if ctx.Err() != nil {
			return false, ErrPromptInterrupted
		}
		return strings.TrimSpace(line) == "yes", nil
	}
}
