// Package emulator is a Cognito-compatible server for tests, demos and
// benchmarks. It speaks Cognito's JSON 1.1 protocol over HTTP
// (X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>), so the
// real AWS SDK, the AWS CLI and mfactl talk to it unchanged, and it encodes
// Cognito's MFA rules with Cognito's exception names and messages.
//
// Beyond Cognito it offers what tests need: per-category rate quotas that
// answer TooManyRequestsException, injected latency and faults (random with
// a seed, or scripted with FailNext/FailNth), counters and an ordered log of
// calls (Stats, GET /_emulator/stats), seeding from a file and a state file
// that persists across restarts.
package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value is a server with no quotas,
// no faults and the default Region us-east-1; set QuotaScale to 1 for
// Cognito's default request rates.
type Options struct {
	// QuotaScale multiplies Cognito's default request rates: 1 is Cognito,
	// 0 turns quotas off, 0.1 makes them ten times tighter.
	QuotaScale float64
	// Latency is added to every API call; Jitter adds up to that much more,
	// drawn deterministically from FaultSeed.
	Latency, Jitter time.Duration
	// FaultSeed makes random faults and jitter reproducible.
	FaultSeed int64
	// Faults are random faults: each matching call fails with Kind with
	// probability Rate.
	Faults []FaultRule
	// DefaultRegion is used when a request carries no SigV4 credential
	// scope; "us-east-1" if empty.
	DefaultRegion string
	// Now is the clock, for TOTP codes and token expiry; time.Now if nil.
	Now func() time.Time
	// CallLogLimit caps the Stats call log (oldest entries are dropped
	// first); 0 means 100,000 entries.
	CallLogLimit int
	// OnCall, if set, is called after each API call with its record and
	// how long it took (for request logs).
	OnCall func(rec CallRecord, took time.Duration)
}

// Server is an in-memory Cognito user-pool service. It implements
// http.Handler; all its methods are safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time

	mu       sync.RWMutex
	pools    map[string]*pool // by ID
	clients  map[string]*client
	sessions map[string]*authSession
	outbox   []Message // codes "sent" by SMS and email
	// provisioned holds the limits UpdateProvisionedLimit raised.
	provisioned map[provisionedKey]int
	key         []byte // signs access tokens

	revision atomic.Uint64 // counts changes to state, for persistence
	quotas   *quotas
	faults   *faults
	stats    *stats
}

// New returns a server with no pools.
func New(opts Options) *Server {
	if opts.DefaultRegion == "" {
		opts.DefaultRegion = "us-east-1"
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Server{
		opts:        opts,
		now:         now,
		pools:       map[string]*pool{},
		clients:     map[string]*client{},
		sessions:    map[string]*authSession{},
		provisioned: map[provisionedKey]int{},
		key:         key,
		quotas:      newQuotas(opts.QuotaScale),
		faults:      newFaults(opts),
		stats:       newStats(opts.CallLogLimit),
	}
}

// Revision increases whenever pools, users or their settings change; a
// caller that persists state saves when it differs from the last one saved.
func (s *Server) Revision() uint64 { return s.revision.Load() }

func (s *Server) changed() { s.revision.Add(1) }

const (
	targetPrefix    = "AWSCognitoIdentityProviderService."
	contentType     = "application/x-amz-json-1.1"
	maxRequestBytes = 8 << 20
)

// call is one API request in flight.
type call struct {
	op     string
	region string
	signed bool // carries a SigV4 Authorization header
	body   []byte
	// Who the call is about, for the call log: never a token or secret.
	poolID, username string
	// poolExists says poolID names a pool, so per-pool quotas apply.
	poolExists bool
	// userSub is the sub of the user the call names, if that user exists:
	// one user has one quota whether named by username or by sub.
	userSub string
	// applied is set once the handler has succeeded: the call had its
	// effect, whether or not its answer reaches the client.
	applied bool
}

// ServeHTTP answers Cognito API calls on POST / and the emulator's own
// endpoints under /_emulator/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, newError(CodeUnknownOperation, "Cognito API calls are POST requests"))
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if !ok || op == "" {
		writeError(w, newError(CodeUnknownOperation, "missing or unknown X-Amz-Target header; want %s<Operation>", targetPrefix))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		return // the client went away
	}
	region, signed := sigV4Region(r.Header.Get("Authorization"))
	if region == "" {
		region = s.opts.DefaultRegion
	}
	c := &call{op: op, region: region, signed: signed, body: body}
	out, err := s.serveCall(r, c)
	switch err {
	case errDropConnection, errResponseLost:
		dropConnection(w, false)
		return
	case errResetConnection:
		dropConnection(w, true)
		return
	}
	if err != nil {
		writeError(w, asAPIError(err))
		return
	}
	writeJSON(w, out)
}

// serveCall runs one API call through faults, quotas and its handler, and
// records it in the stats.
func (s *Server) serveCall(r *http.Request, c *call) (out any, err error) {
	h, known := operations[c.op]
	seq, anySeq := s.stats.begin(c.op)
	start := time.Now()
	defer func() {
		rec := s.stats.end(c, errorCode(err))
		if s.opts.OnCall != nil {
			s.opts.OnCall(rec, time.Since(start))
		}
	}()

	if len(c.body) > maxRequestBytes {
		return nil, newError(CodeSerialization, "request body larger than %d bytes", maxRequestBytes)
	}
	if err := s.identify(c); err != nil {
		return nil, err
	}
	if !known {
		return nil, newError(CodeUnknownOperation, "the mfactl emulator does not implement %s", c.op)
	}
	if err := s.faults.delay(r.Context(), c.op, seq); err != nil {
		return nil, errDropConnection
	}
	lose := false
	switch code := s.faults.inject(c.op, seq, anySeq); code {
	case "":
	case FaultDrop:
		return nil, errDropConnection
	case FaultReset:
		return nil, errResetConnection
	case FaultLost:
		lose = true
	default:
		return nil, &apiError{Code: code, Message: defaultMessage(code)}
	}
	// Authentication comes before quotas: an unsigned call spends nothing.
	if h.iam && !c.signed {
		return nil, newError(CodeMissingAuthentication, "Request is missing Authentication Token")
	}
	if !s.quotas.allow(c) {
		return nil, &apiError{Code: CodeTooManyRequests, Message: "Rate exceeded"}
	}
	// The whole request is checked against the model before the handler
	// looks anything up.
	if err := validateRequest(c.op, c.body); err != nil {
		return nil, err
	}
	out, err = h.fn(s, c)
	c.applied = err == nil
	if c.applied && lose {
		return nil, errResponseLost
	}
	return out, err
}

// identify fills in the pool and user a call is about, for the call log
// and per-pool quotas, without judging whether the request is valid.
func (s *Server) identify(c *call) error {
	var f struct {
		UserPoolId     string
		Username       string
		ClientId       string
		AccessToken    string
		Session        string
		AuthParameters map[string]string
	}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, &f); err != nil {
		// Type errors are reported by the handler's own decoding; a body
		// that is not JSON at all is reported here.
		if _, ok := err.(*json.UnmarshalTypeError); !ok {
			return newError(CodeSerialization, "request body is not valid JSON: %v", err)
		}
	}
	c.poolID, c.username = f.UserPoolId, f.Username
	if u := f.AuthParameters["USERNAME"]; c.username == "" && u != "" {
		c.username = u
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c.poolID == "" && f.ClientId != "" {
		if cl := s.clients[f.ClientId]; cl != nil {
			c.poolID = cl.poolID
		}
	}
	if f.AccessToken != "" {
		if claims, err := s.parseAccessToken(f.AccessToken); err == nil {
			c.poolID, c.username = claims.PoolID, claims.Username
		}
	}
	if f.Session != "" {
		if sess := s.sessions[f.Session]; sess != nil {
			c.poolID, c.username = sess.poolID, sess.username
		}
	}
	p := s.pools[c.poolID]
	c.poolExists = p != nil
	if p != nil && c.username != "" {
		if u := p.user(c.username); u != nil {
			c.userSub = u.sub
		}
	}
	return nil
}

// decode reads a request body into v, answering SerializationException
// for malformed JSON or a value of the wrong type, as Cognito does.
func decode(c *call, v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return newError(CodeSerialization, "could not read the %s request: %v", c.op, err)
	}
	return nil
}

// sigV4Region returns the Region of a SigV4 Authorization header's
// credential scope ("Credential=AKID/20240101/eu-west-1/cognito-idp/aws4_request").
func sigV4Region(auth string) (region string, signed bool) {
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return "", false
	}
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", true
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", true
	}
	return parts[2], true
}

func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	if v == nil {
		buf.WriteString("{}")
	} else if err := json.NewEncoder(&buf).Encode(v); err != nil {
		writeError(w, newError(CodeInternalError, "encoding the response: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, e *apiError) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-Requestid", requestID())
	h.Set("X-Amzn-Errortype", e.Code)
	w.WriteHeader(e.status())
	_, _ = w.Write(body)
}

func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return newError(CodeInternalError, "%v", err)
}

func errorCode(err error) string {
	switch {
	case err == nil:
		return ""
	case err == errDropConnection:
		return FaultDrop
	case err == errResetConnection:
		return FaultReset
	case err == errResponseLost:
		return FaultLost
	default:
		return asAPIError(err).Code
	}
}

// dropConnection closes the client's connection without an answer, the way
// a network failure looks to the SDK; with reset, as a TCP RST.
func dropConnection(w http.ResponseWriter, reset bool) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok && reset {
				_ = tcp.SetLinger(0) // close with RST rather than FIN
			}
			_ = conn.Close()
			return
		}
	}
	// No hijacking (HTTP/2): abort the response, which resets the stream.
	panic(http.ErrAbortHandler)
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return uuidString(b)
}
