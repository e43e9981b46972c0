package cmd

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFirstInterruptCancelsAndSaysWhatHappens(t *testing.T) {
	var errOut bytes.Buffer
	ctx, stop := signalContext(context.Background(), &errOut)
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
	var errOut bytes.Buffer
	ctx, stop := signalContext(context.Background(), &errOut)
	stop()
	if ctx.Err() == nil {
		t.Fatal("stop should cancel the context")
	}
	if errOut.Len() != 0 {
		t.Fatalf("stop printed %q", errOut.String())
	}
}
