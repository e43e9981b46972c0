package iostreams

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// orderedWriter records whether the reader of stdout had read everything
// when the prompt was written.
type orderedWriter struct {
	drained *atomic.Bool
	early   atomic.Bool
}

func (w *orderedWriter) Write(p []byte) (int, error) {
	if !w.drained.Load() {
		w.early.Store(true)
	}
	return len(p), nil
}

// `mfactl apply | tee apply.log`: the plan went into a pipe that tee has
// not read yet; the prompt waits until it has.
func TestConfirmWaitsUntilThePipeOnStdoutIsRead(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	plan := strings.Repeat("~ user alice: SMS on\n", 500) // 10 KB, within the pipe's buffer
	if _, err := w.WriteString(plan); err != nil {
		t.Fatal(err)
	}
	var drained atomic.Bool
	go func() { // a slow tee
		time.Sleep(200 * time.Millisecond)
		_, _ = io.ReadFull(r, make([]byte, len(plan)))
		drained.Store(true)
	}()
	prompt := &orderedWriter{drained: &drained}
	ios := &IOStreams{In: strings.NewReader("yes\n"), Out: w, ErrOut: prompt}
	ok, err := ios.Confirm(context.Background(), "Apply 2 calls to pool eu-west-1_A? Only 'yes' is accepted:")
	if err != nil || !ok {
		t.Fatalf("Confirm = %t, %v", ok, err)
	}
	if prompt.early.Load() {
		t.Error("the prompt was written before the plan in the pipe was read")
	}
}

func TestConfirmTakesOnlyYes(t *testing.T) {
	for answer, want := range map[string]bool{"yes\n": true, " yes \n": true, "y\n": false, "YES\n": false, "": false} {
		ios, in, _, errOut := TestStreams()
		in.WriteString(answer)
		ok, err := ios.Confirm(context.Background(), "Apply?")
		if err != nil || ok != want {
			t.Errorf("%q: %t, %v; want %t", answer, ok, err, want)
		}
		if errOut.String() != "Apply? " {
			t.Errorf("asked %q", errOut.String())
		}
	}
}

type blocked struct{ done chan struct{} }

func (b blocked) Read([]byte) (int, error) { <-b.done; return 0, io.EOF }

func TestConfirmIsPromptingUntilInterrupted(t *testing.T) {
	ios, _, _, _ := TestStreams()
	done := make(chan struct{})
	defer close(done)
	ios.In = blocked{done}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		deadline := time.Now().Add(5 * time.Second)
		for !ios.Prompting() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := ios.Confirm(ctx, "Apply?"); !errors.Is(err, ErrPromptInterrupted) {
		t.Fatalf("err = %v", err)
	}
	if ios.Prompting() {
		t.Error("still prompting after Confirm returned")
	}
}
