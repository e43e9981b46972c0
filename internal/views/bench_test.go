package views

import (
	"fmt"
	"io"
	"testing"

	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

// BenchmarkRenderPlanText10kUsers renders a plan that changes half of
// 10,000 users.
func BenchmarkRenderPlanText10kUsers(b *testing.B) {
	var live []*state.LiveUser
	var desired []state.DesiredUser
	for i := range 10_000 {
		name := fmt.Sprintf("user%05d", i)
		live = append(live, plantest.LiveUser(name, state.UserSettings{}))
		s := state.UserSettings{}
		if i%2 == 0 {
			s.SMSMfaSettings = plantest.Preferred()
		}
		desired = append(desired, plantest.User(name, s))
	}
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn()}, plantest.WithUsers(live...))
	p := plan.Build(plantest.DesiredPool(state.PoolConfig{}, desired...), l, plan.Options{})
	if len(p.Calls) != 5_000 {
		b.Fatalf("calls = %d", len(p.Calls))
	}
	for b.Loop() {
		_ = RenderPlanText(io.Discard, p, iostreams.Plain)
	}
}
