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

// Prompting reports whether Confirm is waiting for an answer: the signal
// handler then leaves it to Confirm's caller to say what Ctrl-C did, in
// one line.
func (s *IOStreams) Prompting() bool { return s.prompting.Load() }

// Confirm asks a question on stderr and waits for the answer; as with
// Terraform, only the word "yes" approves. The question is asked only once
// what went to stdout has reached whoever reads it (see waitForReader),
// so that `mfactl apply | tee apply.log` shows it below the plan. It
// returns ErrPromptInterrupted when ctx is cancelled first (the signal
// handler cancels it on Ctrl-C, while the read is still blocked).
func (s *IOStreams) Confirm(ctx context.Context, question string) (bool, error) {
	s.waitForReader(ctx)
	s.prompting.Store(true)
	defer s.prompting.Store(false)
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
