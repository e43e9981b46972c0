package cmd

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/iostreams"
)

func TestFirstInterruptCancelsAndSaysWhatHappens(t *testing.T) {
	ios, _, _, errOut := iostreams.TestStreams()
	ctx, stop := signalContext(context.Background(), ios)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("context not cancelled by SIGINT")
	}
	if !strings.Contains(errOut.String(), "Interrupted: starting nothing more") || !strings.Contains(errOut.String(), "Ctrl-C again") {
		t.Fatalf("stderr = %q", errOut.String())
	}
}

func TestStopReleasesTheSignalWatcher(t *testing.T) {
	ios, _, _, errOut := iostreams.TestStreams()
	ctx, stop := signalContext(context.Background(), ios)
	stop()
	if ctx.Err() == nil {
		t.Fatal("stop should cancel the context")
	}
	if errOut.Len() != 0 {
		t.Fatalf("stop printed %q", errOut.String())
	}
}

// Ctrl-C at the prompt: nothing is in flight, and apply's own line says
// so; the handler's "what is in flight will finish" would contradict it.
func TestInterruptAtThePromptLeavesTheOneLineToApply(t *testing.T) {
	ios, _, _, errOut := iostreams.TestStreams()
	done := make(chan struct{})
	defer close(done)
	ios.In = blockingReader{done}
	ctx, stop := signalContext(context.Background(), ios)
	defer stop()
	asked := make(chan error, 1)
	go func() { _, err := ios.Confirm(ctx, "Apply?"); asked <- err }()
	deadline := time.Now().Add(5 * time.Second)
	for !ios.Prompting() {
		if time.Now().After(deadline) {
			t.Fatal("Confirm never asked")
		}
		time.Sleep(time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-asked:
		if !errors.Is(err, iostreams.ErrPromptInterrupted) {
			t.Fatalf("Confirm: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Confirm not interrupted by SIGINT")
	}
	if got := errOut.String(); got != "Apply? " {
		t.Errorf("stderr = %q; the handler spoke at the prompt", got)
	}
}
