package cognito

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	smithymw "github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/mfactl/mfactl/internal/operations"
)

// Category is a Cognito request-rate quota category; the categories and
// which operation is in which are the operation table's (internal/operations).
type Category = operations.Category

const (
	UserRead               = operations.UserRead
	UserList               = operations.UserList
	UserResourceUpdate     = operations.UserResourceUpdate
	UserPoolRead           = operations.UserPoolRead
	UserPoolResourceRead   = operations.UserPoolResourceRead
	UserPoolResourceUpdate = operations.UserPoolResourceUpdate
	UserAuthentication     = operations.UserAuthentication
	UserResourceRead       = operations.UserResourceRead
	UserAccountRecovery    = operations.UserAccountRecovery
	UserPoolUpdate         = operations.UserPoolUpdate
	UserPoolClientRead     = operations.UserPoolClientRead
)

// defaultRates are Cognito's default quotas in requests per second. An
// account whose quota was raised can say so with --rate.
var defaultRates = map[Category]float64{
	UserRead:               120,
	UserList:               30,
	UserResourceUpdate:     25,
	UserPoolRead:           15,
	UserPoolResourceRead:   20,
	UserPoolResourceUpdate: 15,
	UserPoolUpdate:         15,
	UserAuthentication:     120,
	UserResourceRead:       50,
	UserAccountRecovery:    30,
	UserPoolClientRead:     15,
}

// DefaultRates returns Cognito's default quota of every category mfactl
// paces, in requests per second.
func DefaultRates() map[Category]float64 { return maps.Clone(defaultRates) }

// CategoryOf returns the quota category of a Cognito operation, or "" for
// an operation mfactl does not pace: one not in the operation table. AWS
// also caps GetUserPoolMfaConfig and SetUserPoolMfaConfig at 5 requests per
// second per pool; mfactl calls them at most three times per pool per run,
// so that cap never binds and is not paced.
func CategoryOf(operation string) Category {
	op, _ := operations.Lookup(operation)
	return op.Category
}

// categoryNames lists the categories in a stable order, for messages.
func categoryNames() string { return strings.Join(Categories(), ", ") }

// Categories returns the names of the quota categories, sorted, with the
// default rate of each in DefaultRate.
func Categories() []string {
	names := make([]string, 0, len(defaultRates))
	for c := range defaultRates {
		names = append(names, string(c))
	}
	sort.Strings(names)
	return names
}

// DefaultRate is Cognito's default quota of a category, in requests per second.
func DefaultRate(c Category) float64 { return defaultRates[c] }

// ParseRate parses one --rate flag value, CATEGORY=RPS (e.g. "UserRead=300").
func ParseRate(s string) (Category, float64, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return "", 0, fmt.Errorf("--rate %q: want CATEGORY=RPS, e.g. UserRead=300; categories: %s", s, categoryNames())
	}
	category, err := parseCategory(strings.TrimSpace(name))
	if err != nil {
		return "", 0, fmt.Errorf("--rate %q: %w", s, err)
	}
	rps, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || rps <= 0 || math.IsInf(rps, 0) || math.IsNaN(rps) {
		return "", 0, fmt.Errorf("--rate %q: %q is not a positive number of requests per second", s, value)
	}
	return category, rps, nil
}

// ParseRates parses repeated --rate values into overrides of DefaultRates.
func ParseRates(values []string) (map[Category]float64, error) {
	rates := map[Category]float64{}
	for _, v := range values {
		c, rps, err := ParseRate(v)
		if err != nil {
			return nil, err
		}
		rates[c] = rps
	}
	return rates, nil
}

func parseCategory(name string) (Category, error) {
	for c := range defaultRates {
		if strings.EqualFold(name, string(c)) {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown quota category %q; valid categories: %s", name, categoryNames())
}

// resolveRates merges overrides into the defaults and checks them.
func resolveRates(overrides map[Category]float64) (map[Category]float64, error) {
	rates := DefaultRates()
	for c, rps := range overrides {
		if _, ok := defaultRates[c]; !ok {
			return nil, fmt.Errorf("rate for unknown quota category %q; valid categories: %s", c, categoryNames())
		}
		if !(rps > 0) || math.IsInf(rps, 0) {
			return nil, fmt.Errorf("rate for %s must be a positive number of requests per second, not %v", c, rps)
		}
		rates[c] = rps
	}
	return rates, nil
}

// AIMD tuning. Each bucket looks back over windows of one second: a window
// in which at least sustainedFraction of the attempts (and at least
// minThrottles of them) were throttled cuts the rate by decreaseFactor; a
// window with fewer than half as many adds increaseStep of the configured
// rate back, never above it. Judging a window rather than each throttle
// tells a quota that is really exceeded (everything above it is throttled:
// a large share) from throttles that come and go (a shared account's
// neighbour, injected faults: a small share), which are retried and cost
// little; cutting at each of them once drove the rate to 14% of the quota
// under 5% random throttles. So a bucket set above the real quota (a shared
// account, a lowered quota) settles just under it, and a bucket set right
// never strays far.
const (
	window            = time.Second
	sustainedFraction = 0.10
	minThrottles      = 2
	decreaseFactor    = 0.7
	increaseStep      = 0.05
	floorFraction     = 0.05 // never slower than this share of the configured rate
)

// catchUp is how much of the rate a bucket saves while its requests stall
// (a GC pause, a busy CPU), to spend at once when they resume. Cognito's
// quotas are per second, and its buckets (the emulator's too) hold a
// second's worth; saving half of that makes up a short stall without ever
// sending more in a second than the quota allows. (A variable only so that
// a benchmark can compare with no saving.)
var catchUp = 500 * time.Millisecond

// bucket paces one (Region, category) pair.
type bucket struct {
	limiter *rate.Limiter
	ceiling rate.Limit
	floor   rate.Limit
	now     func() time.Time
	inFlight

	mu                  sync.Mutex
	windowStart         time.Time
	attempts, throttles int // in the current window
}

func newBucket(rps float64, now func() time.Time) *bucket {
	b := &bucket{
		limiter:     rate.NewLimiter(rate.Limit(rps), max(1, int(rps*catchUp.Seconds()))),
		ceiling:     rate.Limit(rps),
		floor:       rate.Limit(rps * floorFraction),
		now:         now,
		windowStart: now(),
	}
	// Start with one request's budget, as with no saving: what is saved is
	// only what a stall left unspent, never a burst at start-up into a
	// quota another run may just have used.
	b.limiter.AllowN(time.Now(), b.limiter.Burst()-1)
	b.inFlight.init(func() float64 { return float64(b.limiter.Limit()) })
	return b
}

// wait blocks until the bucket allows one request or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	if err := b.limiter.Wait(ctx); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return err
	}
	return nil
}

// observe counts an attempt and, once its window has ended, adjusts the
// rate from the window's share of throttles. Failures that are not
// throttles count as attempts only.
func (b *bucket) observe(throttled, _ bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if now.Sub(b.windowStart) >= window {
		b.judgeWindow()
		b.windowStart, b.attempts, b.throttles = now, 0, 0
	}
	b.attempts++
	if throttled {
		b.throttles++
	}
}

// judgeWindow cuts or raises the rate after a window; b.mu is held.
func (b *bucket) judgeWindow() {
	if b.attempts == 0 {
		return
	}
	share := float64(b.throttles) / float64(b.attempts)
	limit := b.limiter.Limit()
	switch {
	case b.throttles >= minThrottles && share >= sustainedFraction:
		b.setLimit(max(limit*decreaseFactor, b.floor))
	case share < sustainedFraction/2 && limit < b.ceiling:
		b.setLimit(min(limit+b.ceiling*increaseStep, b.ceiling))
	}
}

// setLimit changes the rate, and what a stall may save with it.
func (b *bucket) setLimit(limit rate.Limit) {
	b.limiter.SetLimit(limit)
	b.limiter.SetBurst(max(1, int(float64(limit)*catchUp.Seconds())))
}

// rateNow is the bucket's current rate in requests per second.
func (b *bucket) rateNow() float64 { return float64(b.limiter.Limit()) }

// limits holds one bucket per (Region, category), created on first use:
// Cognito's quotas are per account and Region.
type limits struct {
	rates map[Category]float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[limitKey]*bucket
}

type limitKey struct {
	region   string
	category Category
}

func newLimits(rates map[Category]float64, now func() time.Time) *limits {
	return &limits{rates: rates, now: now, buckets: map[limitKey]*bucket{}}
}

// bucket returns the bucket for an operation in a Region, or nil when the
// operation is not paced.
func (l *limits) bucket(region, operation string) *bucket {
	category := CategoryOf(operation)
	rps, ok := l.rates[category]
	if !ok {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	key := limitKey{region, category}
	b := l.buckets[key]
	if b == nil {
		b = newBucket(rps, l.now)
		l.buckets[key] = b
	}
	return b
}

// setRate paces a category in a Region at rps from now on: a provisioned
// quota read at the start of a run (provisioned.go).
func (l *limits) setRate(region string, category Category, rps float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buckets[limitKey{region, category}] = newBucket(rps, l.now)
}

// pacedRetryer is the SDK's standard retryer plus a per-attempt wait on the
// operation's bucket. Pacing each attempt (not each call) keeps the SDK's own
// retries under the quota too, and lets every throttled attempt steer the rate.
type pacedRetryer struct {
	aws.RetryerV2
	region string
	limits *limits
}

// IsErrorRetryable leaves requests that could not reach Cognito to
// Client.withRetries, which gives them a short budget of their own and
// reports each retry; the SDK would retry them like throttling.
func (r *pacedRetryer) IsErrorRetryable(err error) bool {
	if reason, _ := unreachable(err); reason != "" {
		return false
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

func (r *pacedRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	b := r.limits.bucket(r.region, smithymw.GetOperationName(ctx))
	if b == nil {
		return r.RetryerV2.GetAttemptToken(ctx)
	}
	b.enter()
	if !takePrepaidAttempt(ctx) {
		if err := b.wait(ctx); err != nil {
			b.leave(0)
			return nil, err
		}
	}
	release, err := r.RetryerV2.GetAttemptToken(ctx)
	if err != nil {
		b.leave(0)
		return nil, err
	}
	sent := time.Now()
	return func(opErr error) error {
		b.leave(time.Since(sent))
		b.observe(isThrottle(opErr), opErr == nil)
		return release(opErr)
	}, nil
}

// prepaidAttempt marks a request whose first attempt's rate budget was
// already waited for (by Client.execute, under the interruptible context).
type prepaidAttempt struct{ taken atomic.Bool }

type prepaidKey struct{}

func withPrepaidAttempt(ctx context.Context) context.Context {
	return context.WithValue(ctx, prepaidKey{}, &prepaidAttempt{})
}

// takePrepaidAttempt reports whether ctx carries a prepaid attempt not yet
// used, and uses it.
func takePrepaidAttempt(ctx context.Context) bool {
	p, ok := ctx.Value(prepaidKey{}).(*prepaidAttempt)
	return ok && p.taken.CompareAndSwap(false, true)
}

// retryBackoff is the SDK retryer's delay before retrying an attempt:
// short and jittered for throttling, because the bucket (slowed when the
// throttling is sustained) is what spaces the retries; for 5xx and
// connections lost mid-request, exponential with full jitter from 250 ms
// up to 20 s. The SDK's own starts at up to 2 s: with a fifth of calls
// failing once, the workers spent most of their time asleep (11% of the
// quota achieved); from 250 ms a single failure costs little, and a
// lasting outage still gets about a minute of retries over 8 attempts.
type retryBackoff struct{}

const (
	throttleRetryBase = 100 * time.Millisecond
	throttleRetryMax  = 2 * time.Second
	serverRetryBase   = 250 * time.Millisecond
	serverRetryMax    = 20 * time.Second
)

func (retryBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if !isThrottle(err) {
		ceiling := min(serverRetryBase<<min(attempt-1, 10), serverRetryMax)
		return rand.N(ceiling + 1), nil
	}
	ceiling := min(throttleRetryBase<<min(attempt, 8), throttleRetryMax)
	return ceiling/2 + rand.N(ceiling/2+1), nil
}

// isThrottle reports whether Cognito refused a request for exceeding a quota.
func isThrottle(err error) bool {
	return err != nil && errorCode(err) == "TooManyRequestsException"
}

// sleepCtx sleeps for d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
