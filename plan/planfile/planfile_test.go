package planfile

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/plan/plantest"
)

// built is plan.Build of a plan that must pass its checks.
func built(t *testing.T, d state.Desired, l state.Live, opts plan.Options) *plan.Plan {
	t.Helper()
	p := plan.Build(d, l, opts)
	if p.Diagnostics.HasErrors() {
		t.Fatalf("the plan failed its checks:\n%s", plantest.DiagText(p.Diagnostics))
	}
	return p
}

// reviewable is what a plan shows of itself: its changes, diagnostics
// and calls (with their request bodies, secrets masked).
func reviewable(t *testing.T, p *plan.Plan) string {
	t.Helper()
	pools, calls := p.Pools, p.Calls
	if len(pools) == 0 {
		pools = nil
	}
	if len(calls) == 0 {
		calls = nil
	}
	diags := any(p.Diagnostics)
	if len(p.Diagnostics) == 0 {
		diags = nil
	}
	b, err := json.MarshalIndent(struct {
		Partial     []string
		Pools       []plan.PoolChange
		Diagnostics any
		Calls       []plan.Call
		SelfService *plan.SelfService
	}{p.Partial, pools, diags, calls, p.SelfService}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// extID is the SMS role's ExternalId of a pool configuration, "" if none.
func extID(cfg *state.PoolConfig) string {
	if cfg == nil || cfg.SmsMfaConfiguration == nil || cfg.SmsMfaConfiguration.SmsConfiguration == nil {
		return ""
	}
	return cfg.SmsMfaConfiguration.SmsConfiguration.ExternalId
}

// savedPlan returns a plan with a new plantest.Secret (from files) and the saved
// form of it.
func savedPlan(t *testing.T) (*plan.Plan, state.Desired, state.Live, []byte) {
	t.Helper()
	l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOff}, plantest.WithUsers(plantest.LiveUser("alice", state.UserSettings{})))
	sms := plantest.SmsOn()
	sms.SmsConfiguration.ExternalId = plantest.NewSecret
	d := plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: sms}, plantest.User("alice", state.UserSettings{SMSMfaSettings: plantest.Preferred()}))
	p := built(t, d, l, plan.Options{})
	if p.Diagnostics.HasErrors() {
		t.Fatal(p.Diagnostics)
	}
	var b bytes.Buffer
	if err := Save(&b, p); err != nil {
		t.Fatal(err)
	}
	return p, d, l, b.Bytes()
}

func TestSaveAndLoad(t *testing.T) {
	p, d, l, saved := savedPlan(t)
	if bytes.Contains(saved, []byte(plantest.NewSecret)) || !bytes.Contains(saved, []byte(plan.SecretFromFiles)) {
		t.Fatalf("the plan file holds the plantest.Secret, or no marker for it:\n%s", saved)
	}
	loaded, err := Load(bytes.NewReader(saved))
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Targets) != len(p.Targets) || len(loaded.Calls) != len(p.Calls) {
		t.Fatalf("loaded plan differs: %+v", loaded)
	}
	if got := extID(loaded.Targets[0].DesiredConfig); got != "" {
		t.Fatalf("a loaded target holds ExternalId %q before ResolveSecrets", got)
	}
	if got := extID(loaded.Calls[0].PoolRequest); got != "" {
		t.Fatalf("a loaded call holds ExternalId %q before ResolveSecrets", got)
	}

	t.Run("secrets from the same files", func(t *testing.T) {
		loaded, _ := Load(bytes.NewReader(saved))
		if err := plan.ResolveSecrets(loaded, l, &d); err != nil {
			t.Fatal(err)
		}
		for i := range loaded.Calls {
			if !reflect.DeepEqual(loaded.Calls[i], p.Calls[i]) {
				t.Fatalf("call %d after ResolveSecrets:\n got %+v\nwant %+v", i+1, loaded.Calls[i], p.Calls[i])
			}
		}
		if !reflect.DeepEqual(loaded.Targets, p.Targets) {
			t.Fatalf("targets after ResolveSecrets:\n got %+v\nwant %+v", loaded.Targets, p.Targets)
		}
	})
	t.Run("secrets need the files", func(t *testing.T) {
		loaded, _ := Load(bytes.NewReader(saved))
		err := plan.ResolveSecrets(loaded, l, nil)
		if err == nil || !strings.Contains(err.Error(), "pass the same -f files") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("secrets from live", func(t *testing.T) {
		l := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn()})
		p := built(t, plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), l, plan.Options{})
		var b bytes.Buffer
		if err := Save(&b, p); err != nil {
			t.Fatal(err)
		}
		saved := b.Bytes()
		loaded, err := Load(bytes.NewReader(saved))
		if err != nil {
			t.Fatal(err)
		}
		if err := plan.ResolveSecrets(loaded, l, nil); err != nil {
			t.Fatal(err)
		}
		if got := extID(loaded.Calls[0].PoolRequest); got != plantest.Secret {
			t.Fatalf("ExternalId not resolved from live")
		}
		gone := plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOptional, SoftwareTokenMfaConfiguration: plantest.TotpOn()}, plantest.WithPrerequisites(state.Prerequisites{}))
		loaded, _ = Load(bytes.NewReader(saved))
		if err := plan.ResolveSecrets(loaded, gone, nil); err == nil || !strings.Contains(err.Error(), "the live pool has none") {
			t.Fatalf("error = %v", err)
		}
	})
}

func TestLoadRefuses(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	edit := func(change func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(saved, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	calls := func(m map[string]any) []any { return m["Calls"].([]any) }
	call := func(m map[string]any, i int) map[string]any { return calls(m)[i].(map[string]any) }
	tests := []struct{ name, file, want string }{
		{"not JSON", "Plan: 1 call", "not a valid plan file (corrupt or truncated?)"},
		{"truncated", string(saved[:len(saved)/2]), "corrupt or truncated"},
		{"not a plan", `{"Pools": []}`, "no FormatVersion"},
		{"another major version", edit(func(m map[string]any) { m["FormatVersion"] = "2.0" }), "format version 2.0, and this mfactl reads 1.x"},
		{"a wrong type", edit(func(m map[string]any) { m["Calls"] = "all of them" }), "corrupt plan file"},
		{"a call outside the targets", edit(func(m map[string]any) { m["Targets"] = []any{} }), "not among the targets"},
		{"a target without fingerprint", edit(func(m map[string]any) { m["Targets"].([]any)[0].(map[string]any)["Fingerprint"] = "" }), "has no fingerprint"},
		{"a pool call in the user stage", edit(func(m map[string]any) { call(m, 0)["Stage"] = 2 }), "SetUserPoolMfaConfig in stage 2"},
		{"stages out of order", edit(func(m map[string]any) {
			c := calls(m)
			c[0], c[len(c)-1] = c[len(c)-1], c[0]
		}), "comes after stage 3 of the same pool"},
		{"OFF with a factor", edit(func(m map[string]any) {
			call(m, 0)["Request"].(map[string]any)["MfaConfiguration"] = "OFF"
		}), "MfaConfiguration OFF with an SMS, TOTP or email block"},
		{"a plantest.Secret in place of the marker", edit(func(m map[string]any) {
			req := call(m, 0)["Request"].(map[string]any)
			req["SmsMfaConfiguration"].(map[string]any)["SmsConfiguration"].(map[string]any)["ExternalId"] = "hunter2"
		}), "never carry secrets"},
		{"a plantest.Secret in a target's declared state", edit(func(m map[string]any) {
			cfg := m["Targets"].([]any)[0].(map[string]any)["DesiredConfig"].(map[string]any)
			cfg["SmsMfaConfiguration"].(map[string]any)["SmsConfiguration"].(map[string]any)["ExternalId"] = "hunter2"
		}), "never carry secrets"},
		{"a pool target without its declared state", edit(func(m map[string]any) {
			delete(m["Targets"].([]any)[0].(map[string]any), "DesiredConfig")
		}), "does not record what the files declare"},
		{"a user target without its declared state", edit(func(m map[string]any) {
			delete(m["Targets"].([]any)[1].(map[string]any), "DesiredSettings")
		}), "does not record what the files declare"},
		{"a failed plan", edit(func(m map[string]any) {
			m["Diagnostics"] = []any{map[string]any{"Severity": "error", "Summary": "x"}}
		}), "failed its checks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadAcceptsNewerMinorVersion(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	newer := strings.Replace(string(saved), `"FormatVersion": "`+FormatVersion+`"`, `"FormatVersion": "1.99"`, 1)
	if newer == string(saved) {
		t.Fatal("FormatVersion not found in the saved plan")
	}
	if _, err := Load(strings.NewReader(newer)); err != nil {
		t.Fatal(err)
	}
}

// Plan files of 1.1 (before Calls[].Uncertain) still load: the key is optional.
func TestLoadAcceptsOlderMinorVersion(t *testing.T) {
	_, _, _, saved := savedPlan(t)
	older := strings.Replace(string(saved), `"FormatVersion": "`+FormatVersion+`"`, `"FormatVersion": "1.1"`, 1)
	if older == string(saved) || strings.Contains(older, `"Uncertain"`) {
		t.Fatal("the saved plan is not a 1.1 plan once its version is changed")
	}
	p, err := Load(strings.NewReader(older))
	if err != nil {
		t.Fatal(err)
	}
	if p.FormatVersion != "1.1" || p.UncertainCalls() != 0 {
		t.Fatalf("loaded %s with %d uncertain calls", p.FormatVersion, p.UncertainCalls())
	}
}

func TestSaveRefusesFailedPlan(t *testing.T) {
	p := plan.Build(plantest.DesiredPool(state.PoolConfig{MfaConfiguration: state.ModeOn}), state.Live{}, plan.Options{})
	if err := Save(&bytes.Buffer{}, p); err == nil {
		t.Fatal("Save accepted a plan with errors")
	}
}

// Every scenario of fixtures/plans survives a plan file: it loads back to
// the same plan, is not stale against the live state it came from, gets
// its secrets back, and the file holds none.
func TestScenariosSurviveAPlanFile(t *testing.T) {
	t.Chdir("../..")
	for _, dir := range plantest.Scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			d, l, o := plantest.LoadScenario(t, dir)
			p := plan.Build(d, l, plan.Options{ResendWriteOnly: o.ResendWriteOnly})
			if p.Diagnostics.HasErrors() {
				return
			}
			var saved bytes.Buffer
			if err := Save(&saved, p); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(saved.String(), plantest.Secret) || strings.Contains(saved.String(), plantest.NewSecret) {
				t.Fatalf("a secret reached the plan file:\n%s", saved.String())
			}
			loaded, err := Load(bytes.NewReader(saved.Bytes()))
			if err != nil {
				t.Fatalf("Load(Save(plan)): %v", err)
			}
			if before, after := reviewable(t, p), reviewable(t, loaded); before != after {
				t.Fatalf("the plan changed through Save and Load:\nbefore %s\nafter %s", before, after)
			}
			if stale := plan.StaleTargets(loaded, l); len(stale) > 0 {
				t.Fatalf("a fresh plan is stale: %+v", stale)
			}
			if err := plan.CheckRebuild(loaded, l); err != nil {
				t.Fatalf("a fresh plan is not what its own desired state makes: %v", err)
			}
			if err := plan.ResolveSecrets(loaded, l, &d); err != nil {
				t.Fatal(err)
			}
			for i := range p.Calls {
				if got, want := extID(loaded.Calls[i].PoolRequest), extID(p.Calls[i].PoolRequest); got != want {
					t.Fatalf("call %d: resolved ExternalId differs from the planned one", i+1)
				}
			}
		})
	}
}

// A saved plan records the listings its policies' users came from, so
// that apply refuses it once the listing changed (but not when only its
// order did).
func TestSavedPlanRecordsSelectionsAndStaleListings(t *testing.T) {
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOptional, SmsMfaConfiguration: plantest.SmsOn(), SoftwareTokenMfaConfiguration: plantest.TotpOn(), EmailMfaConfiguration: plantest.EmailOn()}
	l := plantest.Live(cfg, plantest.WithUsers(plantest.LiveUser("ann", state.UserSettings{}), plantest.LiveUser("bob", state.UserSettings{})))
	pool := l.Pools[plantest.PoolID]
	pool.Selections = map[string]*state.LiveSelection{"everyone-email": {Usernames: []string{"ann", "bob"}}}
	d := plantest.DesiredPool(state.PoolConfig{})
	d.Pools[0].Policies = []state.Policy{{Name: "everyone-email", Select: state.Selection{AllUsers: true}, Settings: state.UserSettings{EmailMfaSettings: plantest.Enabled()},
		Ineligible: state.IneligibleReport, Pos: state.Pos{File: "mfa.yaml", Line: 40, Column: 9}, Path: "UserPools[0].Policies[0]"}}
	p := built(t, d, l, plan.Options{})
	var buf bytes.Buffer
	if err := Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded.Selections, p.Selections) || len(plan.StaleSelections(loaded, l)) != 0 {
		t.Fatalf("loaded selections %+v; stale %v", loaded.Selections, plan.StaleSelections(loaded, l))
	}
	if i := slices.IndexFunc(loaded.Calls, func(c plan.Call) bool { return c.Username == "ann" }); i < 0 || loaded.Calls[i].Policy != "everyone-email" {
		t.Errorf("a loaded call lost its policy: %+v", loaded.Calls)
	}
	pool.Selections["everyone-email"].Usernames = []string{"bob", "cem"}
	stale := plan.StaleSelections(loaded, l)
	if len(stale) != 1 || !slices.Equal(stale[0].Joined, []string{"cem"}) || !slices.Equal(stale[0].Left, []string{"ann"}) {
		t.Errorf("stale = %+v", stale)
	}
	pool.Selections["everyone-email"].Usernames = []string{"bob", "ann"}
	if stale := plan.StaleSelections(loaded, l); len(stale) != 0 {
		t.Errorf("reordered listing is stale: %+v", stale)
	}
}

// BenchmarkSave10kUsers saves the plan of plan's BenchmarkBuild10kUsers:
// one pool going OFF -> ON with 10,000 declared users, half to enrol in
// SMS and half already on TOTP.
func BenchmarkSave10kUsers(b *testing.B) {
	var declared []state.DesiredUser
	var lives []*state.LiveUser
	for i := range 10_000 {
		name := "user" + strconv.Itoa(i)
		if i%2 == 0 {
			declared = append(declared, plantest.User(name, state.UserSettings{SMSMfaSettings: plantest.Preferred()}))
			lives = append(lives, plantest.LiveUser(name, state.UserSettings{}))
		} else {
			declared = append(declared, plantest.User(name, state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()}))
			lives = append(lives, plantest.LiveUser(name, state.UserSettings{SoftwareTokenMfaSettings: plantest.Preferred()}))
		}
	}
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOn, SmsMfaConfiguration: plantest.SmsOn(), SoftwareTokenMfaConfiguration: plantest.TotpOn()}
	p := plan.Build(plantest.DesiredPool(cfg, declared...), plantest.Live(state.PoolConfig{MfaConfiguration: state.ModeOff}, plantest.WithUsers(lives...)), plan.Options{})
	b.ReportAllocs()
	for b.Loop() {
		_ = Save(io.Discard, p)
	}
}
