package iostreams

import (
	"bytes"
	"testing"
	"time"
)

func TestLineProgressWritesEveryNCallsAndAtTheEnd(t *testing.T) {
	var out bytes.Buffer
	p := newLines(&out, 10, 4, "applied %d/%d calls", ", %d failed")
	for i := range 10 {
		p.Step(i == 5)
	}
	want := "applied 4/10 calls\n" +
		"applied 7/10 calls, 1 failed\n" +
		"applied 9/10 calls, 1 failed\n"
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
		p := ios.ApplyProgress(tc.total)
		got := "none"
		if p != nil && p.bar != nil {
			got = "bar"
		} else if p != nil {
			got = "lines"
		}
		p.Finish()
		if got != tc.want {
			t.Errorf("tty=%t total=%d: %s; want %s", tc.tty, tc.total, got, tc.want)
		}
	}
}

func TestNilProgressShowsNothing(t *testing.T) {
	var p *Progress
	p.Step(true) // must not panic
	p.Finish()
}

func TestProgressBarForNoCallsDrawsNothing(t *testing.T) {
	var out bytes.Buffer
	bar := newBar(&out, 0, "Applying", "calls")
	bar.Finish()
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
	if want := "read 201/2,000\nread 1,000/2,000\nread 1,999/2,000\nread 2,000/2,000\n"; errOut.String() != want {
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
	want := "read 100/1,000 (10/s, about 1m30s left)\nread 200/2,000 (10/s, about 3m0s left)\nread 2,000/2,000\n"
	if errOut.String() != want {
		t.Errorf("got\n%s\nwant\n%s", errOut.String(), want)
	}
}

func TestImportProgressInLogsIsALinePer600Users(t *testing.T) {
	ios, _, _, errOut := TestStreams()
	update, finish := ios.ImportProgress()
	for _, n := range []int{60, 599, 600, 1100, 1300, 60} {
		update("eu-west-1_A", n)
	}
	update("eu-west-1_B", 700)
	finish()
	want := "imported 600 users of eu-west-1_A\nimported 1,300 users of eu-west-1_A\nimported 700 users of eu-west-1_B\n"
	if got := errOut.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
