package views

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// Progress of long work goes to stderr, in one of two forms: a bar on a
// terminal (it rewrites its line and is erased when the work ends), or for
// logs a plain line at every tenth of the work:
//
//	read 200/2000 (118/s, about 15s left)
//	applied 998/2000 calls, 2 failed
//
// Small work finishes too fast for either to help and shows nothing.

// readsWorthReporting is the size below which reading shows no progress.
const readsWorthReporting = 200

// ReadProgress returns the progress callback of reading live state, and
// the function that ends it once reading returns. The total may grow while
// reading (listings find users page by page); both forms show the rate and
// an estimate of the time left.
func (s *IOStreams) ReadProgress() (update func(done, total int), finish func()) {
	var once sync.Once
	var p *progress
	update = func(done, total int) {
		if total < readsWorthReporting {
			return
		}
		once.Do(func() {
			if s.StderrTTY {
				p = newBar(s.ErrOut, total, "reading live state", "reads")
			} else {
				p = newLines(s.ErrOut, total, max(total/10, 1), "read %d/%d", "")
				p.eta, p.now = true, s.clock()
				p.start = p.now()
			}
		})
		p.grow(total)
		p.set(done, 0)
	}
	return update, func() {
		if p != nil {
			p.finish()
		}
	}
}

// ApplyProgress returns apply hooks that show the progress of total calls,
// and the function that ends it once apply.Run returns.
func (s *IOStreams) ApplyProgress(total int) (apply.Hooks, func()) {
	switch {
	case s.StderrTTY && total > 1:
		p := newBar(s.ErrOut, total, "Applying", "calls")
		return p, p.finish
	case total >= 10:
		p := newLines(s.ErrOut, total, max(total/10, 1), "applied %d/%d calls", ", %d failed")
		return p, p.finish
	}
	return nil, func() {}
}

// progress is one of the two forms; safe for concurrent use, as apply
// calls its hooks from the goroutines that run the calls.
type progress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar // the terminal form; nil for lines

	w                io.Writer
	line, failedLine string // formats: done, total; failed
	every            int    // a line whenever done crosses a multiple of every, and at the end

	total, done, failed int
	description         string

	eta   bool             // lines say the rate and the time left
	now   func() time.Time // the clock, for the rate
	start time.Time        // when the work started
}

// etaAfter is how long work runs before its rate means anything.
const etaAfter = time.Second

// grow raises the total to total, when the work turned out larger.
func (p *progress) grow(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total <= p.total {
		return
	}
	p.total = total
	if p.bar != nil {
		p.bar.ChangeMax(total)
		return
	}
	p.every = max(total/10, 1)
}

func newBar(w io.Writer, total int, description, unit string) *progress {
	return &progress{description: description, total: total, bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(total > 0),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true), // [elapsed:left]
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func newLines(w io.Writer, total, every int, line, failedLine string) *progress {
	return &progress{w: w, total: total, every: max(every, 1), line: line, failedLine: failedLine}
}

// set records that done items are finished.
func (p *progress) set(done, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance(done, failed)
}

func (p *progress) PreCall(int, plan.Call) {}

func (p *progress) PostCall(_ int, _ plan.Call, err error, _ time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	failed := p.failed
	if err != nil {
		failed++
	}
	p.advance(p.done+1, failed)
}

// advance moves to done items finished, failed of them failed; p.mu is held.
func (p *progress) advance(done, failed int) {
	before := p.done
	p.done = max(p.done, done)
	if failed != p.failed && p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s (%d failed)", p.description, failed))
	}
	p.failed = failed
	if p.bar != nil {
		_ = p.bar.Set(p.done) // drawing is best effort: a broken terminal must not fail the work
		return
	}
	crossed := p.done/p.every != before/p.every
	ended := p.done == p.total && before != p.total
	if !crossed && !ended {
		return
	}
	text := fmt.Sprintf(p.line, p.done-p.failed, p.total)
	if p.failed > 0 {
		text += fmt.Sprintf(p.failedLine, p.failed)
	}
	if p.eta && p.done > 0 && p.done < p.total && p.now().Sub(p.start) >= etaAfter {
		elapsed := p.now().Sub(p.start)
		rate := float64(p.done) / elapsed.Seconds()
		left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		text += fmt.Sprintf(" (%.0f/s, about %s left)", rate, left.Round(time.Second))
	}
	fmt.Fprintln(p.w, text)
}

// finish erases the bar, so that what follows starts on a clean line,
// whether or not the work completed.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish() // with clear-on-finish, finishing erases the bar without drawing it full
	}
}

// Retry shows, on stderr as it happens, one retry of a request that could
// not reach Cognito: "AdminGetUser (alice in eu-west-1_Ab1): connection
// refused, retry 2/3 in 0.4 s".
func (s *IOStreams) Retry(operation, poolID, username, reason string, attempt, attempts int, delay time.Duration) {
	target := poolID
	if username != "" {
		target = username + " in " + poolID
	}
	fmt.Fprintf(s.ErrOut, "%s (%s): %s, retry %d/%d in %.1f s\n", operation, untrusted.Name(target), reason, attempt, attempts, delay.Seconds())
}
