package cognito

import (
	"testing"
	"time"
)

func TestInFlightFollowsRateAndLatency(t *testing.T) {
	for _, tc := range []struct {
		rps       float64
		latency   time.Duration
		atLeast   int // Little's law: rate × round trip
		atMost    int
		wantBound int // 0 when not at a bound
	}{
		{rps: 120, latency: time.Millisecond, wantBound: minInFlight},
		{rps: 1200, latency: 50 * time.Millisecond, atLeast: 60, atMost: 120},
		{rps: 2000, latency: 200 * time.Millisecond, atLeast: 400, atMost: 700},
		{rps: 100_000, latency: time.Second, wantBound: maxInFlight},
	} {
		var f inFlight
		f.init(func() float64 { return tc.rps })
		f.latency.Store(int64(tc.latency))
		got := f.limit()
		if tc.wantBound != 0 && got != tc.wantBound {
			t.Errorf("%v/s at %s: limit %d, want the bound %d", tc.rps, tc.latency, got, tc.wantBound)
		}
		if tc.wantBound == 0 && (got < tc.atLeast || got > tc.atMost) {
			t.Errorf("%v/s at %s: limit %d, want %d..%d", tc.rps, tc.latency, got, tc.atLeast, tc.atMost)
		}
	}
}

func TestInFlightLearnsTheRoundTrip(t *testing.T) {
	var f inFlight
	f.init(func() float64 { return 1000 })
	for range 200 {
		f.enter()
		f.leave(200 * time.Millisecond)
	}
	if got := time.Duration(f.latency.Load()); got < 190*time.Millisecond || got > 200*time.Millisecond {
		t.Errorf("smoothed round trip %s after 200 of 200ms", got)
	}
	if got := f.limit(); got < 200 {
		t.Errorf("limit %d at 1,000/s and 200ms, want at least the 200 in flight Little's law needs", got)
	}
}

func TestInFlightHoldsBackBeyondTheLimitAndWakesOnLeave(t *testing.T) {
	var f inFlight
	f.init(func() float64 { return 1 }) // limit minInFlight
	for range minInFlight {
		f.enter()
	}
	entered := make(chan struct{})
	go func() { f.enter(); close(entered) }()
	select {
	case <-entered:
		t.Fatalf("entered with %d already in flight", minInFlight)
	case <-time.After(50 * time.Millisecond):
	}
	f.leave(time.Millisecond)
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("a place came free but the waiter did not enter")
	}
}

func TestBucketMakesUpAStallWithinHalfASecondOfQuota(t *testing.T) {
	const rps = 100
	b := newBucket(rps, time.Now)
	if !b.limiter.Allow() || b.limiter.Allow() {
		t.Fatal("a new bucket should hold exactly one request's budget")
	}
	time.Sleep(2 * catchUp) // a stall longer than catchUp
	saved := 0
	for b.limiter.Allow() {
		saved++
	}
	if want := int(rps * catchUp.Seconds()); saved < want-1 || saved > want+1 {
		t.Errorf("after a stall the bucket let %d requests through at once, want about %d (half a second of quota)", saved, want)
	}
	b.setLimit(rps / 2)
	if got, want := b.limiter.Burst(), int(rps/2*catchUp.Seconds()); got != want {
		t.Errorf("a slowed bucket saves %d, want %d", got, want)
	}
}
