package emulator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"time"
)

// RunOptions configure Run: the server's Options, where its state comes
// from and where it is kept.
type RunOptions struct {
	Options
	// Seed is a YAML or JSON seed file loaded at start, unless StateFile
	// exists: a seed initialises the state, the state file then carries it.
	Seed string
	// StateFile, if set, is loaded at start when it exists, and saved
	// every SaveInterval when something changed and when Run stops.
	StateFile    string
	SaveInterval time.Duration
	// Ready, if set, is called with the server once its state is loaded,
	// just before it serves.
	Ready func(*Server)
	// Logf, if set, receives notices: a seed not loaded because the state
	// file exists, a periodic save that failed (Run goes on serving).
	Logf func(format string, args ...any)
}

// shutdownGrace is how long Run waits for calls in flight when ctx ends.
const shutdownGrace = 5 * time.Second

// Run serves a new Server on l until ctx ends, then stops serving (calls
// in flight get shutdownGrace to finish) and saves the state a last time.
// It returns the error that stopped it, or nil when ctx ended and the last
// save succeeded.
func Run(ctx context.Context, l net.Listener, opts RunOptions) error {
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := New(opts.Options)
	restored, err := loadRunState(s, opts, logf)
	if err != nil {
		return err
	}
	if opts.Ready != nil {
		opts.Ready(s)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	// A seeded or empty start is saved at the first tick; a restored one
	// only once something changes.
	saved := uint64(math.MaxUint64)
	if restored {
		saved = s.Revision()
	}
	save := func() error {
		if opts.StateFile == "" || s.Revision() == saved {
			return nil
		}
		rev := s.Revision()
		if err := s.SaveState(opts.StateFile); err != nil {
			return fmt.Errorf("saving state to %s: %w", opts.StateFile, err)
		}
		saved = rev
		return nil
	}
	var tick <-chan time.Time
	if opts.StateFile != "" && opts.SaveInterval > 0 {
		t := time.NewTicker(opts.SaveInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case err := <-served:
			return err
		case <-tick:
			if err := save(); err != nil {
				logf("%v", err)
			}
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			_ = srv.Shutdown(shutdownCtx)
			return save()
		}
	}
}

// loadRunState restores the state file if there is one, else loads the
// seed.
func loadRunState(s *Server, opts RunOptions, logf func(string, ...any)) (restored bool, err error) {
	if opts.StateFile != "" {
		switch _, err := os.Stat(opts.StateFile); {
		case err == nil:
			if err := s.LoadState(opts.StateFile); err != nil {
				return false, err
			}
			if opts.Seed != "" {
				logf("%s exists, so --seed %s was not loaded", opts.StateFile, opts.Seed)
			}
			return true, nil
		case !errors.Is(err, os.ErrNotExist):
			return false, err
		}
	}
	if opts.Seed != "" {
		return false, s.SeedFile(opts.Seed)
	}
	return false, nil
}
