package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mfactl/mfactl/internal/iostreams"

	"github.com/mfactl/mfactl/emulator"
)

// EmulatorOptions are the inputs of `mfactl emulator`.
type EmulatorOptions struct {
	IO *iostreams.IOStreams

	Listen       string
	Seed         string
	StateFile    string
	SaveInterval time.Duration
	QuotaScale   float64
	FaultSeed    int64
	Latency      time.Duration
	Jitter       time.Duration
	Faults       []string
	Region       string
	LogRequests  bool
}

// NewCmdEmulator builds `mfactl emulator`; runF replaces emulatorRun in tests.
func NewCmdEmulator(f *Factory, runF func(context.Context, *EmulatorOptions) error) *cobra.Command {
	opts := &EmulatorOptions{IO: f.IO}
	c := &cobra.Command{
		Use:   "emulator [--listen 127.0.0.1:0] [--seed FILE] [--state-file FILE] [flags]",
		Short: "Serve a Cognito-compatible API on loopback, for tests without AWS",
		Long: `Emulator serves Cognito's user-pool API (JSON 1.1 over HTTP) on a loopback
address, with Cognito's MFA rules, error names and default request-rate
quotas, so that mfactl, the AWS CLI or any SDK can be tested without AWS.

The first line on stdout is the endpoint URL; give it to mfactl as
--endpoint-url or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, with any dummy
credentials. It serves until interrupted (SIGINT or SIGTERM). Counters and the
ordered call log are at GET <url>/_emulator/stats.`,
		Example: `  mfactl emulator --seed pools.yaml
  mfactl emulator --listen 127.0.0.1:9229 --state-file .emulator.json
  mfactl emulator --quota-scale 0 --latency 5ms --jitter 5ms
  mfactl emulator --fault-seed 42 --fault SetUserPoolMfaConfig=internal:0.1 --fault '*=throttle:0.05'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return emulatorRun(c.Context(), opts)
		},
	}
	fs := c.Flags()
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	fs.StringVar(&opts.Seed, "seed", "", "load pools and users from this YAML or JSON file at start")
	fs.StringVar(&opts.StateFile, "state-file", "", "keep state in this file across restarts (loaded at start if it exists, saved after changes and on exit)")
	fs.DurationVar(&opts.SaveInterval, "save-interval", time.Second, "with --state-file, how often to save when something changed")
	fs.Float64Var(&opts.QuotaScale, "quota-scale", 1, "multiply Cognito's default request-rate quotas (0 turns them off)")
	fs.Int64Var(&opts.FaultSeed, "fault-seed", 0, "seed for random faults and jitter, for reproducible runs")
	fs.DurationVar(&opts.Latency, "latency", 0, "added to every API call")
	fs.DurationVar(&opts.Jitter, "jitter", 0, "up to this much more latency, drawn from the fault seed")
	fs.StringArrayVar(&opts.Faults, "fault", nil, "random fault OP=KIND:RATE, KIND "+strings.Join(emulator.FaultKinds(), "|")+"|<Code>Exception (reset: the connection is reset before the call acts; lost: the call acts, its answer is lost), OP an operation or * (repeatable)")
	fs.StringVar(&opts.Region, "region", "us-east-1", "Region for requests that carry no SigV4 credential scope")
	fs.BoolVar(&opts.LogRequests, "log-requests", false, "log one line per API call to stderr")
	return c
}

// checkLoopback refuses any listen address that is not on loopback: the
// emulator has no authentication and must not be reachable from elsewhere.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: want HOST:PORT, e.g. 127.0.0.1:0", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--listen %q: the emulator listens on loopback only (127.0.0.0/8, ::1 or localhost)", addr)
}

func (o *EmulatorOptions) emulatorOptions() (emulator.Options, error) {
	if o.QuotaScale < 0 {
		return emulator.Options{}, fmt.Errorf("--quota-scale %v: want 0 (off) or more", o.QuotaScale)
	}
	if o.Latency < 0 || o.Jitter < 0 {
		return emulator.Options{}, errors.New("--latency and --jitter cannot be negative")
	}
	eo := emulator.Options{
		QuotaScale: o.QuotaScale, FaultSeed: o.FaultSeed, Latency: o.Latency, Jitter: o.Jitter,
		DefaultRegion: o.Region,
	}
	for _, f := range o.Faults {
		rule, err := emulator.ParseFaultRule(f)
		if err != nil {
			return emulator.Options{}, fmt.Errorf("--fault: %w", err)
		}
		eo.Faults = append(eo.Faults, rule)
	}
	if o.LogRequests {
		errOut := o.IO.ErrOut
		eo.OnCall = func(rec emulator.CallRecord, took time.Duration) {
			outcome := "ok"
			if rec.Error != "" {
				outcome = rec.Error
			}
			fmt.Fprintf(errOut, "%s %s pool=%s user=%s %s %s\n", time.Now().Format("15:04:05.000"),
				rec.Operation, rec.UserPoolId, rec.Username, outcome, took.Round(10*time.Microsecond))
		}
	}
	return eo, nil
}

func emulatorRun(ctx context.Context, opts *EmulatorOptions) error {
	if err := checkLoopback(opts.Listen); err != nil {
		return err
	}
	eo, err := opts.emulatorOptions()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String()
	notice := func(format string, args ...any) {
		fmt.Fprintf(opts.IO.ErrOut, "mfactl emulator: "+format+"\n", args...)
	}
	err = emulator.Run(ctx, ln, emulator.RunOptions{
		Options: eo, Seed: opts.Seed, StateFile: opts.StateFile, SaveInterval: opts.SaveInterval,
		Logf: notice,
		Ready: func(*emulator.Server) {
			// The URL is the first line on stdout, so scripts can read it and go.
			fmt.Fprintln(opts.IO.Out, url)
			quotas := "quotas off"
			if opts.QuotaScale > 0 {
				quotas = fmt.Sprintf("quotas x%g", opts.QuotaScale)
			}
			notice("serving Cognito at %s (%s); stats at %s/_emulator/stats; Ctrl-C to stop", url, quotas, url)
		},
	})
	if err != nil {
		return err
	}
	notice("stopped")
	return nil
}
