package apply

import (
	"context"
	"errors"
	"testing"

	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/internal/state"
)

// refusal is a Cognito refusal for a user who cannot take the factor.
type refusal struct{ user bool }

func (r refusal) Error() string     { return "User has not verified software token mfa" }
func (r refusal) RefusesUser() bool { return r.user }

func TestIneligibleRefusalIsContainedUnderReportAndSkip(t *testing.T) {
	for _, tc := range []struct {
		name       string
		mode       state.Ineligible
		err        error
		outcome    Outcome
		narrowRuns bool
	}{
		{"report", state.IneligibleReport, refusal{true}, Ineligible, true},
		{"skip", state.IneligibleSkip, refusal{true}, Ineligible, true},
		{"error mode fails as any call", "", refusal{true}, Failed, false},
		{"other errors still fail", state.IneligibleReport, errors.New("boom"), Failed, false},
		{"a refusal that is not the user's still fails", state.IneligibleReport, refusal{false}, Failed, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: []string{"ann", "bob"}, Narrow: true})
			for i := range p.Calls {
				if p.Calls[i].Username == "bob" {
					p.Calls[i].Ineligible = tc.mode
				}
			}
			bob := applytest.Key(p.Calls[2])
			ex := &applytest.Executor{Fail: map[string]error{bob: tc.err}}
			res := Run(context.Background(), p, ex, Options{})
			if got := res.Calls[2].Outcome; got != tc.outcome {
				t.Fatalf("bob's call: %v; want %v", got, tc.outcome)
			}
			narrowed := res.Calls[3].Outcome == Applied
			if narrowed != tc.narrowRuns || res.OK() != tc.narrowRuns {
				t.Errorf("narrow stage applied %v, OK %v; want %v", narrowed, res.OK(), tc.narrowRuns)
			}
			if tc.outcome == Ineligible && (len(res.Ineligible()) != 1 || res.Ineligible()[0].Err == nil) {
				t.Errorf("Ineligible() = %+v", res.Ineligible())
			}
		})
	}
}
