package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// MaxFileSize is the largest input file mfactl reads. Larger files are
// refused before they are read; one pool's users can be split over files.
const MaxFileSize = 10 << 20

// StdinName is how standard input ("-") is named in diagnostics.
const StdinName = "<stdin>"

// Result is everything Read learned from its inputs.
type Result struct {
	// Desired is the merged desired state. When Diagnostics has errors it
	// holds only the parts that were readable, and must not be acted on.
	Desired     state.Desired
	Diagnostics diag.List // sorted by file, line and column
	Files       []string  // the files read, in order
}

// Load reads desired-state files: each input is a file, a directory (every
// *.yaml and *.yml file below it, in sorted order) or "-" for stdin. It
// checks YAML, the JSON Schema and Cognito's cross-field rules, merges all
// documents, and returns the desired state with every diagnostic, sorted.
func Load(inputs []string, stdin io.Reader) (state.Desired, diag.List) {
	r := Read(inputs, stdin)
	return r.Desired, r.Diagnostics
}

// LoadBytes is Load for one file's content, named name in diagnostics.
func LoadBytes(name string, data []byte) (state.Desired, diag.List) {
	l := newLoader()
	if len(data) > MaxFileSize {
		l.diags = append(l.diags, tooLarge(name, int64(len(data))))
	} else {
		l.addFile(name, data)
	}
	desired := l.finish()
	return desired, capDiagnostics(l.diags, l.dropped)
}

// Read is Load that also says which files it read.
func Read(inputs []string, stdin io.Reader) Result {
	l := newLoader()
	files, diags := expandInputs(inputs)
	l.diags = append(l.diags, diags...)
	for _, f := range files {
		data, d, ok := readInput(f, stdin)
		if !ok {
			l.diags = append(l.diags, d)
			continue
		}
		l.addFile(f, data)
	}
	desired := l.finish()
	return Result{Desired: desired, Diagnostics: capDiagnostics(l.diags, l.dropped), Files: files}
}

// expandInputs turns -f arguments into the list of files to read, each
// once, in the order given and directories in sorted order.
func expandInputs(inputs []string) ([]string, diag.List) {
	var files []string
	var diags diag.List
	seen := map[string]bool{}
	add := func(name string) {
		key := name
		if name != StdinName {
			key = resolvedKey(name)
		}
		if !seen[key] {
			seen[key] = true
			files = append(files, name)
		}
	}
	if len(inputs) == 0 {
		diags = append(diags, diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable",
			Summary: "no input files", Detail: "give -f with a file, a directory or - for standard input"})
	}
	for _, in := range inputs {
		if in == "-" {
			add(StdinName)
			continue
		}
		info, err := os.Stat(in)
		if err != nil {
			diags = append(diags, cannotRead(in, err))
			continue
		}
		if !info.IsDir() {
			add(in)
			continue
		}
		found := 0
		err = filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				diags = append(diags, cannotRead(path, err))
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if info, err := os.Stat(path); err == nil && info.IsDir() {
					// WalkDir does not follow it; skipping it in silence
					// would plan without its files.
					diags = append(diags, diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable",
						Summary: fmt.Sprintf("%s is a symbolic link to a directory, which mfactl does not follow inside a -f directory", path),
						Detail:  "give the directory it links to with -f of its own (a link inside could loop, or lead out of the tree), or remove the link"})
					return nil
				}
			}
			if d.IsDir() || !isYAMLName(path) {
				return nil
			}
			if read, problem := checkDirEntry(path); !read {
				if problem != nil {
					diags = append(diags, *problem)
				}
				return nil
			}
			found++
			add(path)
			return nil
		})
		if err != nil {
			diags = append(diags, cannotRead(in, err))
		}
		if found == 0 {
			diags = append(diags, diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable",
				Summary: fmt.Sprintf("no *.yaml or *.yml files in %s", in),
				Detail:  "give the directory that holds the desired-state files, or the files themselves"})
		}
	}
	return files, diags
}

func isYAMLName(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

func cannotRead(name string, err error) diag.Diagnostic {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable", Summary: fmt.Sprintf("cannot read %s: %v", name, err)}
}

func tooLarge(name string, size int64) diag.Diagnostic {
	what := "file is " + mebibytes(size)
	if size < 0 {
		what = "input is larger than " + mebibytes(MaxFileSize)
	}
	return diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable", Pos: state.Pos{File: name, Line: 1, Column: 1},
		Summary: what + ", more than the limit of " + mebibytes(MaxFileSize),
		Detail:  "split it into several files: one pool's users may be spread over many files"}
}

func mebibytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// readInput reads one file, or stdin, refusing anything above MaxFileSize
// without reading more than one byte past the limit.
func readInput(name string, stdin io.Reader) ([]byte, diag.Diagnostic, bool) {
	if name == StdinName {
		if stdin == nil {
			return nil, cannotRead("standard input", errors.New("not available")), false
		}
		return readAll(name, stdin, 0)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, cannotRead(name, err), false
	}
	defer f.Close()
	var size int64
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if size = info.Size(); size > MaxFileSize {
			return nil, tooLarge(name, size), false
		}
	}
	return readAll(name, f, size)
}

// readAll reads r, refusing more than MaxFileSize. size is what r is
// expected to hold (0 when unknown): reading into a buffer of that size
// spares the copies of a growing one.
func readAll(name string, r io.Reader, size int64) ([]byte, diag.Diagnostic, bool) {
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, MaxFileSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, cannotRead(name, err), false
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(name, -1), false
	}
	return data, diag.Diagnostic{}, true
}
