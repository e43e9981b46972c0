package plan

import (
	"encoding/json"
	"io"
	"strconv"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

// benchmarkInputs is one pool going OFF -> ON with n declared users, half
// of them to enrol in SMS and half already on TOTP: the largest plan shape
// (three stages, every check and warning path).
func benchmarkInputs(n int) (state.Desired, state.Live) {
	var declared []state.DesiredUser
	var lives []*state.LiveUser
	for i := range n {
		name := "user" + strconv.Itoa(i)
		if i%2 == 0 {
			declared = append(declared, user(name, state.UserSettings{SMSMfaSettings: preferred()}))
			lives = append(lives, liveUser(name, state.UserSettings{}))
		} else {
			declared = append(declared, user(name, state.UserSettings{SoftwareTokenMfaSettings: preferred()}))
			lives = append(lives, liveUser(name, state.UserSettings{SoftwareTokenMfaSettings: preferred()}))
		}
	}
	return desiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: smsOn(), SoftwareTokenMfaConfiguration: totpOn()}, declared...),
		live(state.PoolConfig{MfaConfiguration: state.ModeOff}, withUsers(lives...))
}

func BenchmarkBuild10kUsers(b *testing.B) {
	d, l := benchmarkInputs(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if p := Build(d, l, Options{}); len(p.Calls) != 5_002 {
			b.Fatalf("calls = %d", len(p.Calls))
		}
	}
}

func BenchmarkRender10kUsers(b *testing.B) {
	d, l := benchmarkInputs(10_000)
	p := Build(d, l, Options{})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			_ = json.NewEncoder(io.Discard).Encode(p.Calls)
		}
	})
}
