package apply

import (
	"context"
	"github.com/mfactl/mfactl/apply/applytest"
	"testing"

	"github.com/mfactl/mfactl/plan"
)

type noopExecutor struct{}

func (noopExecutor) Execute(context.Context, plan.Call) error { return nil }

// BenchmarkRun10000UserCalls measures what apply itself adds per call:
// scheduling, bookkeeping and timing, with an executor that does nothing.
func BenchmarkRun10000UserCalls(b *testing.B) {
	const n = 10_000
	p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("u", n)})
	b.ReportAllocs()
	for b.Loop() {
		if r := Run(context.Background(), p, noopExecutor{}, Options{}); !r.OK() {
			b.Fatal("run failed")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(p.Calls)), "ns/call")
}
