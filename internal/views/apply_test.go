package views

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/apply"
	"github.com/mfactl/mfactl/apply/applytest"
	"github.com/mfactl/mfactl/internal/iostreams"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// callError has the methods cognito's CallError is expected to have.
type callError struct{ code, message, meaning string }

func (e *callError) Error() string        { return e.code + ": " + e.message }
func (e *callError) ErrorCode() string    { return e.code }
func (e *callError) ErrorMessage() string { return e.message }
func (e *callError) UserMeaning() string  { return e.meaning }

// apiError has the shape of smithy-go's APIError, with no meaning attached.
type apiError struct{ code, message string }

func (e *apiError) Error() string        { return "api error " + e.code + ": " + e.message }
func (e *apiError) ErrorCode() string    { return e.code }
func (e *apiError) ErrorMessage() string { return e.message }

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want ErrorDetail
	}{
		{"nil", nil, ErrorDetail{}},
		{"plain error", errors.New("dial tcp 127.0.0.1:1: connection refused"),
			ErrorDetail{Message: "dial tcp 127.0.0.1:1: connection refused"}},
		{"call error", &callError{"UserNotFoundException", "User does not exist.", "The user was deleted."},
			ErrorDetail{"UserNotFoundException", "User does not exist.", "The user was deleted."}},
		{"wrapped call error", fmt.Errorf("call 3: %w", &callError{"C", "m", "means"}),
			ErrorDetail{"C", "m", "means"}},
		{"wrapped API error", fmt.Errorf("operation error: %w", &apiError{"LimitExceededException", "slow down"}),
			ErrorDetail{Code: "LimitExceededException", Message: "slow down"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Explain(tc.err); got != tc.want {
				t.Errorf("Explain() = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestRenderSummary(t *testing.T) {
	phoneless := &callError{
		code:    "InvalidParameterException",
		message: "User does not have a phone_number set to turn on SMS MFA",
		meaning: "the user has no phone_number attribute; add one or leave SMS off",
	}
	twoPools := func() *plan.Plan {
		return applytest.Plan(
			applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("alice", 9)},
			applytest.Pool{ID: "us-east-1_B", Widen: true, Users: applytest.Users("bob", 3)},
		)
	}

	for _, tc := range []struct {
		name   string
		result func(t *testing.T) *apply.Result
		style  iostreams.Palette
	}{
		{"complete", func(t *testing.T) *apply.Result {
			return apply.Run(context.Background(), twoPools(), &applytest.Executor{}, apply.Options{})
		}, iostreams.Plain},
		{"complete_one_call", func(t *testing.T) *apply.Result {
			return apply.Run(context.Background(), applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Narrow: true}), &applytest.Executor{}, apply.Options{})
		}, iostreams.Plain},
		{"empty", func(t *testing.T) *apply.Result {
			return apply.Run(context.Background(), &plan.Plan{}, &applytest.Executor{}, apply.Options{})
		}, iostreams.Plain},
		{"failed", func(t *testing.T) *apply.Result {
			fake := &applytest.Executor{Fail: map[string]error{}}
			fake.Fail["eu-west-1_A/2/alice002"] = phoneless
			fake.Fail["eu-west-1_A/2/alice005"] = fmt.Errorf("AdminSetUserMFAPreference: %w",
				&apiError{"UserNotFoundException", "User does not exist."})
			fake.Fail["us-east-1_B/1/"] = errors.New("dial tcp 127.0.0.1:9: connect: connection refused")
			return apply.Run(context.Background(), twoPools(), fake, apply.Options{})
		}, iostreams.Plain},
		{"failed_short_of_on", func(t *testing.T) *apply.Result {
			// OFF -> OPTIONAL, users, ON: a refused user call leaves the pool OPTIONAL.
			p := applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Narrow: true, Users: applytest.Users("alice", 3)})
			p.Calls[len(p.Calls)-1].PoolRequest.MfaConfiguration = state.ModeOn
			fake := &applytest.Executor{Fail: map[string]error{"eu-west-1_A/2/alice001": &callError{
				code:    "InvalidParameterException",
				message: "User has not verified software token mfa",
				meaning: "the user has not registered an authenticator app",
			}}}
			return apply.Run(context.Background(), p, fake, apply.Options{})
		}, iostreams.Plain},
		{"failed_coloured", func(t *testing.T) *apply.Result {
			fake := &applytest.Executor{Fail: map[string]error{}}
			fake.Fail["eu-west-1_A/1/"] = &apiError{code: "ConcurrentModificationException"}
			return apply.Run(context.Background(), twoPools(), fake, apply.Options{})
		}, tags},
		{"stopped", func(t *testing.T) *apply.Result {
			// Cognito stopped answering at pool A's third user.
			stopped := &stoppingError{"AdminSetUserMFAPreference pool eu-west-1_A user alice002: connection refused (3 attempts); stopped: nothing more was sent to Cognito"}
			r := &apply.Result{Stopped: stopped}
			for i, c := range twoPools().Calls {
				cr := apply.CallResult{Index: i, Call: c}
				switch {
				case i < 3:
					cr.Outcome = apply.Applied
				case i == 3:
					cr.Outcome, cr.Err = apply.Failed, stopped
				}
				r.Calls = append(r.Calls, cr)
			}
			return r
		}, iostreams.Plain},
		{"halted", func(t *testing.T) *apply.Result {
			// Pool B moved after its widen call: its users were not sent.
			r := apply.Run(context.Background(), twoPools(), &applytest.Executor{}, apply.Options{
				BeforeStage: func(_ context.Context, pool string, stage int, _ []plan.Call) error {
					if pool == "us-east-1_B" && stage == 2 {
						return errors.New("user pool us-east-1_B changed while this apply ran (another apply, or a change by hand, between its stages); stopped before stage 2 of that pool")
					}
					return nil
				}})
			return r
		}, iostreams.Plain},
		{"interrupted", func(t *testing.T) *apply.Result {
			// Interrupted after pool A's widen call and three of its users.
			r := &apply.Result{Interrupted: true}
			for i, c := range twoPools().Calls {
				cr := apply.CallResult{Index: i, Call: c}
				if i < 4 {
					cr.Outcome = apply.Applied
				}
				r.Calls = append(r.Calls, cr)
			}
			return r
		}, iostreams.Plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := RenderSummary(&out, tc.result(t), tc.style); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), applytest.Secret) {
				t.Errorf("summary shows the SMS role's ExternalId:\n%s", out.String())
			}
			golden(t, filepath.Join("testdata", "summary_"+tc.name+".golden"), out.String())
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/views -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

type stoppingError struct{ msg string }

func (e *stoppingError) Error() string  { return e.msg }
func (e *stoppingError) StopsRun() bool { return true }

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderSummaryReportsWriteErrors(t *testing.T) {
	if err := RenderSummary(failingWriter{}, &apply.Result{}, iostreams.Plain); err == nil {
		t.Error("no error from a failing writer")
	}
}

// In a log the explanation of a failure is wrapped to 80 columns, hanging
// under its label.
func TestSummaryWrapsFailuresToTheWidth(t *testing.T) {
	meaning := "the user has not registered an authenticator app, and only the user can: from your app (AssociateSoftwareToken, then VerifySoftwareToken) or when prompted at sign-in; once they have, run plan and apply again"
	fake := &applytest.Executor{Fail: map[string]error{"eu-west-1_A/2/alice002": &callError{"InvalidParameterException", "User has not verified software token mfa", meaning}}}
	r := apply.Run(context.Background(), applytest.Plan(applytest.Pool{ID: "eu-west-1_A", Widen: true, Users: applytest.Users("alice", 3)}), fake, apply.Options{})
	var out strings.Builder
	if err := renderSummary(&out, r, iostreams.Plain, 80); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, l := range strings.Split(text, "\n") {
		if len(l) > 80 && !strings.Contains(l, "mfactl plan") {
			t.Errorf("a line of %d columns: %q", len(l), l)
		}
	}
	lines := strings.Split(text, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "     Meaning: the user has not registered") })
	if i < 0 || i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "       ") || lines[i+1][7] == ' ' {
		t.Errorf("meaning not wrapped under its label:\n%s", text)
	}
	if got := strings.Join(strings.Fields(text), " "); !strings.Contains(got, "Meaning: "+meaning) {
		t.Errorf("the meaning lost words:\n%s", text)
	}
}
