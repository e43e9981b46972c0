package emulator

import "net/http/httptest"

// TB is the part of testing.TB that NewTestServer needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// NewTestServer starts an in-process emulator on a loopback httptest
// server that stops when the test ends, and returns it with its URL (the
// endpoint to give an SDK client as BaseEndpoint).
func NewTestServer(tb TB, opts Options) (*Server, string) {
	tb.Helper()
	s := New(opts)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return s, ts.URL
}
