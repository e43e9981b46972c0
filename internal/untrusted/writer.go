package untrusted

import (
	"bytes"
	"io"
	"sync"
)

// NoCommands returns a writer that passes everything to w except what
// GitHub's runner would take for a workflow command anywhere in a line:
// each "##[" becomes "#\u0023[", an escape that JSON decodes back to
// "##[" and that reads as one in text, Markdown, CSV and XML. mfactl's
// standard output and error go through it, whatever the format, so that
// no name from live state or the files, in any output, can silence the
// annotations after it (::stop-commands is also refused at a line's start
// by Name and Text, as a name never starts a line mfactl writes).
func NoCommands(w io.Writer) io.Writer { return &noCommands{w: w} }

type noCommands struct {
	// mu serialises writes: concurrent calls (retries of reads made in
	// parallel, a reset's users) report on one stream, and hashes is
	// carried from one write to the next.
	mu     sync.Mutex
	w      io.Writer
	hashes int // trailing '#' of what was written last, up to 2
}

func (n *noCommands) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := p
	// "##[" split between two writes.
	switch {
	case n.hashes >= 2 && bytes.HasPrefix(p, []byte("[")):
		out = append([]byte(`\u005b`), p[1:]...)
	case n.hashes == 1 && bytes.HasPrefix(p, []byte("#[")):
		out = append([]byte(`\u0023[`), p[2:]...)
	}
	if bytes.Contains(out, []byte("##[")) {
		out = bytes.ReplaceAll(out, []byte("##["), []byte(`#\u0023[`))
	}
	if len(out) > 0 {
		trailing := len(out) - len(bytes.TrimRight(out, "#"))
		if trailing == len(out) {
			trailing += n.hashes
		}
		n.hashes = min(trailing, 2)
	}
	if _, err := n.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
