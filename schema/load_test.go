package schema

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

func ptr[T any](v T) *T { return &v }

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoadBytes(t *testing.T, content string) state.Desired {
	t.Helper()
	d, diags := LoadBytes("test.yaml", []byte(content))
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", render(diags))
	}
	return d
}

// The example from the issue that defined the format must load as written,
// and map onto the state types field by field.
func TestIssueExampleMapsOntoState(t *testing.T) {
	d := mustLoadBytes(t, `Version: 1
UserPools:
  - UserPoolId: eu-west-1_AbCdEf123      # required; the Region is the part before "_"
    MfaConfiguration: OPTIONAL            # OFF | ON | OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration:
      Enabled: true
      SmsAuthenticationMessage: "Your code is {####}"
      SmsConfiguration:
        SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
        ExternalId: prod-sms
        SnsRegion: eu-west-1
    EmailMfaConfiguration: {Enabled: false}   # when on: Message, Subject
    WebAuthnConfiguration:
      RelyingPartyId: auth.example.com
      UserVerification: preferred             # required | preferred
      FactorConfiguration: SINGLE_FACTOR      # or MULTI_FACTOR_WITH_USER_VERIFICATION
    Users:
      - Username: alice
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
        SMSMfaSettings: {Enabled: false}
        EmailMfaSettings: {Enabled: false}
        WebAuthnMfaSettings: {Enabled: false}
`)
	if len(d.Pools) != 1 {
		t.Fatalf("got %d pools, want 1", len(d.Pools))
	}
	p := d.Pools[0]
	wantConfig := state.PoolConfig{
		MfaConfiguration:              state.ModeOptional,
		SoftwareTokenMfaConfiguration: &state.SoftwareTokenMfaConfiguration{Enabled: true},
		SmsMfaConfiguration: &state.SmsMfaConfiguration{
			Enabled:                  true,
			SmsAuthenticationMessage: ptr("Your code is {####}"),
			SmsConfiguration: &state.SmsConfiguration{
				SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: "prod-sms", SnsRegion: "eu-west-1",
			},
		},
		EmailMfaConfiguration: &state.EmailMfaConfiguration{Enabled: false},
		WebAuthnConfiguration: &state.WebAuthnConfiguration{
			RelyingPartyId: ptr("auth.example.com"), UserVerification: ptr("preferred"), FactorConfiguration: ptr(state.SingleFactor),
		},
	}
	if !reflect.DeepEqual(p.Config, wantConfig) {
		t.Errorf("config:\n got %s\nwant %s", jsonOf(p.Config), jsonOf(wantConfig))
	}
	wantUser := state.DesiredUser{
		Username: "alice",
		Settings: state.UserSettings{
			SoftwareTokenMfaSettings: &state.FactorSettings{Enabled: true, PreferredMfa: true},
			SMSMfaSettings:           &state.FactorSettings{},
			EmailMfaSettings:         &state.FactorSettings{},
			WebAuthnMfaSettings:      &state.WebAuthnSettings{},
		},
		Pos:  state.Pos{File: "test.yaml", Line: 19, Column: 9},
		Path: "UserPools[0].Users[0]",
		Fields: []state.FieldPos{
			{Field: "Username", Line: 19, Column: 9},
			{Field: "SoftwareTokenMfaSettings", Line: 20, Column: 9},
			{Field: "SoftwareTokenMfaSettings.Enabled", Line: 20, Column: 36},
			{Field: "SoftwareTokenMfaSettings.PreferredMfa", Line: 20, Column: 51},
			{Field: "SMSMfaSettings", Line: 21, Column: 9},
			{Field: "SMSMfaSettings.Enabled", Line: 21, Column: 26},
			{Field: "EmailMfaSettings", Line: 22, Column: 9},
			{Field: "EmailMfaSettings.Enabled", Line: 22, Column: 28},
			{Field: "WebAuthnMfaSettings", Line: 23, Column: 9},
			{Field: "WebAuthnMfaSettings.Enabled", Line: 23, Column: 31},
		},
	}
	if len(p.Users) != 1 || !reflect.DeepEqual(p.Users[0], wantUser) {
		t.Errorf("users:\n got %+v\nwant %+v", p.Users, wantUser)
	}
	if got := wantUser.PosOf("SMSMfaSettings.Enabled"); got != (state.Pos{File: "test.yaml", Line: 21, Column: 26}) {
		t.Errorf("PosOf(SMSMfaSettings.Enabled) = %+v", got)
	}
	if got := wantUser.PosOf("SMSMfaSettings.PreferredMfa"); got != wantUser.Pos {
		t.Errorf("PosOf an undeclared field = %+v, want the user's position", got)
	}
	if p.UserPoolId != "eu-west-1_AbCdEf123" || p.Path != "UserPools[0]" || p.Pos != (state.Pos{File: "test.yaml", Line: 3, Column: 5}) {
		t.Errorf("pool identity: %q %q %+v", p.UserPoolId, p.Path, p.Pos)
	}
	for key, want := range map[string]state.Pos{
		"MfaConfiguration":                          {File: "test.yaml", Line: 4, Column: 5},
		"SmsMfaConfiguration":                       {File: "test.yaml", Line: 6, Column: 5},
		"SmsMfaConfiguration.Enabled":               {File: "test.yaml", Line: 7, Column: 7},
		"SmsMfaConfiguration.SmsConfiguration":      {File: "test.yaml", Line: 9, Column: 7},
		"WebAuthnConfiguration.FactorConfiguration": {File: "test.yaml", Line: 17, Column: 7},
	} {
		if got := p.FieldPos[key]; got != want {
			t.Errorf("FieldPos[%s] = %+v, want %+v", key, got, want)
		}
	}
	if _, ok := p.FieldPos["Users"]; ok {
		t.Error("FieldPos records Users, which is not a pool-level field")
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// An absent field or block is not managed: it stays nil, never a zero value.
func TestAbsentFieldsStayNil(t *testing.T) {
	d := mustLoadBytes(t, `Version: 1
UserPools:
  - UserPoolId: eu-west-1_AbCdEf123
    SmsMfaConfiguration: {Enabled: true}
    EmailMfaConfiguration: {Enabled: true, Subject: Your code}
    WebAuthnConfiguration: {UserVerification: required}
    Users:
      - Username: alice
      - Username: bob
        SMSMfaSettings: {Enabled: true}
`)
	c := d.Pools[0].Config
	if c.MfaConfiguration != state.ModeUnset || c.SoftwareTokenMfaConfiguration != nil {
		t.Errorf("absent pool fields were set: %s", jsonOf(c))
	}
	if c.SmsMfaConfiguration.SmsAuthenticationMessage != nil || c.SmsMfaConfiguration.SmsConfiguration != nil {
		t.Errorf("absent SMS fields were set: %s", jsonOf(c.SmsMfaConfiguration))
	}
	if c.EmailMfaConfiguration.Message != nil || *c.EmailMfaConfiguration.Subject != "Your code" {
		t.Errorf("email: %s", jsonOf(c.EmailMfaConfiguration))
	}
	if w := c.WebAuthnConfiguration; w.RelyingPartyId != nil || w.FactorConfiguration != nil || *w.UserVerification != "required" {
		t.Errorf("webauthn: %s", jsonOf(w))
	}
	if s := d.Pools[0].Users[0].Settings; !reflect.DeepEqual(s, state.UserSettings{}) {
		t.Errorf("alice declares no blocks but got %s", jsonOf(s))
	}
	if s := d.Pools[0].Users[1].Settings; s.SMSMfaSettings == nil || s.SoftwareTokenMfaSettings != nil {
		t.Errorf("bob: %s", jsonOf(s))
	}
}

// Every example loads without a single diagnostic, alone and all together.
func TestExamplesAreValid(t *testing.T) {
	t.Chdir("..")
	files, _ := filepath.Glob("fixtures/examples/*.yaml")
	if len(files) < 4 {
		t.Fatalf("only %d examples", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "# yaml-language-server: $schema=../../schema/mfactl.schema.json\n") {
			t.Errorf("%s does not start with the yaml-language-server schema line", f)
		}
		d, diags := Load([]string{f}, nil)
		if len(diags) > 0 {
			t.Errorf("%s:\n%s", f, render(diags))
		}
		for _, p := range d.Pools {
			if n := len(p.Users); n != 0 && (n < 2 || n > 6) {
				t.Errorf("%s: pool %s has %d users; examples have 2 to 6", f, p.UserPoolId, n)
			}
		}
	}
	r := Read([]string{"fixtures/examples"}, nil)
	if len(r.Diagnostics) > 0 {
		t.Fatalf("all examples together:\n%s", render(r.Diagnostics))
	}
	if len(r.Files) != len(files) {
		t.Errorf("read %d files from the directory, want %d", len(r.Files), len(files))
	}
}

// One pool may be spread over files: pool-level fields from one entry,
// users from all, in the order given.
func TestPoolSpreadOverFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a-users.yaml": "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Split1\n    Users:\n      - Username: ann\n        SoftwareTokenMfaSettings: {Enabled: true}\n",
		"b-pool.yaml":  "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Split1\n    MfaConfiguration: ON\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n",
		"c-users.yaml": "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Split1\n    Users:\n      - Username: cid\n        SoftwareTokenMfaSettings: {Enabled: true}\n---\nVersion: 1\nUserPools:\n  - UserPoolId: eu-west-1_Split1\n    Users:\n      - Username: dee\n",
	})
	r := Read([]string{dir}, nil)
	if len(r.Diagnostics) > 0 {
		t.Fatal(render(r.Diagnostics))
	}
	if len(r.Desired.Pools) != 1 {
		t.Fatalf("%d pools", len(r.Desired.Pools))
	}
	p := r.Desired.Pools[0]
	var names []string
	for _, u := range p.Users {
		names = append(names, u.Username)
	}
	if strings.Join(names, ",") != "ann,cid,dee" {
		t.Errorf("users %v", names)
	}
	if p.Config.MfaConfiguration != state.ModeOn || p.Pos.File != filepath.Join(dir, "b-pool.yaml") || p.Pos.Line != 3 {
		t.Errorf("pool-level fields must come from b-pool.yaml: %+v at %+v", p.Config, p.Pos)
	}
	if got := p.Users[2].Pos; got.File != filepath.Join(dir, "c-users.yaml") || got.Line != 12 {
		t.Errorf("dee is at %+v", got)
	}
}

func TestDirectoriesAreReadRecursivelyInSortedOrder(t *testing.T) {
	doc := "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_X%s\n"
	dir := writeFiles(t, map[string]string{
		"b.yaml":          strings.ReplaceAll(doc, "%s", "b"),
		"a.yml":           strings.ReplaceAll(doc, "%s", "a"),
		"sub/c.YAML":      strings.ReplaceAll(doc, "%s", "c"),
		"notes.txt":       "not YAML",
		"sub/deeper/d.md": "# not YAML",
	})
	r := Read([]string{dir, filepath.Join(dir, "b.yaml")}, nil)
	if len(r.Diagnostics) > 0 {
		t.Fatal(render(r.Diagnostics))
	}
	var rel []string
	for _, f := range r.Files {
		p, _ := filepath.Rel(dir, f)
		rel = append(rel, p)
	}
	if got := strings.Join(rel, " "); got != "a.yml b.yaml "+filepath.Join("sub", "c.YAML") {
		t.Errorf("files read: %s (b.yaml twice would be read once)", got)
	}
	var ids []string
	for _, p := range r.Desired.Pools {
		ids = append(ids, p.UserPoolId)
	}
	if strings.Join(ids, " ") != "eu-west-1_Xa eu-west-1_Xb eu-west-1_Xc" {
		t.Errorf("pools %v", ids)
	}
}

func TestStdin(t *testing.T) {
	in := strings.NewReader("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Stdin\n    MfaConfiguration: of\n")
	r := Read([]string{"-", "-"}, in)
	if len(r.Files) != 1 || r.Files[0] != StdinName {
		t.Errorf("files %v", r.Files)
	}
	want := `<stdin>:4:23: error: UserPools[0].MfaConfiguration: unknown MfaConfiguration "of"; did you mean OFF? allowed: OFF, ON, OPTIONAL (in capitals)` + "\n"
	if got := render(r.Diagnostics); got != want {
		t.Errorf("got  %swant %s", got, want)
	}
}

func TestMissingInputs(t *testing.T) {
	dir := t.TempDir()
	_, diags := Load([]string{filepath.Join(dir, "nope.yaml")}, nil)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "nope.yaml: no such file or directory") {
		t.Errorf("got %s", render(diags))
	}
	_, diags = Load(nil, nil)
	if !diags.HasErrors() {
		t.Error("no inputs must be an error")
	}
}

// countingReader counts what is read from an endless input.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	r.n += int64(len(p))
	return len(p), nil
}

// A 50 MB input on stdin is refused after reading one byte past the limit,
// so memory stays bounded whatever arrives.
func TestLargeStdinIsCutOffAtTheLimit(t *testing.T) {
	src := &countingReader{}
	in := io.LimitReader(src, 50<<20)
	_, diags := Load([]string{"-"}, in)
	if len(diags) != 1 || diags[0].Summary != "input is larger than 10 MiB, more than the limit of 10 MiB" {
		t.Fatalf("got %s", render(diags))
	}
	if src.n > MaxFileSize+64<<10 {
		t.Errorf("read %d bytes of a 50 MB input; the limit is %d", src.n, MaxFileSize)
	}
	if _, diags := LoadBytes("big.yaml", make([]byte, MaxFileSize+1)); len(diags) != 1 || !strings.Contains(diags[0].Summary, "more than the limit") {
		t.Errorf("LoadBytes: %s", render(diags))
	}
}

// A byte-order mark and Windows line endings change nothing, positions
// included.
func TestBOMAndCRLFAreAccepted(t *testing.T) {
	plain := "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbCdEf123\n    MfaConfiguration: ON\n    SoftwareTokenMfaConfiguration: {Enabled: true}\n    Users:\n      - Username: alice\n        SoftwareTokenMfaSettings: {Enabled: true}\n"
	want := mustLoadBytes(t, plain)
	got := mustLoadBytes(t, "\ufeff"+strings.ReplaceAll(plain, "\n", "\r\n"))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BOM+CRLF:\n got %+v\nwant %+v", got, want)
	}
}

// Anchors and aliases of whole values are allowed and expand to the same
// state as writing the values out.
func TestAliasesExpand(t *testing.T) {
	aliased := mustLoadBytes(t, `Version: 1
UserPools:
  - UserPoolId: eu-west-1_AbCdEf123
    Users:
      - Username: alice
        SoftwareTokenMfaSettings: &totp {Enabled: true, PreferredMfa: true}
      - Username: bob
        SoftwareTokenMfaSettings: *totp
`)
	s := aliased.Pools[0].Users[1].Settings.SoftwareTokenMfaSettings
	if s == nil || !s.Enabled || !s.PreferredMfa {
		t.Errorf("bob's aliased settings: %+v", s)
	}
	if aliased.Pools[0].Users[0].Settings.SoftwareTokenMfaSettings == s {
		t.Error("aliased users share one settings value; a later change to one would change both")
	}
}

// Warnings do not make a file invalid.
func TestWarnings(t *testing.T) {
	_, diags := LoadBytes("w.yaml", []byte(`Version: 1
UserPools:
  - UserPoolId: us-east-1_Retail7SMS
    MfaConfiguration: OPTIONAL
    SoftwareTokenMfaConfiguration: {Enabled: true}
    SmsMfaConfiguration:
      Enabled: false
      SmsAuthenticationMessage: "Your code is {####}"
    Users:
      - Username: Maria
      - Username: maria
`))
	want := `w.yaml:8:7: warning: UserPools[0].SmsMfaConfiguration.SmsAuthenticationMessage: SmsAuthenticationMessage has no effect while SMS MFA is disabled; mfactl sends no settings for a disabled factor; set Enabled: true or remove SmsAuthenticationMessage
w.yaml:11:9: warning: UserPools[0].Users[1]: user maria differs from Maria (w.yaml:10:9) only in case; in a pool with case-insensitive usernames, Cognito's default, both name the same user; declare it once
`
	if got := render(diags); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if diags.HasErrors() {
		t.Error("warnings only, but HasErrors")
	}
}

// A repeated username is an error at the repeat, naming the first
// declaration of that exact name; a name that differs only in case from an
// earlier one is a warning naming the first of its case-folded name.
func TestRepeatedAndCaseVariantUsernames(t *testing.T) {
	d, diags := LoadBytes("u.yaml", []byte(`Version: 1
UserPools:
  - UserPoolId: us-east-1_Retail7SMS
    Users:
      - Username: maria
      - Username: Maria
      - Username: Maria
      - Username: maria
      - Username: MARIA
`))
	want := `u.yaml:6:9: warning: UserPools[0].Users[1]: user Maria differs from maria (u.yaml:5:9) only in case; in a pool with case-insensitive usernames, Cognito's default, both name the same user; declare it once
u.yaml:7:9: error: UserPools[0].Users[2]: user Maria is already declared for us-east-1_Retail7SMS at u.yaml:6:9; declare each user once per pool
u.yaml:8:9: error: UserPools[0].Users[3]: user maria is already declared for us-east-1_Retail7SMS at u.yaml:5:9; declare each user once per pool
u.yaml:9:9: warning: UserPools[0].Users[4]: user MARIA differs from maria (u.yaml:5:9) only in case; in a pool with case-insensitive usernames, Cognito's default, both name the same user; declare it once
`
	if got := render(diags); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	var names []string
	for _, u := range d.Pools[0].Users {
		names = append(names, u.Username)
	}
	if strings.Join(names, ",") != "maria,Maria,MARIA" {
		t.Errorf("users = %v, want each name once", names)
	}
}

// Rules that need live state are left to the plan: a user's WebAuthn with
// other factors unmanaged, ON with a factor unmanaged, a user factor whose
// pool block is unmanaged.
func TestRulesDecideOnlyWhatTheFilesDecide(t *testing.T) {
	mustLoadBytes(t, `Version: 1
UserPools:
  - UserPoolId: eu-central-1_Pass4Keys
    MfaConfiguration: ON
    SmsMfaConfiguration: {Enabled: false}
    EmailMfaConfiguration: {Enabled: false}
    Users:
      - Username: noah
        SMSMfaSettings: {Enabled: false}
        WebAuthnMfaSettings: {Enabled: true}
      - Username: emma
        EmailMfaSettings: {Enabled: false}
        SoftwareTokenMfaSettings: {Enabled: true, PreferredMfa: true}
  - UserPoolId: eu-central-1_Other
    MfaConfiguration: OFF
    WebAuthnConfiguration: {FactorConfiguration: SINGLE_FACTOR}
`)
}

// ExternalId is secret: no diagnostic repeats it, however it is wrong.
func TestSecretsNeverInDiagnostics(t *testing.T) {
	const secret = "s3cr3t-424242"
	for _, value := range []string{secret, `"` + secret + `"`, "[" + secret + "]", "{x: " + secret + "}", "424242",
		"!!int " + secret, "!!bool " + secret, "!!float " + secret, "!!int 424242e999999", "!custom " + secret} {
		_, diags := LoadBytes("s.yaml", []byte(`Version: 1
UserPools:
  - UserPoolId: us-east-1_Retail7SMS
    SmsMfaConfiguration:
      Enabled: false
      SmsConfiguration:
        SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
        ExternalId: `+value+`
        ExternalID: `+value+`
`))
		out, _ := json.Marshal(diags)
		if strings.Contains(string(out), "424242") {
			t.Errorf("ExternalId %s leaked into diagnostics: %s", value, render(diags))
		}
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	t.Chdir("..")
	inputs := []string{"fixtures/invalid/schema-many-faults.yaml", "fixtures/invalid/multi-duplicate-user", "fixtures/examples"}
	d1, l1 := Load(inputs, nil)
	for range 3 {
		d2, l2 := Load(inputs, nil)
		if !reflect.DeepEqual(d1, d2) || !reflect.DeepEqual(l1, l2) {
			t.Fatal("two loads of the same inputs differ")
		}
	}
}

func TestClosest(t *testing.T) {
	options := []string{"MfaConfiguration", "SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration", "Users"}
	for word, want := range map[string]string{
		"SmsMfaConfig":           "SmsMfaConfiguration",
		"smsmfaconfiguration":    "SmsMfaConfiguration",
		"EmailMfaConfigration":   "EmailMfaConfiguration",
		"User":                   "Users",
		"Enabled":                "",
		"Foo":                    "",
		strings.Repeat("x", 100): "",
	} {
		if got := closest(word, options); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
}

// Every field in the schema explains itself, so editors can show help.
func TestEveryFieldHasADescription(t *testing.T) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, sub := range props {
				if d, _ := sub.(map[string]any)["description"].(string); len(d) < 20 {
					t.Errorf("%s.%s has no useful description", path, name)
				}
			}
		}
		for k, sub := range m {
			walk(path+"/"+k, sub)
		}
	}
	walk("", rawSchema())
}

func TestJSONIsTheCommittedSchema(t *testing.T) {
	file, err := os.ReadFile("mfactl.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(JSON()) != string(file) {
		t.Error("JSON() differs from schema/mfactl.schema.json")
	}
	var v map[string]any
	if err := json.Unmarshal(JSON(), &v); err != nil || v["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("not a draft 2020-12 schema: %v", err)
	}
	JSON()[0] = 'x' // callers cannot corrupt the embedded copy
	if JSON()[0] != '{' {
		t.Error("JSON() hands out the embedded bytes")
	}
	_ = compiled() // panics if the embedded schema does not compile
}

// diagnostics of the schema layer all carry a position inside the file.
func TestDiagnosticsHavePositions(t *testing.T) {
	t.Chdir("..")
	files, _ := filepath.Glob("fixtures/invalid/schema-*.yaml")
	for _, f := range files {
		_, diags := Load([]string{f}, nil)
		for _, d := range diags {
			if d.Pos.File != f || d.Pos.Line < 1 || d.Pos.Column < 1 || d.Path == "" && d.Severity == diag.Error && !strings.HasPrefix(d.Summary, "the document") && !strings.HasPrefix(d.Summary, "missing required field") {
				t.Errorf("%s: diagnostic without a full position or path: %s", f, d)
			}
		}
	}
}

// Errors of all three layers are collected in one pass: a schema fault in
// one user or in the pool-level fields does not hide the rule faults of
// the parts that are sound.
func TestAllLayersReportTogether(t *testing.T) {
	_, diags := LoadBytes("t.yaml", []byte(`Version: 1
UserPools:
  - UserPoolId: eu-west-1_AbCdEf123
    MfaConfig: ON
    Users:
      - Username: alice
        SoftwareTokenMfaSettings: {Enabled: yes}
      - Username: bob
        SoftwareTokenMfaSettings: {Enabled: false, PreferredMfa: true}
  - UserPoolId: eu-west-1_Other1
    MfaConfiguration: OFF
    SmsMfaConfiguration: {Enabled: true}
`))
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d %s", d.Pos.Line, d.Path))
	}
	want := []string{
		"4 UserPools[0].MfaConfig",
		"7 UserPools[0].Users[0].SoftwareTokenMfaSettings.Enabled",
		"9 UserPools[0].Users[1].SoftwareTokenMfaSettings.PreferredMfa",
		"12 UserPools[1].SmsMfaConfiguration.Enabled",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Desired-state files as people write them (block and flow mappings,
// comments, quoting, several documents, non-ASCII names) read without a
// YAML diagnostic.
func TestFilesAsPeopleWriteThemRead(t *testing.T) {
	for _, c := range []string{
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n        SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n",
		"Version: 1\nUserPools:\n- UserPoolId: eu-west-1_AbC\n  Users:\n  - Username: alice\n    SoftwareTokenMfaSettings:\n      Enabled: true\n      PreferredMfa: false\n",
		"# managed by mfactl\n---\nVersion: 1 # the format\n\nUserPools:\n  # the pool\n  - UserPoolId: 'eu-west-1_AbC'\n    MfaConfiguration: \"ON\"\n    Users: []\n---\nVersion: 1\nUserPools: [{UserPoolId: us-east-1_X, Users: [{Username: bob}]}]\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    SmsMfaConfiguration:\n      Enabled: true\n      SmsAuthenticationMessage: 'Your code is {####}'\n      SmsConfiguration: {SnsCallerArn: \"arn:aws:iam::123456789012:role/sms\", ExternalId: 'it''s'}\n    EmailMfaConfiguration: {}\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - {Username: jörg.müller, EmailMfaSettings: {Enabled: true}, SMSMfaSettings: {Enabled: false}}\n      - Username: \"ünïcödé\"   \n        WebAuthnMfaSettings: {Enabled: True}\n",
		"  Version: 1\n  UserPools:\n    -   UserPoolId: a_b\n        Users:\n        -   Username: x\n",
		string(largePool(50)),
	} {
		docs, diags := parseFile("f.yaml", []byte(c), nil)
		if len(diags) > 0 || len(docs) == 0 {
			t.Errorf("%d documents, diagnostics %v:\n%s", len(docs), diags, c)
		}
	}
}

// One invalid user among valid ones is found, whatever is wrong with it.
func TestOneInvalidUserAmongValidOnesIsFound(t *testing.T) {
	for _, c := range []string{
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - Username: bob\n      - Username: has space\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - Username: 12\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - {Username: bob, SMSMfaSettings: {Enabled: yes}}\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - {Username: bob, Foo: 1}\n      - alice\n",
		"Version: 2\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n",
	} {
		if _, diags := LoadBytes("f.yaml", []byte(c)); !diags.HasErrors() {
			t.Errorf("no error for:\n%s", c)
		}
	}
}
