package cognito

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	smithymw "github.com/aws/smithy-go/middleware"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in       string
		category Category
		rps      float64
	}{
		{"UserRead=300", UserRead, 300},
		{"userpoolresourceupdate=2.5", UserPoolResourceUpdate, 2.5},
		{" UserResourceUpdate = 50 ", UserResourceUpdate, 50},
	} {
		c, rps, err := ParseRate(tc.in)
		if err != nil || c != tc.category || rps != tc.rps {
			t.Errorf("ParseRate(%q) = %q, %v, %v; want %q, %v", tc.in, c, rps, err, tc.category, tc.rps)
		}
	}
	for _, in := range []string{"UserRead", "UserWrite=10", "UserRead=0", "UserRead=-1", "UserRead=fast", "UserRead=NaN", "UserRead=+Inf", "=5"} {
		_, _, err := ParseRate(in)
		if err == nil {
			t.Errorf("ParseRate(%q): want an error", in)
			continue
		}
		if !strings.Contains(err.Error(), in) {
			t.Errorf("ParseRate(%q) error %q does not quote the input", in, err)
		}
	}
	_, _, err := ParseRate("UserWrite=10")
	if want := "UserAccountRecovery, UserAuthentication, UserList, UserPoolClientRead, UserPoolRead, UserPoolResourceRead, UserPoolResourceUpdate, UserPoolUpdate, UserRead, UserResourceRead, UserResourceUpdate"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not list the valid categories %q", err, want)
	}
}

func TestParseRatesAndResolve(t *testing.T) {
	overrides, err := ParseRates([]string{"UserRead=300", "UserResourceUpdate=5", "UserRead=200"})
	if err != nil {
		t.Fatal(err)
	}
	rates, err := resolveRates(overrides)
	if err != nil {
		t.Fatal(err)
	}
	if rates[UserRead] != 200 || rates[UserResourceUpdate] != 5 || rates[UserPoolRead] != defaultRates[UserPoolRead] {
		t.Errorf("rates = %v", rates)
	}
	if defaultRates[UserRead] != 120 {
		t.Error("resolving overrides changed the defaults")
	}
	DefaultRates()[UserRead] = 1
	if defaultRates[UserRead] != 120 {
		t.Error("changing DefaultRates()' result changed the defaults")
	}
	for _, bad := range []map[Category]float64{{"Nope": 1}, {UserRead: 0}, {UserRead: math.Inf(1)}, {UserRead: math.NaN()}} {
		if _, err := resolveRates(bad); err == nil {
			t.Errorf("resolveRates(%v): want an error", bad)
		}
	}
}

func TestCategoryOf(t *testing.T) {
	for op, want := range map[string]Category{
		"AdminGetUser": UserRead, "GetUserPoolMfaConfig": UserPoolResourceRead, "DescribeUserPool": UserPoolRead,
		"SetUserPoolMfaConfig": UserPoolResourceUpdate, "AdminSetUserMFAPreference": UserResourceUpdate, "ListUsers": UserList,
		"DeleteUserPool": "",
	} {
		if got := CategoryOf(op); got != want {
			t.Errorf("CategoryOf(%s) = %q; want %q", op, got, want)
		}
	}
	for _, op := range []string{"GetUserPoolMfaConfig", "DescribeUserPool", "AdminGetUser", "SetUserPoolMfaConfig", "AdminSetUserMFAPreference"} {
		if _, ok := defaultRates[CategoryOf(op)]; !ok {
			t.Errorf("%s, which mfactl calls, has no quota", op)
		}
	}
}

// fakeClock is a settable time for deterministic AIMD tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBucketAIMD(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	b := newBucket(100, clock.now)
	assertRate := func(step string, want float64) {
		t.Helper()
		if got := b.rateNow(); math.Abs(got-want) > 1e-9 {
			t.Fatalf("%s: rate = %v; want %v", step, got, want)
		}
	}
	// window runs one window of attempts, throttles of them throttled,
	// and judges it with the first attempt of the next.
	window := func(attempts, throttles int) {
		for i := range attempts {
			b.observe(i < throttles, i >= throttles)
		}
		clock.advance(time.Second)
	}
	judge := func() { b.observe(false, true); clock.advance(time.Second) }

	window(100, 0)
	judge()
	assertRate("success at the configured rate changes nothing", 100)

	window(100, 5)
	judge()
	assertRate("5% of throttles, which come and go, change nothing", 100)
	window(3, 1)
	judge()
	assertRate("a single throttle is not sustained, even as a third of a small window", 100)

	b = newBucket(100, clock.now)
	window(100, 30)
	b.observe(false, true)
	assertRate("a window with 30% throttled cuts", 70)
	b.observe(true, false)
	b.observe(true, false)
	assertRate("throttles within the window after a cut wait for its end", 70)
	clock.advance(time.Second)
	b.observe(false, true)
	assertRate("two throttles of three, a sustained share, cut again at the window's end", 49)

	clock.advance(time.Second)
	b.observe(false, true)
	assertRate("a window with no throttle adds 5% of the ceiling", 54)
	b.observe(false, true)
	assertRate("at most one step per window", 54)
	clock.advance(time.Second)
	window(20, 1)
	b.observe(false, true)
	assertRate("under half the sustained share still recovers", 59)

	for range 20 {
		window(10, 0)
	}
	judge()
	assertRate("recovery stops at the configured rate", 100)

	for range 50 {
		window(10, 10)
	}
	judge()
	assertRate("never below the floor", 100*floorFraction)
}

func TestPacedRetryerObservesEveryAttempt(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	l := newLimits(map[Category]float64{UserRead: 1000, UserResourceUpdate: 1000}, clock.now)
	r := &pacedRetryer{RetryerV2: retry.NewStandard(), region: "eu-west-1", limits: l}
	ctx := smithymw.WithOperationName(context.Background(), "AdminGetUser")

	attempt := func(opErr error) {
		t.Helper()
		release, err := r.GetAttemptToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := release(opErr); err != nil {
			t.Fatal(err)
		}
	}
	// A window of throttled attempts, judged at the next attempt.
	attempt(&types.TooManyRequestsException{Message: aws.String("Rate exceeded")})
	attempt(&types.TooManyRequestsException{Message: aws.String("Rate exceeded")})
	clock.advance(time.Second)
	attempt(nil)
	if got := l.bucket("eu-west-1", "AdminGetUser").rateNow(); got != 700 {
		t.Errorf("UserRead in eu-west-1 = %v after a throttled window; want 700", got)
	}
	if got := l.bucket("us-east-1", "AdminGetUser").rateNow(); got != 1000 {
		t.Errorf("UserRead in us-east-1 = %v; want untouched 1000", got)
	}
	if got := l.bucket("eu-west-1", "AdminSetUserMFAPreference").rateNow(); got != 1000 {
		t.Errorf("UserResourceUpdate in eu-west-1 = %v; want untouched 1000", got)
	}
	// An operation without a quota is not paced and changes nothing.
	release, err := r.GetAttemptToken(smithymw.WithOperationName(context.Background(), "DeleteUserPool"))
	if err != nil {
		t.Fatal(err)
	}
	_ = release(&types.TooManyRequestsException{})
}

func TestPacedRetryerStopsWaitingWhenCancelled(t *testing.T) {
	l := newLimits(map[Category]float64{UserPoolResourceUpdate: 0.001}, time.Now)
	r := &pacedRetryer{RetryerV2: retry.NewStandard(), region: "eu-west-1", limits: l}
	ctx, cancel := context.WithCancel(smithymw.WithOperationName(context.Background(), "SetUserPoolMfaConfig"))
	if _, err := r.GetAttemptToken(ctx); err != nil { // the first token is free
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := r.GetAttemptToken(ctx); done <- err }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v; want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting for a token after cancellation")
	}
}

// BenchmarkBucketPacing measures how close a bucket's pacing comes to its
// configured rate with many concurrent waiters; "ratio" is achieved/configured.
func BenchmarkBucketPacing(b *testing.B) {
	const rps = 2000
	bk := newBucket(rps, time.Now)
	ctx := context.Background()
	_ = bk.wait(ctx) // spend the initial burst token
	b.SetParallelism(8)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := bk.wait(ctx); err != nil {
				b.Error(err)
			}
		}
	})
	achieved := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(achieved, "req/s")
	b.ReportMetric(achieved/rps, "ratio")
}
