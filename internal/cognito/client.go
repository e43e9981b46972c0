package cognito

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/logging"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
)

// Options configure a Client. The zero value means: the default AWS
// credential chain, Cognito's default quotas, 8 attempts per call.
type Options struct {
	// Profile is the shared-config profile for credentials (--profile);
	// empty means the SDK's default (AWS_PROFILE, then "default").
	Profile string
	// Region is only the fallback Region for the credential chain
	// (--region): each pool is always called in the Region its ID names.
	Region string
	// EndpointURL sends every request there instead of Cognito (--endpoint-url).
	// Without it, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER and
	// AWS_ENDPOINT_URL are honoured as the SDK documents.
	EndpointURL string
	// Rates overrides DefaultRates, in requests per second (--rate).
	Rates map[Category]float64
	// MaxAttempts is the SDK's attempts per call for throttling, 5xx and
	// dropped connections; 0 means AWS_MAX_ATTEMPTS / max_attempts, else 8.
	MaxAttempts int
	// AccessToken, when set, makes a self-service client (NewWithToken):
	// the user's own calls, authorised by this token, with no AWS
	// credentials and no shared configuration read.
	AccessToken *token.Token
	// OnRetry, if set, is told about each retry of a request that could
	// not reach Cognito, before it waits (called concurrently).
	OnRetry func(Retry)
	// Concurrency, when set, fixes how many user reads, and how many pool
	// reads, ReadLive keeps in flight. When 0, pool reads keep 32 and user
	// reads as many as the UserRead rate and the round trips seen need
	// (Little's law, see inFlight): the quota buckets set the pace, this
	// only has to cover the latency.
	Concurrency int
}

const (
	defaultMaxAttempts = 8
	defaultConcurrency = 32
)

// Client reads live MFA state and executes plan calls. It is safe for
// concurrent use.
type Client struct {
	newAPI      func(region string) API
	concurrency int               // pool reads in flight
	readers     int               // workers for user reads; a paced client's in-flight bound lets as many send as its rate needs
	quotas      *limits           // nil when requests are not paced (NewWithAPI)
	rateGiven   map[Category]bool // categories --rate set: they win over provisioned quotas
	provisioned provisionedCache
	sleep       func(context.Context, time.Duration) error // injected by tests
	token       *token.Token                               // the user's access token (NewWithToken); nil for IAM
	onRetry     func(Retry)
	caller      callerLookup                 // who the credentials are (New); nil for a token
	stopped     atomic.Pointer[StoppedError] // set by the first failure that stops the run

	mu   sync.Mutex
	apis map[string]API // by Region
}

// New returns a Client that talks to Cognito through the AWS SDK, with one
// SDK client per Region created on first use. Credentials are resolved
// lazily by the SDK, so New itself makes no network call.
func New(ctx context.Context, opts Options) (*Client, error) {
	if opts.AccessToken != nil {
		return NewWithToken(opts, opts.AccessToken)
	}
	rates, err := resolveRates(opts.Rates)
	if err != nil {
		return nil, err
	}
	if err := checkEndpoint(opts.EndpointURL); err != nil {
		return nil, err
	}
	concurrency := concurrencyOf(opts)
	readers := pacedReaders(opts)
	// A buildable client keeps AWS_CA_BUNDLE working; enough idle
	// connections per host that concurrent reads reuse them.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = max(concurrency, readers) + 4
	}).WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = connectTimeout
	})
	loadOpts := []func(*config.LoadOptions) error{config.WithHTTPClient(httpClient), config.WithLogger(quietLogger{os.Stderr})}
	if opts.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return nil, fmt.Errorf("AWS profile %q does not exist in the shared config and credentials files (%s, %s); list the profiles with: aws configure list-profiles",
			noProfile.Profile, orDefault(os.Getenv("AWS_CONFIG_FILE"), "~/.aws/config"), orDefault(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), "~/.aws/credentials"))
	}
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}

	maxAttempts := opts.MaxAttempts
	if maxAttempts == 0 {
		maxAttempts = cfg.RetryMaxAttempts
	}
	if maxAttempts == 0 {
		maxAttempts = defaultMaxAttempts
	}
	quotas := newLimits(rates, time.Now)

	newAPI := func(region string) API {
		return cip.NewFromConfig(cfg, func(o *cip.Options) {
			o.Region = region
			o.HTTPClient = InMemoryBodies(o.HTTPClient)
			if opts.EndpointURL != "" {
				o.BaseEndpoint = aws.String(opts.EndpointURL)
			}
			o.Retryer = newPacedRetryer(region, maxAttempts, quotas)
			o.RetryMaxAttempts = 0 // the retryer above already carries it
		})
	}
	c := newClient(newAPI, concurrency)
	c.quotas = quotas
	c.readers = readers
	c.rateGiven = map[Category]bool{}
	for category := range opts.Rates {
		c.rateGiven[category] = true
	}
	c.onRetry = opts.OnRetry
	c.caller = newCallerLookup(cfg, cognitoEndpoint(opts.EndpointURL))
	return c, nil
}

// pacedReaders is how many user-read workers a paced client keeps:
// Options.Concurrency when set, else maxInFlight, of which the UserRead
// bucket's in-flight bound lets only as many send as the rate needs.
func pacedReaders(opts Options) int {
	if opts.Concurrency > 0 {
		return opts.Concurrency
	}
	return maxInFlight
}

// ReadersInFlight is how many user reads a caller reading users one by one
// (ReadUser) should keep going at once: as many as this client's pacing
// can use.
func (c *Client) ReadersInFlight() int { return c.readers }

// checkEndpoint checks an --endpoint-url ("" is none).
func checkEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint-url %q is not an http:// or https:// URL", endpoint)
	}
	return nil
}

// newPacedRetryer is the SDK's standard retryer, paced by the quota buckets.
func newPacedRetryer(region string, maxAttempts int, quotas *limits) *pacedRetryer {
	return &pacedRetryer{
		RetryerV2: retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = maxAttempts
			// The SDK's retry quota is meant to stop retry storms;
			// here the quota buckets already pace every attempt,
			// and a long run must not exhaust it and fail.
			so.RateLimiter = ratelimit.None
			so.Backoff = retryBackoff{}
		}),
		region: region,
		limits: quotas,
	}
}

// NewWithAPI returns a Client over any API implementation, one per Region
// (created on first use). Used by tests with fakes; requests are not paced,
// because pacing lives in the SDK client's retryer.
func NewWithAPI(newAPI func(region string) API, opts Options) *Client {
	c := newClient(newAPI, concurrencyOf(opts))
	c.onRetry = opts.OnRetry
	return c
}

func newClient(newAPI func(region string) API, concurrency int) *Client {
	return &Client{newAPI: newAPI, concurrency: concurrency, readers: concurrency, sleep: sleepCtx, apis: map[string]API{}}
}

func concurrencyOf(opts Options) int {
	if opts.Concurrency > 0 {
		return opts.Concurrency
	}
	return defaultConcurrency
}

// api returns the client for a pool's Region.
func (c *Client) api(poolID string) (API, error) {
	region := state.Region(poolID)
	if region == "" {
		return nil, errNoRegion
	}
	return c.apiIn(region), nil
}

// apiIn returns the client for a Region.
func (c *Client) apiIn(region string) API {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.apis[region]
	if a == nil {
		a = c.newAPI(region)
		c.apis[region] = a
	}
	return a
}

var errNoRegion = errors.New("the user pool ID does not start with a Region")

// retryPolicy is mfactl's own retry for errors the SDK does not retry.
type retryPolicy struct {
	attempts   int
	firstDelay time.Duration // doubles after each attempt
}

var callRetries = map[string]retryPolicy{
	// Another update to the same pool or user is in progress.
	"ConcurrentModificationException": {attempts: 5, firstDelay: 200 * time.Millisecond},
	// A new SMS role is not yet visible everywhere: IAM propagates slowly.
	"InvalidSmsRoleTrustRelationshipException": {attempts: 4, firstDelay: 2 * time.Second},
	"InvalidSmsRoleAccessPolicyException":      {attempts: 4, firstDelay: 2 * time.Second},
}

// withRetries runs call, the request op makes for a pool (and user),
// retrying the errors in callRetries, and the ones that mean Cognito
// could not be reached (see unreachable), with growing, jittered delays;
// every retry of the latter is told to OnRetry. It returns ctx's error as
// soon as ctx ends. Once a request could not reach Cognito after its
// retries, or could not be signed, it returns a *StoppedError, and from
// then on every call returns a *NotSentError without sending anything.
func (c *Client) withRetries(ctx context.Context, op, poolID, username string, call func() error) error {
	for attempt := 1; ; attempt++ {
		if stopped := c.stopped.Load(); stopped != nil {
			return &NotSentError{Stopped: stopped}
		}
		err := call()
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		policy, retryable := callRetries[errorCode(err)]
		reason, reachable := unreachable(err)
		switch {
		case reason != "":
			policy, retryable = retryPolicy{attempts: unreachableAttempts, firstDelay: unreachableFirstDelay}, reachable
		case isCredentialError(err):
			return c.stop(op, poolID, username, err, attempt)
		}
		if !retryable || attempt >= policy.attempts {
			if reason != "" {
				return c.stop(op, poolID, username, err, attempt)
			}
			return err
		}
		delay := policy.firstDelay << (attempt - 1)
		delay = delay/2 + rand.N(delay/2+1) // jitter spreads concurrent retries
		if reason != "" && c.onRetry != nil {
			c.onRetry(Retry{Operation: op, UserPoolId: poolID, Username: username, Reason: reason,
				Attempt: attempt + 1, Attempts: policy.attempts, Delay: delay})
		}
		if err := c.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

func orDefault(value, otherwise string) string {
	if value == "" {
		return otherwise
	}
	return value
}

// quietLogger writes the SDK's log to w, except the instance metadata
// client's "falling back to IMDSv1" warning: that fallback is the SDK's
// normal path where IMDSv2 tokens cannot be had (a container, a host
// without a metadata service), and mfactl's output is not the place for it.
type quietLogger struct{ w io.Writer }

func (l quietLogger) Logf(classification logging.Classification, format string, v ...any) {
	if strings.HasPrefix(format, "falling back to IMDSv1") {
		return
	}
	fmt.Fprintf(l.w, "SDK %s %s\n", classification, fmt.Sprintf(format, v...))
}

// stop records the failure that stops the run; the first one wins.
func (c *Client) stop(op, poolID, username string, err error, attempts int) error {
	stopped := &StoppedError{Call: newCallError(op, poolID, username, err), Attempts: attempts, NoCredentials: isCredentialError(err)}
	if reason, _ := unreachable(err); reason != "" {
		stopped.Call.Message = reason
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
				stopped.Call.Message += " at " + u.Scheme + "://" + u.Host
			}
		}
	}
	if !c.stopped.CompareAndSwap(nil, stopped) {
		return &NotSentError{Stopped: c.stopped.Load()}
	}
	return stopped
}
