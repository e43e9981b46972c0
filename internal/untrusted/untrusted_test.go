package untrusted

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestRedactHidesWhatTheSDKQuotes(t *testing.T) {
	// The SDK's own wording when a credential_process prints a truncated
	// document (reproduced with aws-sdk-go-v2's process provider).
	sdk := `reading live state: GetUserPoolMfaConfig pool us-west-2_Partners3: get identity: get credentials: failed to refresh cached credentials, process provider error: parse failed of process output: {"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "wJalrSUPERSECRETKEY", "SessionToken": "tok, error: unexpected end of JSON input`
	for _, tc := range []struct{ in, secret, keep string }{
		{sdk, "wJalrSUPERSECRETKEY", "unexpected end of JSON input"},
		{sdk, "tok,", "parse failed of process output: (hidden"},
		{`{"SecretAccessKey":"abc/def+ghi"}`, "abc/def+ghi", "SecretAccessKey"},
		{`aws_secret_access_key = s3cr3t`, "s3cr3t", "aws_secret_access_key"},
		{`"SessionToken": "IQoJb3JpZ2luX2VjE`, "IQoJb3JpZ2luX2VjE", "SessionToken"},
		{`ExternalId=hunter2 rejected`, "hunter2", "rejected"},
	} {
		got := Redact(tc.in)
		if strings.Contains(got, tc.secret) || !strings.Contains(got, tc.keep) {
			t.Errorf("Redact(%q) = %q; want %q hidden and %q kept", tc.in, got, tc.secret, tc.keep)
		}
	}
	if plain := "AdminGetUser pool eu-west-1_A user alice: connection refused"; Redact(plain) != plain {
		t.Errorf("Redact changed a message without secrets: %q", Redact(plain))
	}
}

func TestErrorEscapesControlsAndBidi(t *testing.T) {
	got := Error(errors.New("unknown key \"x\n::error file=prod.yaml::forged\x1b[2J\u202etxt.exe\""))
	if strings.ContainsAny(got, "\x1b\u202e") || !strings.Contains(got, `\x1b[2J`) || !strings.Contains(got, `\u202e`) {
		t.Fatalf("SafeError = %q", got)
	}
	if Name("x\n::error::forged") != `"x\n::error::forged"` || Name("alice.nguyen") != "alice.nguyen" {
		t.Fatalf("Quote: %s %s", Name("x\n::error::forged"), Name("alice.nguyen"))
	}
}

// A credential_process that prints text before its JSON: the SDK quotes
// all of it, and all of it is dropped, raw lines and AccessKeyId included
// (red-team item 18.7).
func TestRedactDropsACredentialProcessOutputWhole(t *testing.T) {
	sdk := "get credentials: process provider error: parse failed of process output: loading profile, error: none\n\x1b[31mforged line\n{\"Version\": 1, \"AccessKeyId\": \"AKIAEXAMPLEKEY\", \"SecretAccessKey\": \"s3cr3t\"}, error: invalid character 'l' looking for beginning of value"
	got := Error(errors.New(sdk))
	for _, leak := range []string{"AKIAEXAMPLEKEY", "s3cr3t", "forged line", "loading profile", "\n", "\x1b"} {
		if strings.Contains(got, leak) {
			t.Errorf("Error shows %q: %q", leak, got)
		}
	}
	if !strings.Contains(got, "process output: (hidden: it may hold credentials), error: invalid character 'l'") {
		t.Errorf("Error = %q", got)
	}
	if got := Redact(`"AccessKeyId": "AKIAEXAMPLEKEY"`); strings.Contains(got, "AKIAEXAMPLEKEY") {
		t.Errorf("Redact = %q", got)
	}
}

// Names that GitHub's runner would take for workflow commands, and cells a
// spreadsheet would take for formulas, are neutralised for each output
// kind (red-team item 18.3); plain names are left alone.
func TestEachOutputKindNeutralisesWhatItMust(t *testing.T) {
	for _, name := range []string{"##[stop-commands]x", "::stop-commands::x", "a::error::b", "x\n::error::y"} {
		got := Name(name)
		if strings.Contains(got, "##[") || strings.HasPrefix(got, "::") || strings.Contains(got, "\n") {
			t.Errorf("Name(%q) = %s", name, got)
		}
		if back, err := strconv.Unquote(got); err != nil || back != name {
			t.Errorf("Name(%q) = %s does not read back: %q %v", name, got, back, err)
		}
	}
	for _, text := range []string{"user ##[stop-commands]x refused", "::warning::forged", "ok\n  ::error::forged"} {
		got := Text(text)
		for _, line := range strings.Split(got, "\n") {
			if strings.Contains(line, "##[") || strings.HasPrefix(strings.TrimLeft(line, " "), "::") {
				t.Errorf("Text(%q) = %q", text, got)
			}
		}
	}
	if got := Markdown("@octocat <b>"); strings.Contains(got, "@octocat") || strings.Contains(got, "<b>") {
		t.Errorf("Markdown = %q", got)
	}
	for _, cell := range []string{`=HYPERLINK("http://x")`, "+cmd|'/c'!A0", "@SUM(1+1)", "-2+3", "\t=1"} {
		if got := CSV(cell); got != "'"+cell {
			t.Errorf("CSV(%q) = %q", cell, got)
		}
	}
	for _, plain := range []string{"alice.nguyen", "jörg", "a-b", "x:y"} {
		if Name(plain) != plain || Text(plain) != plain || CSV(plain) != plain {
			t.Errorf("%q was changed: %s %s %s", plain, Name(plain), Text(plain), CSV(plain))
		}
	}
}

// Whatever is written, and however it is split into writes, no "##[" gets
// through, and JSON stays JSON with the same value.
func TestNoCommandsBreaksEveryCommandPrefix(t *testing.T) {
	doc := `{"Username":"##[stop-commands]x","Other":"a##[b"}`
	for split := range len(doc) + 1 {
		var b strings.Builder
		w := NoCommands(&b)
		w.Write([]byte(doc[:split]))
		w.Write([]byte(doc[split:]))
		if strings.Contains(b.String(), "##[") {
			t.Fatalf("split at %d: %s", split, b.String())
		}
		var v map[string]string
		if err := json.Unmarshal([]byte(b.String()), &v); err != nil || v["Username"] != "##[stop-commands]x" || v["Other"] != "a##[b" {
			t.Fatalf("split at %d: %s decodes to %v (%v)", split, b.String(), v, err)
		}
	}
}
