package views

import (
	"fmt"
	"strings"
	"sync"
)

// usersPerProgressLine is how many imported users each progress line in a
// log stands for: every ten list pages.
const usersPerProgressLine = 600

// ImportProgress returns the progress callback of mfactl import, told how
// many users of a pool have been written, and the function that ends it.
// A terminal gets a counter (the pool's size is not known in advance),
// logs a line per 600 users.
func (s *IOStreams) ImportProgress() (update func(poolID string, users int), finish func()) {
	var mu sync.Mutex
	var bar *progress
	var barPool string
	lastLine := map[string]int{}
	update = func(poolID string, users int) {
		mu.Lock()
		defer mu.Unlock()
		if !s.StderrTTY {
			if users/usersPerProgressLine > lastLine[poolID]/usersPerProgressLine {
				fmt.Fprintf(s.ErrOut, "imported %d users of %s\n", users, poolID)
			}
			lastLine[poolID] = users
			return
		}
		if bar == nil || barPool != poolID {
			if bar != nil {
				bar.finish()
			}
			bar, barPool = newBar(s.ErrOut, -1, "importing users of "+poolID, "users"), poolID
		}
		bar.set(users, 0)
	}
	return update, func() {
		mu.Lock()
		defer mu.Unlock()
		if bar != nil {
			bar.finish()
		}
	}
}

// ImportSummary says on stderr which files import wrote; after a failure,
// that only those are complete. toStdout: the YAML went to stdout.
func ImportSummary(s *IOStreams, written []string, toStdout bool, err error) {
	switch {
	case err != nil && toStdout:
		fmt.Fprintln(s.ErrOut, "Import stopped: the YAML on stdout is incomplete; do not use it.")
	case err != nil && len(written) > 0:
		fmt.Fprintf(s.ErrOut, "Import stopped; these files are complete: %s. Nothing else was written.\n", strings.Join(written, ", "))
	case err != nil:
		fmt.Fprintln(s.ErrOut, "Import stopped; no file was written.")
	case len(written) > 0:
		fmt.Fprintf(s.ErrOut, "Wrote %s. Check it with: mfactl plan -f %s --detailed-exitcode\n", strings.Join(written, ", "), planTarget(written))
	}
}

// planTarget is what to give plan -f for the files written: the file, or
// their directory.
func planTarget(written []string) string {
	if len(written) == 1 {
		return written[0]
	}
	dir := written[0][:strings.LastIndexAny(written[0], `/\`)+1]
	if dir == "" {
		return "."
	}
	return dir
}
