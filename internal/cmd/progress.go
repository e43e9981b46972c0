package cmd

import (
	"fmt"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// readProgress shows how far reading live state has got, on stderr: a bar
// on a terminal, otherwise a line per tenth for large reads (CI logs), and
// nothing for small ones.
type readProgress struct {
	io       *IOStreams
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	lastLine int
}

// readsWorthReporting is the size below which a read finishes too fast for
// progress to help.
const readsWorthReporting = 200

func newReadProgress(io *IOStreams) *readProgress { return &readProgress{io: io} }

func (r *readProgress) update(done, total int) {
	if total < readsWorthReporting {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.io.StderrTTY {
		if tenth := done * 10 / total; tenth > r.lastLine {
			r.lastLine = tenth
			fmt.Fprintf(r.io.ErrOut, "read %d/%d\n", done, total)
		}
		return
	}
	if r.bar == nil {
		r.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(r.io.ErrOut),
			progressbar.OptionSetDescription("reading live state"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("reads"),
			progressbar.OptionClearOnFinish(),
		)
	}
	_ = r.bar.Set(done)
}

func (r *readProgress) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		_ = r.bar.Finish()
		r.bar = nil
	}
}
