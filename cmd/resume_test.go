package cmd

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/internal/usecase"
)

// A report interrupted by Ctrl-C prints one JSON document and says how to
// resume; --resume then reads only the users not read yet, to the counts
// the pool holds: one AdminGetUser per user over the two runs.
func TestReportResumesAfterAnInterruption(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n, stopAt = 600, 200
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	reads := 0
	emu, url := emulator.NewTestServer(t, emulator.Options{OnCall: func(rec emulator.CallRecord, _ time.Duration) {
		if rec.Operation != "AdminGetUser" || rec.Error != "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if reads++; reads == stopAt {
			cancel()
		}
	}})
	seedMixedPool(t, emu, n)
	h := &harness{t: t, emu: emu, url: url, env: map[string]string{usecase.CheckpointDirEnv: dir}}
	args := append([]string{"report", "--user-pool-id", reportPool, "-o", "json"}, unpaced...)

	out, errOut, code := h.run(ctx, args...)
	var doc struct {
		Outcome string
		Error   struct{ Message string }
	}
	if code != ExitInterrupted || json.Unmarshal([]byte(out), &doc) != nil || doc.Outcome != "interrupted" || !strings.Contains(doc.Error.Message, "--resume") {
		t.Fatalf("interrupted: exit %d, want 130 and one JSON document with the outcome interrupted and how to resume\n%s\n%s", code, out, errOut)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !strings.Contains(errOut, "run the same command again with --resume") || !strings.Contains(errOut, entries[0].Name()) {
		t.Fatalf("stderr should say how to resume and where the reads are (%d checkpoints):\n%s", len(entries), errOut)
	}

	out, errOut, code = h.run(context.Background(), append(args, "--resume")...)
	if code != ExitOK {
		t.Fatalf("--resume: exit %d\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		Pools []struct{ Counts map[string]int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want, _ := emulatorCounts(t, emu)
	got := maps.Clone(rep.Pools[0].Counts)
	maps.DeleteFunc(got, func(_ string, v int) bool { return v == 0 })
	if !maps.Equal(got, want) {
		t.Errorf("the resumed report counts %v, the pool holds %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if reads != n {
		t.Errorf("%d AdminGetUser over both runs for %d users", reads, n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the checkpoint is left after the run finished")
	}

	// Nothing left to resume: refused, naming the file it looked for.
	_, errOut, code = h.run(context.Background(), append(args[:len(args):len(args)], "--resume")...)
	if code != ExitError || !strings.Contains(errOut, "no checkpoint to resume at "+dir) {
		t.Errorf("--resume with nothing to resume: exit %d\n%s", code, errOut)
	}
}
