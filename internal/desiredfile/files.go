package desiredfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

// Output is where mfactl import writes, and how it splits what it writes:
// everything to Stdout, everything to the file Path, or, with Dir set, one
// file per pool in the directory Path (named after the pool ID), its users
// in files of at most UsersPerFile users when that is set. Files appear
// only when complete (each is written under a temporary name and renamed),
// and an existing file is never overwritten.
//
// Output implements usecase.ImportSink; call Close once import returns,
// with its error, to finish (or, after a failure, discard) the files.
type Output struct {
	Stdout       io.Writer
	Path         string // "" or "-": Stdout
	Dir          bool
	UsersPerFile int
	// PoolIDs are the pools import is asked for, named in the header of
	// the one output when not in Dir mode.
	PoolIDs []string
	// Header is the comment under the modeline of each file, given the
	// pool IDs the file holds.
	Header func(poolIDs []string) []string

	current *file    // the file being written
	pool    *file    // in Dir mode, the pool's own file while its users go elsewhere
	part    int      // in Dir mode with UsersPerFile, the number of the users file
	inPart  int      // users in the current users file
	done    []string // files completed, in order
	stdout  counter  // what reached Stdout
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// file is one output file being written.
type file struct {
	name string // final name; "" for stdout
	tmp  *os.File
	buf  *bufio.Writer
	w    *Writer
}

// Written lists the files completed so far, in the order written.
func (o *Output) Written() []string { return o.done }

// WroteStdout reports whether any YAML reached Stdout: after a failure,
// what is there is incomplete.
func (o *Output) WroteStdout() bool { return o.stdout.n > 0 }

func (o *Output) toStdout() bool { return o.Path == "" || o.Path == "-" }

func (o *Output) open(name string, poolIDs []string) (*file, error) {
	f := &file{name: name}
	o.stdout.w = o.Stdout
	var w io.Writer = &o.stdout
	if name != "" {
		if err := CheckNew(name); err != nil {
			return nil, err
		}
		tmp, err := os.CreateTemp(filepath.Dir(name), ".mfactl-import-*")
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", name, withoutPath(err))
		}
		f.tmp, w = tmp, tmp
	}
	f.buf = bufio.NewWriter(w)
	f.w = NewWriter(f.buf, o.Header(poolIDs))
	return f, nil
}

// close finishes f: flushed, and renamed to its name.
func (o *Output) close(f *file) error {
	if f == nil {
		return nil
	}
	err := errors.Join(f.w.Err(), f.buf.Flush())
	if f.tmp == nil {
		return err
	}
	if err := errors.Join(err, f.tmp.Chmod(0o644), f.tmp.Close()); err != nil {
		os.Remove(f.tmp.Name())
		return err
	}
	// A last check: the name may have appeared while this file was written.
	if _, err := os.Lstat(f.name); err == nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("%s appeared while mfactl was writing it; not overwritten", f.name)
	}
	if err := os.Rename(f.tmp.Name(), f.name); err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("cannot write %s: %w", f.name, withoutPath(err))
	}
	o.done = append(o.done, f.name)
	return nil
}

// Check says, before anything is read from Cognito, why the one file
// Path could not be written: it exists, or its directory does not.
func (o *Output) Check() error {
	if o.toStdout() || o.Dir {
		return nil
	}
	return CheckNew(o.Path)
}

// checkNew: name does not exist yet, and its directory does.
func CheckNew(name string) error {
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("%s already exists; mfactl never overwrites a file: remove it or choose another --out", name)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(name)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("cannot write %s: directory %s does not exist; create it first (mkdir -p %s), or give --out a directory ending in / (mfactl creates it)", name, dir, dir)
	}
	return nil
}

// withoutPath is a file error without the file's name: the temporary
// name means nothing to the user, who is told the name asked for instead.
func withoutPath(err error) error {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		return pathErr.Err
	case errors.As(err, &linkErr):
		return linkErr.Err
	}
	return err
}

func discard(f *file) {
	if f != nil && f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// BeginPool starts a pool: in its own file in Dir mode, else in the one
// output, which is opened on the first pool.
func (o *Output) BeginPool(p *state.LivePool) error {
	if o.Dir {
		f, err := o.open(filepath.Join(o.Path, p.UserPoolId+".yaml"), []string{p.UserPoolId})
		if err != nil {
			return err
		}
		o.current, o.part, o.inPart = f, 0, 0
	} else if o.current == nil {
		name := ""
		if !o.toStdout() {
			name = o.Path
		}
		ids := o.PoolIDs
		if len(ids) == 0 {
			ids = []string{p.UserPoolId}
		}
		f, err := o.open(name, ids)
		if err != nil {
			return err
		}
		o.current = f
	}
	o.current.w.Pool(p)
	return o.current.w.Err()
}

// Users writes a page of users, starting a new users file whenever the
// current one is full.
func (o *Output) Users(poolID string, users []*state.LiveUser) error {
	if !o.Dir || o.UsersPerFile <= 0 {
		o.current.w.Users(users)
		return o.current.w.Err()
	}
	for len(users) > 0 {
		if o.pool == nil || o.inPart == o.UsersPerFile {
			if err := o.nextPart(poolID); err != nil {
				return err
			}
		}
		n := min(len(users), o.UsersPerFile-o.inPart)
		o.current.w.Users(users[:n])
		if err := o.current.w.Err(); err != nil {
			return err
		}
		o.inPart += n
		users = users[n:]
	}
	return nil
}

// nextPart closes the users file being written (keeping the pool's own
// file for the end) and opens the next: POOL.users-0001.yaml, ...
func (o *Output) nextPart(poolID string) error {
	if o.pool == nil {
		o.pool = o.current
	} else if err := o.close(o.current); err != nil {
		return err
	}
	o.part++
	f, err := o.open(filepath.Join(o.Path, fmt.Sprintf("%s.users-%04d.yaml", poolID, o.part)), []string{poolID})
	if err != nil {
		o.current = nil
		return err
	}
	f.w.UsersOnly(poolID)
	o.current, o.inPart = f, 0
	return nil
}

// EndPool finishes a pool's files in Dir mode.
func (o *Output) EndPool(string) error {
	if !o.Dir {
		return nil
	}
	err := o.close(o.current)
	if o.pool != nil {
		err = errors.Join(err, o.close(o.pool))
	}
	o.current, o.pool = nil, nil
	return err
}

// Close finishes the output after import returned importErr: with no
// error, the last file is completed; after one, files not yet complete
// are discarded (completed ones stay, and Written names them).
func (o *Output) Close(importErr error) error {
	if importErr != nil {
		discard(o.current)
		discard(o.pool)
		o.current, o.pool = nil, nil
		return nil
	}
	err := o.close(o.current)
	o.current = nil
	return err
}

// ImportHeader is the comment of an imported file: when, from what, and
// what the round trip promises.
func ImportHeader(at time.Time, users string) func(poolIDs []string) []string {
	return func(poolIDs []string) []string {
		what := "user pool " + poolIDs[0]
		if len(poolIDs) > 1 {
			what = fmt.Sprintf("user pools %s", joinIDs(poolIDs))
		}
		return []string{
			fmt.Sprintf("Imported from Cognito by `mfactl import` at %s: %s, users: %s.", at.UTC().Format(time.RFC3339), what, users),
			"Until this file or Cognito changes, `mfactl plan` on it shows no changes.",
			"For editor help, save the schema beside it: mfactl schema > mfactl.schema.json",
		}
	}
}

func joinIDs(ids []string) string {
	out := ids[0]
	for _, id := range ids[1:] {
		out += ", " + id
	}
	return out
}
