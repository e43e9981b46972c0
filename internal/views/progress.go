package views

import (
	"fmt"
	"io"
	"time"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// ApplyHooks shows apply's calls on p as they finish; nil when p shows
// nothing.
func ApplyHooks(p *iostreams.Progress) apply.Hooks {
	if p == nil {
		return nil
	}
	return progressHooks{p}
}

type progressHooks struct{ p *iostreams.Progress }

func (h progressHooks) PreCall(int, plan.Call) {}

func (h progressHooks) PostCall(_ int, _ plan.Call, err error, _ time.Duration) { h.p.Step(err != nil) }

// Retry shows, on stderr as it happens, one retry of a request that could
// not reach Cognito: "AdminGetUser (alice in eu-west-1_Ab1): connection
// refused, retry 2/3 in 0.4 s".
func Retry(w io.Writer, operation, poolID, username, reason string, attempt, attempts int, delay time.Duration) {
	target := poolID
	if username != "" {
		target = username + " in " + poolID
	}
	fmt.Fprintf(w, "%s (%s): %s, retry %d/%d in %.1f s\n", operation, untrusted.Name(target), reason, attempt, attempts, delay.Seconds())
}
