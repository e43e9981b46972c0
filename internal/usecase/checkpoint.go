package usecase

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mfactl/mfactl/internal/state"
)

// A checkpoint keeps the users a plan or report read (AdminGetUser), one
// JSON line each, so that an interrupted run of a large pool can resume
// (--resume) without reading them again (docs/planning.md, "Resuming an interrupted plan").
// Its first line binds it to what the run reads: the command, the pools
// and their Regions, and a digest of the selections and named users; a run
// of anything else refuses it. It holds no secret: users' MFA settings and
// which attributes they have, never a pool's configuration.

// CheckpointMaxAge is how old a checkpoint may be and still be resumed:
// the reads it keeps are used as if made now, and a plan's fingerprints
// then hold them. Apply reads every target again and refuses a plan whose
// users changed, so an old read is never applied; it only makes a plan
// likelier to be refused as stale, and a report likelier to be out of
// date. A day covers a run of 1,000,000 users at Cognito's default 120
// reads a second (2.3 hours) many times over.
const CheckpointMaxAge = 24 * time.Hour

// CheckpointDirEnv overrides where checkpoints are kept (default: the
// user's cache directory, mfactl/ in it).
const CheckpointDirEnv = "MFACTL_CHECKPOINT_DIR"

// CheckpointDir is where checkpoints are kept: $MFACTL_CHECKPOINT_DIR (as
// lookupEnv reads it), or mfactl/ in the user's cache directory.
func CheckpointDir(lookupEnv func(string) (string, bool)) (string, error) {
	if dir, _ := lookupEnv(CheckpointDirEnv); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no directory for the checkpoint of reads (set %s): %w", CheckpointDirEnv, err)
	}
	return filepath.Join(cache, "mfactl"), nil
}

// checkpointPath is the checkpoint of a run of command over the pools of
// desired in dir: one per command and set of pools, so that runs of other
// pools do not replace it; a run of the same ones without --resume does.
func checkpointPath(dir, command string, desired state.Desired) string {
	var ids []string
	for _, dp := range desired.Pools {
		ids = append(ids, dp.UserPoolId)
	}
	sort.Strings(ids)
	sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	return filepath.Join(dir, fmt.Sprintf("%s-%s.checkpoint.jsonl", command, hex.EncodeToString(sum[:6])))
}

// checkpointVersion is the version of the file's format.
const checkpointVersion = 1

// checkpointHead is a checkpoint's first line.
type checkpointHead struct {
	MfactlCheckpoint int
	Command          string
	Pools            []string
	Regions          []string
	// Reads is a digest of what the run reads: each pool's selections and
	// the users the files name.
	Reads   string
	Started time.Time
}

// checkpointRead is one user read.
type checkpointRead struct {
	Pool string
	User *state.LiveUser
}

// checkpoint records reads as they are made; resumed says where the
// reads of the run it resumes are in the file, until they are used: a
// resumed run of a million users holds a hash and a place for each, not
// their reads (a read whose hash another's took is made again).
type checkpoint struct {
	path string

	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	pending int                          // lines written since the last flush
	src     *os.File                     // the file, to read the resumed reads back from
	resumed map[string]map[uint64]lineAt // by pool, by userHash
	seed    maphash.Seed
	kept    int // reads in the file
	err     error
}

// lineAt is where a line of the file is.
type lineAt struct {
	offset int64
	length int
}

// flushEvery is how many reads are buffered before they are written out:
// a process killed at once loses at most these.
const flushEvery = 256

// checkpointOptions say where the reads of a run are kept, and whether to
// resume from what is there.
type checkpointOptions struct {
	Path    string // "" for no checkpoint
	Resume  bool
	Command string
}

// openCheckpoint starts a checkpoint for a run of command over desired, or
// with resume reopens the one there: it must be of the same reads and at
// most CheckpointMaxAge old.
func openCheckpoint(o checkpointOptions, desired state.Desired, now time.Time) (*checkpoint, error) {
	if o.Path == "" {
		return nil, nil
	}
	head := newCheckpointHead(o.Command, desired, now)
	c := &checkpoint{path: o.Path}
	if o.Resume {
		if err := c.load(head, now); err != nil {
			return nil, err
		}
		src, err := os.Open(o.Path)
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", o.Path, err)
		}
		f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			src.Close()
			return nil, fmt.Errorf("checkpoint %s: %w", o.Path, err)
		}
		c.f, c.src = f, src
		c.w = bufio.NewWriter(f)
		return c, nil
	}
	if err := os.MkdirAll(filepath.Dir(o.Path), 0o700); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", o.Path, err)
	}
	f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", o.Path, err)
	}
	c.f, c.w = f, bufio.NewWriter(f)
	line, _ := json.Marshal(head)
	c.w.Write(append(line, '\n'))
	if err := c.w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("checkpoint %s: %w", o.Path, err)
	}
	return c, nil
}

func newCheckpointHead(command string, desired state.Desired, now time.Time) checkpointHead {
	type pool struct {
		ID       string
		Policies []string
		Users    []string
	}
	var pools []pool
	h := checkpointHead{MfactlCheckpoint: checkpointVersion, Command: command, Started: now.UTC()}
	for _, dp := range desired.Pools {
		p := pool{ID: dp.UserPoolId}
		for _, pol := range dp.Policies {
			p.Policies = append(p.Policies, pol.Name+" "+pol.Select.String())
		}
		for _, u := range dp.Users {
			p.Users = append(p.Users, u.Username)
		}
		sort.Strings(p.Users)
		pools = append(pools, p)
		h.Pools = append(h.Pools, dp.UserPoolId)
		if r := state.Region(dp.UserPoolId); !slices.Contains(h.Regions, r) {
			h.Regions = append(h.Regions, r)
		}
	}
	sort.Slice(pools, func(i, j int) bool { return pools[i].ID < pools[j].ID })
	sort.Strings(h.Pools)
	sort.Strings(h.Regions)
	b, _ := json.Marshal(pools)
	sum := sha256.Sum256(b)
	h.Reads = "sha256:" + hex.EncodeToString(sum[:])
	return h
}

// load reads the checkpoint to resume and checks it is of want's reads.
func (c *checkpoint) load(want checkpointHead, now time.Time) error {
	f, err := os.Open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("--resume: there is no checkpoint to resume at %s (a run that finished leaves none); run without --resume", c.path)
	}
	if err != nil {
		return fmt.Errorf("--resume: checkpoint %s: %w", c.path, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	corrupt := func(line int, why string) error {
		return fmt.Errorf("--resume: checkpoint %s is corrupt at line %d (%s): delete it and run without --resume", c.path, line, why)
	}
	c.resumed, c.seed = map[string]map[uint64]lineAt{}, maphash.MakeSeed()
	var complete int64 // bytes of whole lines
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err == io.EOF && len(line) > 0 && n > 1 {
			// A last line cut short by a kill: that read is made again,
			// and the reads of this run are appended after the last
			// whole line.
			if err := os.Truncate(c.path, complete); err != nil {
				return fmt.Errorf("--resume: checkpoint %s: %w", c.path, err)
			}
			break
		}
		at := lineAt{offset: complete, length: len(line)}
		complete += int64(len(line))
		if err == io.EOF {
			if n == 1 {
				return corrupt(n, "it is empty")
			}
			break
		}
		if err != nil {
			return fmt.Errorf("--resume: checkpoint %s: %w", c.path, err)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if n == 1 {
			var head checkpointHead
			if err := dec.Decode(&head); err != nil || head.MfactlCheckpoint == 0 {
				return corrupt(n, "not a checkpoint of mfactl")
			}
			if err := want.accepts(head, c.path, now); err != nil {
				return err
			}
			continue
		}
		var read checkpointRead
		if err := dec.Decode(&read); err != nil || read.Pool == "" || read.User == nil || read.User.Username == "" {
			return corrupt(n, "not a user read")
		}
		if !slices.Contains(want.Pools, read.Pool) {
			return corrupt(n, "a user of pool "+read.Pool+", which the checkpoint is not of")
		}
		if c.resumed[read.Pool] == nil {
			c.resumed[read.Pool] = map[uint64]lineAt{}
		}
		c.resumed[read.Pool][maphash.String(c.seed, read.User.Username)] = at
		c.kept++
	}
	return nil
}

// accepts refuses a checkpoint of other reads than want's, or too old.
func (want checkpointHead) accepts(got checkpointHead, path string, now time.Time) error {
	again := "run without --resume to start again (that replaces it)"
	switch {
	case got.MfactlCheckpoint != checkpointVersion:
		return fmt.Errorf("--resume: checkpoint %s has format %d, this mfactl reads %d: %s", path, got.MfactlCheckpoint, checkpointVersion, again)
	case got.Command != want.Command:
		return fmt.Errorf("--resume: checkpoint %s is of mfactl %s, not %s: %s", path, got.Command, want.Command, again)
	case !slices.Equal(got.Regions, want.Regions):
		return fmt.Errorf("--resume: checkpoint %s is of Region %s, this run reads Region %s: %s", path, strings.Join(got.Regions, ", "), strings.Join(want.Regions, ", "), again)
	case !slices.Equal(got.Pools, want.Pools):
		return fmt.Errorf("--resume: checkpoint %s is of pool %s, this run reads pool %s: %s", path, strings.Join(got.Pools, ", "), strings.Join(want.Pools, ", "), again)
	case got.Reads != want.Reads:
		return fmt.Errorf("--resume: checkpoint %s was made for other policies or users: the files' selections or named users changed since: %s", path, again)
	case now.Sub(got.Started) > CheckpointMaxAge:
		return fmt.Errorf("--resume: checkpoint %s was started %s ago (%s), more than %s: its reads are too old to plan from; %s",
			path, now.Sub(got.Started).Round(time.Minute), got.Started.Format(time.RFC3339), CheckpointMaxAge, again)
	case got.Started.After(now.Add(time.Minute)):
		return fmt.Errorf("--resume: checkpoint %s was started in the future (%s): check the clock; %s", path, got.Started.Format(time.RFC3339), again)
	}
	return nil
}

// take returns the resumed read of a user, once, or nil.
func (c *checkpoint) take(pool, username string) *state.LiveUser {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.resumed == nil {
		return nil // a run not resumed
	}
	key := maphash.String(c.seed, username)
	at, ok := c.resumed[pool][key]
	if !ok {
		return nil
	}
	delete(c.resumed[pool], key)
	// The line was whole and a read when loaded; one that no longer is
	// (the file changed since) is read from Cognito again.
	line := make([]byte, at.length)
	var read checkpointRead
	if _, err := c.src.ReadAt(line, at.offset); err != nil || json.Unmarshal(line, &read) != nil || read.User == nil || read.User.Username != username {
		return nil
	}
	return read.User
}

// record keeps a read.
func (c *checkpoint) record(pool string, lu *state.LiveUser) {
	if c == nil {
		return
	}
	line, err := json.Marshal(checkpointRead{Pool: pool, User: lu})
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if err != nil {
		c.err = err
		return
	}
	c.w.Write(append(line, '\n'))
	c.kept++
	if c.pending++; c.pending >= flushEvery {
		c.pending = 0
		c.err = c.w.Flush()
	}
}

// reads is how many reads the checkpoint holds.
func (c *checkpoint) reads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kept
}

// close writes out what is buffered; with finished (the run read all it
// needed) it removes the file, which nothing will resume.
func (c *checkpoint) close(finished bool) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	err := errors.Join(c.err, c.w.Flush(), c.f.Close())
	if c.src != nil {
		c.src.Close() // only read from
	}
	if finished {
		if rmErr := os.Remove(c.path); !errors.Is(rmErr, os.ErrNotExist) {
			err = errors.Join(err, rmErr)
		}
		return err
	}
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", c.path, err)
	}
	return nil
}

// openCheckpointFor opens the checkpoint at path ("": none) of a run of
// command over desired; only runs that read policies' users keep one.
func openCheckpointFor(command, dir string, resume bool, desired state.Desired, now time.Time) (*checkpoint, error) {
	if dir == "" || !resume && !slices.ContainsFunc(desired.Pools, func(dp state.DesiredPool) bool { return len(dp.Policies) > 0 }) {
		return nil, nil
	}
	c, err := openCheckpoint(checkpointOptions{Path: checkpointPath(dir, command, desired), Resume: resume, Command: command}, desired, now)
	if err != nil && !resume {
		// Keeping reads is for resuming: a run that cannot keep them (a
		// read-only home) reads as runs always did, and cannot resume.
		return nil, nil
	}
	return c, err
}

// stop closes the checkpoint of a run that err stopped, keeping its reads
// for --resume, and says so in the error.
func (c *checkpoint) stop(command string, err error) error {
	if c == nil {
		return err
	}
	if c.reads() == 0 {
		return errors.Join(err, c.close(true)) // nothing to resume from
	}
	if cerr := c.close(false); cerr != nil {
		return errors.Join(err, cerr)
	}
	return &ResumableError{Err: err, Command: command, Checkpoint: c.path, Kept: c.kept}
}

// ResumableError is a run that stopped while reading users (interrupted,
// or a read that failed) whose reads are kept in Checkpoint: the same
// command with --resume reads only the rest. It wraps what stopped it, so
// an interruption is still context.Canceled.
type ResumableError struct {
	Err        error
	Command    string
	Checkpoint string
	Kept       int // reads in the checkpoint
}

func (e *ResumableError) Error() string {
	kept := e.Hint()
	if errors.Is(e.Err, context.Canceled) {
		return "mfactl " + e.Command + " was interrupted while reading users: " + kept
	}
	return e.Err.Error() + "\n" + kept
}

func (e *ResumableError) Unwrap() error { return e.Err }

// Hint says where the reads are kept and how to go on.
func (e *ResumableError) Hint() string {
	return fmt.Sprintf("the %d users read so far are kept in %s; run the same command again with --resume to read only the rest", e.Kept, e.Checkpoint)
}
