package emulator

import (
	"slices"
	"testing"
	"time"
)

// waits lists how long calls 1..n of op are held.
func waits(o Options, op string, n int) []time.Duration {
	f := newFaults(o)
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = f.wait(op, uint64(i+1))
	}
	return out
}

func TestJitterIsBoundedSpreadAndSeeded(t *testing.T) {
	const latency, jitter = 20 * time.Millisecond, 100 * time.Millisecond
	o := Options{Latency: latency, Jitter: jitter, FaultSeed: 42}
	a := waits(o, "AdminGetUser", 400)
	var sum time.Duration
	for i, d := range a {
		if d < latency || d >= latency+jitter {
			t.Fatalf("call %d held %v; want latency %v plus less than %v of jitter", i+1, d, latency, jitter)
		}
		sum += d
	}
	// Uniform over the jitter: the mean is near latency + jitter/2.
	if mean := sum / time.Duration(len(a)); mean < 60*time.Millisecond || mean > 80*time.Millisecond {
		t.Fatalf("mean wait %v; want about %v", mean, latency+jitter/2)
	}
	if !slices.Equal(a, waits(o, "AdminGetUser", 400)) {
		t.Fatal("the same seed gave different waits")
	}
	o.FaultSeed = 43
	if slices.Equal(a, waits(o, "AdminGetUser", 400)) {
		t.Fatal("different seeds gave the same waits")
	}
	if slices.Equal(a, waits(Options{Latency: latency, Jitter: jitter, FaultSeed: 42}, "ListUsers", 400)) {
		t.Fatal("two operations share one sequence of waits")
	}
	for _, d := range waits(Options{Latency: latency}, "AdminGetUser", 10) {
		if d != latency {
			t.Fatalf("without jitter a call is held %v, want exactly %v", d, latency)
		}
	}
}
