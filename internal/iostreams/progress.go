package iostreams

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// counts prints numbers with thousands separators: "read 2,000/10,000".
var counts = message.NewPrinter(language.English)

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
	var p *Progress
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
			p.Finish()
		}
	}
}

// ApplyProgress returns the progress of applying total calls: a bar on a
// terminal, lines in logs, nil (which shows nothing) for a call or few.
// Step it once per finished call.
func (s *IOStreams) ApplyProgress(total int) *Progress {
	switch {
	case s.StderrTTY && total > 1:
		return newBar(s.ErrOut, total, "Applying", "calls")
	case total >= 10:
		return newLines(s.ErrOut, total, max(total/10, 1), "applied %d/%d calls", ", %d failed")
	}
	return nil
}

// Progress is one of the two forms; safe for concurrent use, as apply
// steps it from the goroutines that run the calls. A nil Progress shows
// nothing.
type Progress struct {
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
func (p *Progress) grow(total int) {
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

func newBar(w io.Writer, total int, description, unit string) *Progress {
	return &Progress{description: description, total: total, bar: progressbar.NewOptions(total,
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

func newLines(w io.Writer, total, every int, line, failedLine string) *Progress {
	return &Progress{w: w, total: total, every: max(every, 1), line: line, failedLine: failedLine}
}

// set records that done items are finished.
func (p *Progress) set(done, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.advance(done, failed)
}

// Step records that one more item is finished, failed or not.
func (p *Progress) Step(failed bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.failed
	if failed {
		n++
	}
	p.advance(p.done+1, n)
}

// advance moves to done items finished, failed of them failed; p.mu is held.
func (p *Progress) advance(done, failed int) {
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
	text := counts.Sprintf(p.line, p.done-p.failed, p.total)
	if p.failed > 0 {
		text += counts.Sprintf(p.failedLine, p.failed)
	}
	if p.eta && p.done > 0 && p.done < p.total && p.now().Sub(p.start) >= etaAfter {
		elapsed := p.now().Sub(p.start)
		rate := float64(p.done) / elapsed.Seconds()
		left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		text += fmt.Sprintf(" (%.0f/s, about %s left)", rate, left.Round(time.Second))
	}
	fmt.Fprintln(p.w, text)
}

// Finish erases the bar, so that what follows starts on a clean line,
// whether or not the work completed.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish() // with clear-on-finish, finishing erases the bar without drawing it full
	}
}

// usersPerProgressLine is how many imported users each progress line in a
// log stands for: every ten list pages.
const usersPerProgressLine = 600

// ImportProgress returns the progress callback of mfactl import, told how
// many users of a pool have been written, and the function that ends it.
// A terminal gets a counter (the pool's size is not known in advance),
// logs a line per 600 users.
func (s *IOStreams) ImportProgress() (update func(poolID string, users int), finish func()) {
	var mu sync.Mutex
	var bar *Progress
	var barPool string
	lastLine := map[string]int{}
	update = func(poolID string, users int) {
		mu.Lock()
		defer mu.Unlock()
		if !s.StderrTTY {
			if users/usersPerProgressLine > lastLine[poolID]/usersPerProgressLine {
				counts.Fprintf(s.ErrOut, "imported %d users of %s\n", users, poolID)
			}
			lastLine[poolID] = users
			return
		}
		if bar == nil || barPool != poolID {
			if bar != nil {
				bar.Finish()
			}
			bar, barPool = newBar(s.ErrOut, -1, "importing users of "+poolID, "users"), poolID
		}
		bar.set(users, 0)
	}
	return update, func() {
		mu.Lock()
		defer mu.Unlock()
		if bar != nil {
			bar.Finish()
		}
	}
}
