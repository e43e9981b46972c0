package cognito

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// How many requests of one bucket may be in flight. By Little's law a
// rate r at a round trip of t needs r·t requests in flight; the bound adds
// half as much again and a few more, so that jitter and the requests
// waiting for their turn in the rate never starve it, and stays within
// [minInFlight, maxInFlight]. maxInFlight covers 2,000 requests a second
// at a 400 ms round trip; it is also how many workers a read keeps.
const (
	minInFlight     = 16
	maxInFlight     = 1024
	inFlightSpare   = 8
	inFlightMargin  = 1.5
	assumedLatency  = 100 * time.Millisecond // until a round trip is seen
	latencySmoothed = 0.05                   // weight of each new round trip
)

// inFlight bounds a bucket's requests in flight by its rate and the round
// trips it sees. A read keeps maxInFlight workers; this is what lets only
// as many of them send as the latency needs, so that connections and the
// requests queued for the rate stay few when the rate or the latency is low.
type inFlight struct {
	rate    func() float64
	latency atomic.Int64 // smoothed round trip, in nanoseconds

	mu      sync.Mutex
	waiting *sync.Cond
	active  int // requests in flight
	queued  int // requests waiting in enter
}

func (f *inFlight) init(rate func() float64) {
	f.rate = rate
	f.latency.Store(int64(assumedLatency))
	f.waiting = sync.NewCond(&f.mu)
}

// limit is how many requests may be in flight now.
func (f *inFlight) limit() int {
	need := f.rate() * time.Duration(f.latency.Load()).Seconds() * inFlightMargin
	return min(max(int(math.Ceil(need))+inFlightSpare, minInFlight), maxInFlight)
}

// enter waits for a place among the requests in flight. It does not watch
// a context: places come free as requests in flight end, and a request
// whose context has ended leaves at once.
func (f *inFlight) enter() {
	f.mu.Lock()
	for f.active >= f.limit() {
		f.queued++
		f.waiting.Wait()
		f.queued--
	}
	f.active++
	f.mu.Unlock()
}

// leave gives a place back, with the round trip the request took (0 when
// it was not sent), and wakes as many waiters as there are places free.
func (f *inFlight) leave(roundTrip time.Duration) {
	if roundTrip > 0 {
		old := f.latency.Load()
		f.latency.Store(old + int64(latencySmoothed*float64(int64(roundTrip)-old)))
	}
	f.mu.Lock()
	f.active--
	wake := min(f.limit()-f.active, f.queued)
	f.mu.Unlock()
	for range wake {
		f.waiting.Signal()
	}
}
