package iostreams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
)

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
