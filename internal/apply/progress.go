package apply

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mfactl/mfactl/internal/plan"
	"github.com/schollz/progressbar/v3"
)

// ProgressBar is Hooks that draw a progress bar, for a terminal only (it
// rewrites its line with carriage returns). Safe for concurrent use; call
// Done once Run has returned.
type ProgressBar struct {
	mu     sync.Mutex
	bar    *progressbar.ProgressBar
	failed int
}

// NewProgressBar returns a bar for total calls that draws on w (stderr).
func NewProgressBar(w io.Writer, total int) *ProgressBar {
	return &ProgressBar{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(total > 0),
		progressbar.OptionSetDescription("Applying"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("calls"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *ProgressBar) PreCall(int, plan.Call) {}

func (p *ProgressBar) PostCall(_ int, _ plan.Call, err error, _ time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failed++
		p.bar.Describe(fmt.Sprintf("Applying (%d failed)", p.failed))
	}
	_ = p.bar.Add(1) // drawing is best effort: a broken terminal must not fail the apply
}

// Done erases the bar, so that the summary starts on a clean line, whether
// or not every call ran.
func (p *ProgressBar) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish() // with clear-on-finish, finishing erases the bar without drawing it full
}

// LineProgress is Hooks that write one plain line every few calls, for logs
// and other non-terminal output of long runs:
//
//	applied 500/2000 calls
//	applied 998/2000 calls, 2 failed
//
// Safe for concurrent use.
type LineProgress struct {
	mu           sync.Mutex
	w            io.Writer
	total, every int
	done, failed int
}

// NewLineProgress returns hooks that write to w after every `every` calls
// and after the last one.
func NewLineProgress(w io.Writer, total, every int) *LineProgress {
	return &LineProgress{w: w, total: total, every: max(every, 1)}
}

func (p *LineProgress) PreCall(int, plan.Call) {}

func (p *LineProgress) PostCall(_ int, _ plan.Call, err error, _ time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if err != nil {
		p.failed++
	}
	if p.done%p.every != 0 && p.done != p.total {
		return
	}
	if p.failed == 0 {
		fmt.Fprintf(p.w, "applied %d/%d calls\n", p.done, p.total)
	} else {
		fmt.Fprintf(p.w, "applied %d/%d calls, %d failed\n", p.done-p.failed, p.total, p.failed)
	}
}
