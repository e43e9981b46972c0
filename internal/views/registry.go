package views

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/iostreams"
)

// Options shape a view, whatever its command and format.
type Options struct {
	// Verbose shows every user and every call with its request (text).
	Verbose bool
	// ShowUsers names every user of a group and every user a policy
	// cannot apply to, instead of the first few and a count (text, markdown).
	ShowUsers bool
	// FullPlan says where the whole plan is, for a truncated Markdown comment.
	FullPlan string
}

// PlanOptions are the Options of a plan view.
type PlanOptions = Options

// Formats is one command's output formats, each registered once with the
// constructor of its view. -o, --report, completion, help and the tests
// all read it, so a format is offered exactly where it can be rendered;
// a name it does not hold is an error, never a fallback to text.
type Formats[V any] struct {
	command string
	entries []formatEntry[V]
}

type formatEntry[V any] struct {
	format Format
	new    func(*iostreams.IOStreams, Options) V
}

func register[V any](command string, entries ...formatEntry[V]) *Formats[V] {
	return &Formats[V]{command: command, entries: entries}
}

func format[V any](f Format, new func(*iostreams.IOStreams, Options) V) formatEntry[V] {
	return formatEntry[V]{format: f, new: new}
}

// Command is the command whose formats these are.
func (r *Formats[V]) Command() string { return r.command }

// Names are the formats, in the order help lists them.
func (r *Formats[V]) Names() []Format {
	out := make([]Format, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.format
	}
	return out
}

// Parse returns the format called name; the error lists the others.
func (r *Formats[V]) Parse(name string) (Format, error) {
	return ParseFormat(name, r.Names()...)
}

// New returns the view of format f. A format the command does not offer
// is an error.
func (r *Formats[V]) New(f Format, io *iostreams.IOStreams, o Options) (V, error) {
	for _, e := range r.entries {
		if e.format == f {
			return e.new(io, o), nil
		}
	}
	var none V
	return none, fmt.Errorf("mfactl %s has no output format %q: use %s", r.command, f, FormatNames(r.Names()...))
}
