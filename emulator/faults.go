package emulator

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds beyond Cognito's error codes.
const (
	// FaultDrop closes the connection without answering, before the call
	// has any effect.
	FaultDrop = "drop"
	// FaultReset resets the connection (TCP RST) mid-request, before the
	// call has any effect.
	FaultReset = "reset"
	// FaultLost applies the call, then closes the connection without
	// answering: the effect happened, the response is lost. A client that
	// retries applies the call twice.
	FaultLost = "lost"
)

// FaultRule makes calls of Operation ("*" for any) fail with Kind with
// probability Rate (0..1). Kind is a Cognito error code such as
// "InternalErrorException" (answered with HTTP 500), "TooManyRequestsException"
// or "ConcurrentModificationException" (HTTP 400), FaultDrop, FaultReset
// or FaultLost.
type FaultRule struct {
	Operation string
	Kind      string
	Rate      float64
}

// faultKinds are the short names ParseFaultRule accepts, in the order
// help lists them, with the kind each stands for.
var faultKinds = []struct{ name, kind string }{
	{"internal", CodeInternalError},
	{"throttle", CodeTooManyRequests},
	{"conflict", CodeConcurrentModification},
	{"drop", FaultDrop},
	{"reset", FaultReset},
	{"lost", FaultLost},
}

// FaultKinds returns the short names of the fault kinds ParseFaultRule
// accepts besides Cognito's error codes, for help and messages.
func FaultKinds() []string {
	names := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		names[i] = k.name
	}
	return names
}

// ParseFaultRule parses "OP=KIND:RATE", e.g. "AdminSetUserMFAPreference=throttle:0.1"
// or "*=drop:0.01". KIND is one of FaultKinds, or any Cognito error code
// ending in "Exception".
func ParseFaultRule(s string) (FaultRule, error) {
	op, rest, ok := strings.Cut(s, "=")
	kind, rateText, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || op == "" {
		return FaultRule{}, fmt.Errorf("fault %q: want OPERATION=KIND:RATE, e.g. SetUserPoolMfaConfig=internal:0.1", s)
	}
	code, err := faultCode(kind)
	if err != nil {
		return FaultRule{}, fmt.Errorf("fault %q: %w", s, err)
	}
	rate, err := strconv.ParseFloat(rateText, 64)
	if err != nil || rate < 0 || rate > 1 {
		return FaultRule{}, fmt.Errorf("fault %q: rate %q must be a number from 0 to 1", s, rateText)
	}
	if op != "*" && Category(op) == "" {
		return FaultRule{}, fmt.Errorf("fault %q: unknown operation %q", s, op)
	}
	return FaultRule{Operation: op, Kind: code, Rate: rate}, nil
}

func faultCode(kind string) (string, error) {
	for _, k := range faultKinds {
		if k.name == strings.ToLower(kind) {
			return k.kind, nil
		}
	}
	if strings.HasSuffix(kind, "Exception") {
		return kind, nil
	}
	return "", fmt.Errorf("unknown fault kind %q; use %s or a Cognito error code ending in Exception", kind, strings.Join(FaultKinds(), ", "))
}

// errDropConnection makes ServeHTTP close the connection unanswered;
// errResetConnection makes it reset the connection; errResponseLost is a
// call that was applied and whose answer is then dropped.
var (
	errDropConnection  = errors.New("drop connection")
	errResetConnection = errors.New("reset connection")
	errResponseLost    = errors.New("response lost")
)

// faults decides, for the nth call of an operation, whether it waits and
// whether it fails. Random draws are a hash of (seed, operation, n), so a
// given call's fate does not depend on how concurrent calls interleave.
type faults struct {
	seed            int64
	latency, jitter time.Duration
	rules           []FaultRule

	mu       sync.Mutex
	scripted map[string]map[uint64]string // operation or "*" → call number → code
}

func newFaults(o Options) *faults {
	return &faults{
		seed: o.FaultSeed, latency: o.Latency, jitter: o.Jitter, rules: o.Faults,
		scripted: map[string]map[uint64]string{},
	}
}

// wait is how long the seq-th call of op is held: the latency plus a share
// of the jitter drawn from the seed, so a seeded run repeats its timings.
func (f *faults) wait(op string, seq uint64) time.Duration {
	d := f.latency
	if f.jitter > 0 {
		d += time.Duration(f.draw("jitter", op, seq) * float64(f.jitter))
	}
	return d
}

// delay waits as long as wait says; it returns an error if the request was
// cancelled meanwhile.
func (f *faults) delay(ctx context.Context, op string, seq uint64) error {
	d := f.wait(op, seq)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// inject returns the fault code for the seq-th call of op, or "".
// Scripted faults come first, then random rules in order.
func (f *faults) inject(op string, seq, anySeq uint64) string {
	f.mu.Lock()
	code := f.takeScripted(op, seq)
	if code == "" {
		code = f.takeScripted("*", anySeq)
	}
	f.mu.Unlock()
	if code != "" {
		return code
	}
	for i, r := range f.rules {
		if r.Rate > 0 && (r.Operation == "*" || r.Operation == op) &&
			f.draw("rule"+strconv.Itoa(i), op, seq) < r.Rate {
			return r.Kind
		}
	}
	return ""
}

func (f *faults) takeScripted(key string, seq uint64) string {
	m := f.scripted[key]
	code, ok := m[seq]
	if ok {
		delete(m, seq)
	}
	return code
}

// draw returns a number in [0, 1) determined by the seed and its arguments.
func (f *faults) draw(purpose, op string, seq uint64) float64 {
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(f.seed))
	binary.LittleEndian.PutUint64(b[8:], seq)
	h.Write(b[:])
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(op))
	// fnv's low bits mix poorly for short inputs: finish with splitmix64.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// script makes the calls numbered current+offset fail with code.
func (f *faults) script(op string, current uint64, offsets []uint64, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.scripted[op]
	if m == nil {
		m = map[uint64]string{}
		f.scripted[op] = m
	}
	for _, off := range offsets {
		m[current+off] = code
	}
}

// FailNext makes the next n calls of op ("*" for any operation) fail with
// code: a Cognito error code such as "InternalErrorException" (answered
// with HTTP 500), "ConcurrentModificationException",
// "InvalidSmsRoleTrustRelationshipException" (HTTP 400), FaultDrop,
// FaultReset or FaultLost.
// Scripted faults take precedence over random ones and over quotas.
func (s *Server) FailNext(op string, n int, code string) {
	offsets := make([]uint64, 0, n)
	for i := 1; i <= n; i++ {
		offsets = append(offsets, uint64(i))
	}
	s.faults.script(op, s.stats.count(op), offsets, code)
}

// FailNth makes the nth call of op from now (1 is the next one) fail with
// code, leaving the calls before it alone.
func (s *Server) FailNth(op string, nth int, code string) {
	if nth < 1 {
		return
	}
	s.faults.script(op, s.stats.count(op), []uint64{uint64(nth)}, code)
}

// ClearFaults drops every scripted fault not yet used.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.scripted = map[string]map[uint64]string{}
}
