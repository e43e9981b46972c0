package conformance

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/mfactl/mfactl/emulator"
)

// startEmulator serves mfactl's own emulator in-process on a loopback port,
// with quotas off: the suite checks behaviour, not rate limits.
func startEmulator(context.Context) (*Backend, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: emulator.New(emulator.Options{QuotaScale: 0})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	stop := func() error {
		closeErr := srv.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return closeErr
	}
	return &Backend{Target: Emulator, Endpoint: "http://" + l.Addr().String(), stop: stop}, nil
}
