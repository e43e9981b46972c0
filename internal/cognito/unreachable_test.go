package cognito

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

// deadEndpoint returns a loopback URL where nothing listens.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// retryLog collects OnRetry notices.
type retryLog struct {
	mu      sync.Mutex
	retries []Retry
}

func (l *retryLog) add(r Retry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.retries = append(l.retries, r)
}

// A dead endpoint stops the read at the first request that outlasts its
// short budget, through the real SDK: each retry is reported, and the
// users of the pools are never tried.
func TestEndToEndDeadEndpointStopsTheReadWithItsRetriesReported(t *testing.T) {
	isolateAWSEnv(t)
	var log retryLog
	dead := deadEndpoint(t)
	c := newE2EClient(t, Options{EndpointURL: dead, OnRetry: log.add})
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	rs := state.ReadSet{"eu-west-1_Dead1": {}, "us-east-1_Dead2": {}}
	for i := range 200 {
		rs["eu-west-1_Dead1"] = append(rs["eu-west-1_Dead1"], fmt.Sprintf("user%d", i))
	}
	_, err := c.ReadLive(context.Background(), rs, nil)
	var stopped *StoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("err = %v; want a StoppedError", err)
	}
	if stopped.Attempts != unreachableAttempts || stopped.Call.Message != "connection refused at "+strings.TrimSuffix(dead, "/") || !strings.Contains(err.Error(), "nothing more was sent") {
		t.Errorf("stopped = %+v (%v)", stopped, err)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.retries) == 0 || len(log.retries) > 2*(unreachableAttempts-1) {
		t.Fatalf("%d retries reported; want at most %d for two pool reads", len(log.retries), 2*(unreachableAttempts-1))
	}
	for _, r := range log.retries {
		if r.Operation != "GetUserPoolMfaConfig" || r.Reason != "connection refused" || r.Attempt < 2 || r.Attempt > r.Attempts || r.Attempts != unreachableAttempts {
			t.Errorf("retry notice %+v", r)
		}
	}
}

// Once a user read could not reach Cognito, the other users' reads and any
// later call are not sent at all.
func TestUnreachableStopsEveryLaterRequest(t *testing.T) {
	f := newFakeCognito()
	f.addPool("eu-west-1_P1", &cip.GetUserPoolMfaConfigOutput{MfaConfiguration: types.UserPoolMfaTypeOff}, nil)
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("u%03d", i)
		f.addUser("eu-west-1_P1", names[i], &cip.AdminGetUserOutput{})
		f.failNext("AdminGetUser eu-west-1_P1 "+names[i], refused, refused, refused, refused)
	}
	c, _ := f.client(Options{Concurrency: 4})
	_, err := c.ReadLive(context.Background(), state.ReadSet{"eu-west-1_P1": names}, nil)
	var stopped *StoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("err = %v; want a StoppedError", err)
	}
	userReads := 0
	for _, call := range f.callLog() {
		if strings.Contains(call, "AdminGetUser") {
			userReads++
		}
	}
	if userReads > 4*unreachableAttempts {
		t.Errorf("%d user reads sent; the first that gave up should stop the others (at most %d in flight)", userReads, 4*unreachableAttempts)
	}
	before := len(f.callLog())
	err = c.SetUserPoolMfaConfig(context.Background(), "eu-west-1_P1", state.PoolConfig{MfaConfiguration: state.ModeOff})
	var notSent *NotSentError
	if !errors.As(err, &notSent) || len(f.callLog()) != before {
		t.Fatalf("a call after the stop: err %v, %d calls sent", err, len(f.callLog())-before)
	}
}
