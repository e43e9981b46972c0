package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
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
	// NoColor is set by NO_COLOR or a non-TTY stdout; colour is off then.
	NoColor bool
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	isTTY := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY: isTTY(os.Stdin), StdoutTTY: isTTY(os.Stdout), StderrTTY: isTTY(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.NoColor = noColor || !s.StdoutTTY || os.Getenv("TERM") == "dumb"
	return s
}

// TestStreams returns streams backed by buffers, none of them a TTY.
func TestStreams() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true}, in, out, errOut
}

// Palette colours text for stdout when colour is enabled, else returns it as is.
type Palette struct{ enabled bool }

func (s *IOStreams) Palette() Palette { return Palette{enabled: !s.NoColor} }

func (p Palette) paint(attr color.Attribute, text string) string {
	if !p.enabled {
		return text
	}
	c := color.New(attr)
	c.EnableColor()
	return c.Sprint(text)
}

func (p Palette) Red(s string) string    { return p.paint(color.FgRed, s) }
func (p Palette) Green(s string) string  { return p.paint(color.FgGreen, s) }
func (p Palette) Yellow(s string) string { return p.paint(color.FgYellow, s) }
func (p Palette) Cyan(s string) string   { return p.paint(color.FgCyan, s) }
func (p Palette) Bold(s string) string   { return p.paint(color.Bold, s) }
func (p Palette) Dim(s string) string    { return p.paint(color.Faint, s) }

// CanPrompt reports whether a person can answer a question.
func (s *IOStreams) CanPrompt() bool { return s.StdinTTY && s.StderrTTY }

// Confirm asks a yes/no question on stderr; only "y" or "yes" is yes.
func (s *IOStreams) Confirm(question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}
