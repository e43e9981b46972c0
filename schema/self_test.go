package schema

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
)

func TestSelfLoadsAsAUserEntryWithoutUsername(t *testing.T) {
	d := mustLoadBytes(t, `Version: 1
Self:
  UserPoolId: eu-west-1_Pinned1
  SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
  SMSMfaSettings: {Enabled: false}
`)
	if len(d.Pools) != 0 || d.Self == nil {
		t.Fatalf("desired = %+v", d)
	}
	s := d.Self
	if s.UserPoolId != "eu-west-1_Pinned1" || s.Username != "" || s.Path != "Self" ||
		*s.Settings.SoftwareTokenMfaSettings != (state.FactorSettings{Enabled: true, PreferredMfa: true}) ||
		*s.Settings.SMSMfaSettings != (state.FactorSettings{}) || s.Settings.EmailMfaSettings != nil {
		t.Fatalf("self = %+v", s)
	}
	if pos := s.PosOf("SMSMfaSettings"); pos.Line != 5 || pos.Column != 3 {
		t.Fatalf("SMSMfaSettings at %+v", pos)
	}
	r := d.ResolveSelf("eu-west-1_Pinned1", "alice")
	if len(r.Pools) != 1 || !r.Pools[0].Self || r.Pools[0].UserPoolId != "eu-west-1_Pinned1" || r.Pools[0].Users[0].Username != "alice" || r.Self != nil {
		t.Fatalf("resolved = %+v", r)
	}
}

func TestSelfAndPoolsInOneRunAreRefused(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"me.yaml":    "Version: 1\nSelf:\n  SMSMfaSettings: {Enabled: true}\n",
		"again.yaml": "Version: 1\nSelf:\n  SMSMfaSettings: {Enabled: false}\n",
		"pool.yaml":  "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Abc\n",
	})
	_, diags := Load([]string{filepath.Join(dir, "me.yaml"), filepath.Join(dir, "pool.yaml")}, nil)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "Self cannot be planned together with UserPools (eu-west-1_Abc") {
		t.Fatalf("diags = %s", render(diags))
	}
	_, diags = Load([]string{filepath.Join(dir, "me.yaml"), filepath.Join(dir, "again.yaml")}, nil)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "Self is already declared at") {
		t.Fatalf("diags = %s", render(diags))
	}
}

func TestLegacyFieldsLoad(t *testing.T) {
	d := mustLoadBytes(t, `Version: 1
UserPools:
  - UserPoolId: eu-west-1_Legacy01
    LegacyMfaOptions: Migrate
    MfaConfiguration: OPTIONAL
    SmsMfaConfiguration: {Enabled: true}
    Users:
      - Username: cleared
        MFAOptions: []
      - Username: untouched
`)
	p := d.Pools[0]
	if p.LegacyMfaOptions != state.LegacyMigrate || p.FieldPos["LegacyMfaOptions"].Line != 4 || p.Config.MfaConfiguration != state.ModeOptional {
		t.Fatalf("pool = %+v", p)
	}
	if o := p.Users[0].MFAOptions; o == nil || len(*o) != 0 {
		t.Fatalf("cleared: %v", o)
	}
	if p.Users[1].MFAOptions != nil {
		t.Fatalf("untouched: %v", *p.Users[1].MFAOptions)
	}
	// LegacyMfaOptions may stand in an entry of its own, once per pool.
	dir := writeFiles(t, map[string]string{
		"a.yaml": "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_L2\n    MfaConfiguration: OFF\n  - UserPoolId: eu-west-1_L2\n    LegacyMfaOptions: Migrate\n",
		"b.yaml": "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_L2\n    LegacyMfaOptions: Migrate\n",
	})
	d, diags := Load([]string{filepath.Join(dir, "a.yaml")}, nil)
	if diags.HasErrors() || d.Pools[0].LegacyMfaOptions != state.LegacyMigrate || d.Pools[0].Config.MfaConfiguration != state.ModeOff {
		t.Fatalf("a.yaml: %+v %s", d, render(diags))
	}
	_, diags = Load([]string{dir}, nil)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "LegacyMfaOptions of eu-west-1_L2 is already set at") {
		t.Fatalf("diags = %s", render(diags))
	}
}
