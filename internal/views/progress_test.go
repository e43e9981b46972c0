package views

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/plan"
)

func TestLineProgressWritesEveryNCallsAndAtTheEnd(t *testing.T) {
	var out bytes.Buffer
	h := newLines(&out, 10, 4, "applied %d/%d calls", ", %d failed")
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
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("a", 199)})
	var out Buffer
	r := apply.Run(context.Background(), p, &applytest.Executor{}, apply.Options{Hooks: newLines(&out, len(p.Calls), 50, "applied %d/%d calls", ", %d failed")})
	if !r.OK() {
		t.Fatal("run failed")
	}
	want := "applied 50/200 calls\napplied 100/200 calls\napplied 150/200 calls\napplied 200/200 calls\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestApplyProgressIsABarOnATerminalLinesInLogsAndNothingForFewCalls(t *testing.T) {
	for _, tc := range []struct {
		tty   bool
		total int
		want  string // "bar", "lines" or "none"
	}{{true, 2, "bar"}, {true, 1, "none"}, {false, 10, "lines"}, {false, 9, "none"}} {
		ios, _, _, _ := TestStreams()
		ios.StderrTTY = tc.tty
		hooks, finish := ios.ApplyProgress(tc.total)
		got := "none"
		if p, ok := hooks.(*progress); ok && p.bar != nil {
			got = "bar"
		} else if ok {
			got = "lines"
		}
		finish()
		if got != tc.want {
			t.Errorf("tty=%t total=%d: %s; want %s", tc.tty, tc.total, got, tc.want)
		}
	}
}

func TestProgressBarIsErasedByDoneAfterAnIncompleteRun(t *testing.T) {
	// The failure holds back the narrow call, so the bar never fills up.
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 60)})
	ex := &applytest.Executor{Delay: 4 * time.Millisecond, Fail: map[string]error{"eu-west-1_A/2/a007": errors.New("boom")}} // the run outlasts two of the bar's 100ms redraw intervals
	var out Buffer
	bar := newBar(&out, len(p.Calls), "Applying", "calls")

	apply.Run(context.Background(), p, ex, apply.Options{Concurrency: 1, Hooks: bar})
	drawn := out.String()
	bar.finish()
	all := out.String()

	for _, want := range []string{"Applying (1 failed)", "/62", "calls"} {
		if !strings.Contains(drawn, want) {
			t.Errorf("bar output lacks %q:\n%q", want, drawn)
		}
	}
	erased := all[len(drawn):]
	if !strings.HasPrefix(erased, "\r") || !strings.HasSuffix(erased, "\r") || strings.TrimSpace(erased) != "" {
		t.Errorf("finish did not erase the bar: wrote %q", erased)
	}
}

func TestProgressBarForNoCallsDrawsNothing(t *testing.T) {
	var out bytes.Buffer
	bar := newBar(&out, 0, "Applying", "calls")
	bar.finish()
	if out.Len() != 0 {
		t.Errorf("wrote %q", out.String())
	}
}

func TestReadProgressInLogsIsATenthPerLineAndNothingForSmallReads(t *testing.T) {
	ios, _, _, errOut := TestStreams()
	update, finish := ios.ReadProgress()
	for done := 0; done <= 199; done += 50 {
		update(done, 199)
	}
	finish()
	if errOut.Len() != 0 {
		t.Fatalf("a read of 199 showed progress: %q", errOut.String())
	}
	update, finish = ios.ReadProgress()
	for _, done := range []int{1, 150, 199, 201, 1000, 1999, 2000} {
		update(done, 2000)
	}
	finish()
	if want := "read 201/2000\nread 1000/2000\nread 1999/2000\nread 2000/2000\n"; errOut.String() != want {
		t.Errorf("got\n%s\nwant\n%s", errOut.String(), want)
	}
}

// Reading a whole pool: the total grows as listings find users, and log
// lines carry the rate and the time left once a second has passed.
func TestReadProgressGrowsAndEstimatesTimeLeft(t *testing.T) {
	ios, _, _, errOut := TestStreams()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ios.Now = func() time.Time { return now }
	update, finish := ios.ReadProgress()
	update(0, 1000)
	now = now.Add(10 * time.Second)
	update(100, 1000) // a tenth: 10/s, 900 left
	update(150, 2000) // the listing found more: a tenth is now 200
	now = now.Add(10 * time.Second)
	update(200, 2000) // 10/s, 1800 left
	update(2000, 2000)
	finish()
	want := "read 100/1000 (10/s, about 1m30s left)\nread 200/2000 (10/s, about 3m0s left)\nread 2000/2000\n"
	if errOut.String() != want {
		t.Errorf("got\n%s\nwant\n%s", errOut.String(), want)
	}
}
