package apply

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/plan"
)

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLineProgressWritesEveryNCallsAndAtTheEnd(t *testing.T) {
	var out bytes.Buffer
	h := NewLineProgress(&out, 10, 4)
	for i := range 10 {
		var err error
		if i == 5 {
			err = errors.New("boom")
		}
		h.PreCall(i, plan.Call{})
		h.PostCall(i, plan.Call{}, err, time.Millisecond)
	}
	want := "applied 4/10 calls\n" +
		"applied 7/10 calls, 1 failed\n" +
		"applied 9/10 calls, 1 failed\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestLineProgressUnderConcurrentRun(t *testing.T) {
	p := buildPlan(poolPlan{pool: "eu-west-1_A", widen: true, users: users("a", 199)})
	var out syncBuffer
	r := runWithTimeout(t, context.Background(), p, newFake(), Options{Hooks: NewLineProgress(&out, len(p.Calls), 50)})
	if !r.OK() {
		t.Fatal("run failed")
	}
	want := "applied 50/200 calls\napplied 100/200 calls\napplied 150/200 calls\napplied 200/200 calls\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestProgressBarIsErasedByDoneAfterAnIncompleteRun(t *testing.T) {
	// The failure holds back the narrow call, so the bar never fills up.
	p := buildPlan(poolPlan{pool: "eu-west-1_A", widen: true, narrow: true, users: users("a", 60)})
	fake := newFake()
	fake.fail["eu-west-1_A/2/a007"] = errors.New("boom")
	fake.delay = 4 * time.Millisecond // the run outlasts two of the bar's 100ms redraw intervals
	var out syncBuffer
	bar := NewProgressBar(&out, len(p.Calls))

	runWithTimeout(t, context.Background(), p, fake, Options{Concurrency: 1, Hooks: bar})
	drawn := out.String()
	bar.Done()
	all := out.String()

	for _, want := range []string{"Applying (1 failed)", "/62", "calls"} {
		if !strings.Contains(drawn, want) {
			t.Errorf("bar output lacks %q:\n%q", want, drawn)
		}
	}
	erased := all[len(drawn):]
	if !strings.HasPrefix(erased, "\r") || !strings.HasSuffix(erased, "\r") || strings.TrimSpace(erased) != "" {
		t.Errorf("Done did not erase the bar: wrote %q", erased)
	}
}

func TestProgressBarForNoCallsDrawsNothing(t *testing.T) {
	var out bytes.Buffer
	bar := NewProgressBar(&out, 0)
	bar.Done()
	if out.Len() != 0 {
		t.Errorf("wrote %q", out.String())
	}
}
