package cognito

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// Failures that mean no request can reach Cognito at all (nothing was
// sent), unlike throttling and 5xx, which mean Cognito is there and busy.
// They get a short retry budget of their own, each retry is reported as it
// happens (Options.OnRetry), and the first one that outlasts it stops the
// whole run: every other request would fail the same way.
const (
	unreachableAttempts   = 3
	unreachableFirstDelay = 200 * time.Millisecond // doubles after each attempt
	// connectTimeout bounds one connection attempt: Cognito answers in
	// milliseconds, and an address that swallows packets must not cost
	// the SDK's 30 s per attempt.
	connectTimeout = 3 * time.Second
)

// unreachable says why err means that the request never reached Cognito,
// and whether trying again could help; reason is "" for any other error.
func unreachable(err error) (reason string, retryable bool) {
	if err == nil {
		return "", false
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var unknownAuthority x509.UnknownAuthorityError
	var invalidCert x509.CertificateInvalidError
	var hostname x509.HostnameError
	var recordHeader tls.RecordHeaderError
	var certVerify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("unknown host %s", dnsErr.Name), true
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("DNS lookup of %s failed", dnsErr.Name), true
	case errors.As(err, &certVerify), errors.As(err, &unknownAuthority), errors.As(err, &invalidCert), errors.As(err, &hostname):
		return "TLS certificate not accepted: " + tlsDetail(err), false
	case errors.As(err, &recordHeader), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS handshake failed: the endpoint does not speak TLS (an http:// endpoint given as https://?)", false
	case errors.As(err, &opErr) && opErr.Op == "dial":
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "connection refused", true
		case errors.Is(err, syscall.EHOSTUNREACH):
			return "no route to host", true
		case errors.Is(err, syscall.ENETUNREACH):
			return "network unreachable", true
		case opErr.Timeout():
			return fmt.Sprintf("no connection within %s", connectTimeout), true
		}
		return "cannot connect: " + opErr.Err.Error(), true
	}
	return "", false
}

func tlsDetail(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "tls: "); i >= 0 {
		return msg[i+len("tls: "):]
	}
	if i := strings.LastIndex(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// isCredentialError reports whether err is the credential chain failing:
// no request is signed, so none can be sent.
func isCredentialError(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "get credentials") || strings.Contains(msg, "get identity") ||
		strings.Contains(msg, "failed to refresh cached credentials")
}

// Retry is one retry about to happen, for Options.OnRetry.
type Retry struct {
	Operation  string
	UserPoolId string
	Username   string
	Reason     string        // e.g. "connection refused"
	Attempt    int           // the attempt about to be made, from 2
	Attempts   int           // the most there will be
	Delay      time.Duration // before it
}

// StoppedError is the failure that stopped a run: no request could reach
// Cognito (or none could be signed). Nothing was sent after it.
type StoppedError struct {
	Call     *CallError
	Attempts int
	// NoCredentials: the request could not be signed. The message then
	// leads with what to do; the SDK's credential chain comes last.
	NoCredentials bool
}

func (e *StoppedError) Error() string {
	c := e.Call
	if e.NoCredentials && c.Meaning != "" {
		return fmt.Sprintf("%s; nothing was sent to Cognito.\nThe AWS SDK's credential chain, for %s %s: %s", c.Meaning, c.Operation, c.target(), c.Message)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", c.Operation, c.target())
	if c.Code != "" {
		b.WriteString(c.Code + ": ")
	}
	b.WriteString(c.Message)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	b.WriteString("; stopped: nothing more was sent to Cognito")
	if c.Meaning != "" {
		b.WriteString(". " + strings.ToUpper(c.Meaning[:1]) + c.Meaning[1:])
	}
	return b.String()
}

func (e *StoppedError) Unwrap() error { return e.Call }

// ErrorCode, ErrorMessage and UserMeaning explain it as its call.
func (e *StoppedError) ErrorCode() string    { return e.Call.Code }
func (e *StoppedError) ErrorMessage() string { return e.Call.Message }
func (e *StoppedError) UserMeaning() string  { return e.Call.Meaning }

// NotSentError is returned for a call not sent because an earlier request
// had stopped the run (Stopped).
type NotSentError struct{ Stopped *StoppedError }

func (e *NotSentError) Error() string {
	return "not sent: " + e.Stopped.Error()
}

func (e *NotSentError) Unwrap() error { return e.Stopped }

// Unsent reports that the call was not sent: apply counts it not started.
func (e *NotSentError) Unsent() bool { return true }

// StopsRun reports that nothing more should be started.
func (e *NotSentError) StopsRun() bool { return true }

// StopsRun reports that nothing more should be started.
func (e *StoppedError) StopsRun() bool { return true }
