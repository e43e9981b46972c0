package views

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/internal/iostreams"
)

func TestLineProgressUnderConcurrentRun(t *testing.T) {
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("a", 199)})
	ios, _, _, errOut := iostreams.TestStreams()
	progress := ios.ApplyProgress(len(p.Calls))
	r := apply.Run(context.Background(), p, &applytest.Executor{}, apply.Options{Hooks: ApplyHooks(progress)})
	progress.Finish()
	if !r.OK() {
		t.Fatal("run failed")
	}
	var want strings.Builder
	for done := 20; done <= 200; done += 20 {
		fmt.Fprintf(&want, "applied %d/200 calls\n", done)
	}
	if errOut.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", errOut.String(), want.String())
	}
}

func TestProgressBarIsErasedByDoneAfterAnIncompleteRun(t *testing.T) {
	// The failure holds back the narrow call, so the bar never fills up.
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("a", 60)})
	ex := &applytest.Executor{Delay: 4 * time.Millisecond, Fail: map[string]error{"eu-west-1_A/2/a007": errors.New("boom")}} // the run outlasts two of the bar's 100ms redraw intervals
	ios, _, _, errOut := iostreams.TestStreams()
	ios.StderrTTY = true
	bar := ios.ApplyProgress(len(p.Calls))

	apply.Run(context.Background(), p, ex, apply.Options{Concurrency: 1, Hooks: ApplyHooks(bar)})
	drawn := errOut.String()
	bar.Finish()
	all := errOut.String()

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

func TestApplyHooksOfNoProgressAreNil(t *testing.T) {
	if h := ApplyHooks(nil); h != nil {
		t.Errorf("ApplyHooks(nil) = %#v, want nil so apply skips the hooks", h)
	}
}
