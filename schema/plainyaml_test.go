package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// yamlV3Roots is what parseFile takes from yaml.v3: the content node of
// each document that is not empty.
func yamlV3Roots(data []byte) ([]*yaml.Node, error) {
	var roots []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := decodeSafely(dec, &n)
		if errors.Is(err, io.EOF) {
			return roots, nil
		}
		if err != nil {
			return nil, err
		}
		if !isEmptyDocument(&n) {
			roots = append(roots, n.Content[0])
		}
	}
}

// treeDiff describes the first difference between two node trees in what
// mfactl reads of them (comments are not read), or returns "".
func treeDiff(path string, a, b *yaml.Node) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || (a.Alias == nil) != (b.Alias == nil) || len(a.Content) != len(b.Content) ||
		(a.Content == nil) != (b.Content == nil) {
		return fmt.Sprintf("%s: plain {Kind:%d Tag:%s Value:%q Style:%d %d:%d Content:%d}, yaml.v3 {Kind:%d Tag:%s Value:%q Style:%d %d:%d Content:%d}",
			path, a.Kind, a.Tag, a.Value, a.Style, a.Line, a.Column, len(a.Content), b.Kind, b.Tag, b.Value, b.Style, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := treeDiff(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// checkPlain holds parsePlain to its promise on data: whatever it accepts,
// yaml.v3 reads as the same trees, in which the converter finds nothing
// wrong.
func checkPlain(t *testing.T, data []byte) (accepted bool) {
	t.Helper()
	if _, ok, plain := checkText("f.yaml", data); !ok || !plain || bytes.HasPrefix(data, utf16BOMBE) || bytes.HasPrefix(data, utf16BOMLE) {
		return false // parseFile stops before parsing, or goes to yaml.v3
	}
	roots, ok := parsePlain(data, nil)
	if !ok {
		return false
	}
	want, err := yamlV3Roots(data)
	if err != nil {
		t.Fatalf("parsePlain accepted what yaml.v3 refuses (%v):\n%s", err, data)
	}
	if len(roots) != len(want) {
		t.Fatalf("parsePlain read %d documents, yaml.v3 %d:\n%s", len(roots), len(want), data)
	}
	for i := range roots {
		if d := treeDiff(fmt.Sprint(i), roots[i], want[i]); d != "" {
			t.Fatalf("trees differ at %s\n%s", d, data)
		}
		doc := &document{file: "f.yaml", root: roots[i]}
		if diags := doc.convert(); len(diags) > 0 {
			t.Fatalf("the converter reports %v on a plain tree:\n%s", diags, data)
		}
		valid := compiled().Validate(doc.value) == nil
		if quick := validPlain(&document{file: "f.yaml", root: roots[i], plain: true}); quick != valid {
			t.Fatalf("validPlain = %v, the full validation finds the document valid: %v\n%s", quick, valid, data)
		}
	}
	return true
}

// plainCases are written the ways people write desired-state files; the
// plain parser must take every one, as yaml.v3 reads it.
var plainCases = []string{
	"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n        SMSMfaSettings: {Enabled: true, PreferredMfa: true}\n",
	"Version: 1\nUserPools:\n- UserPoolId: eu-west-1_AbC\n  Users:\n  - Username: alice\n    SoftwareTokenMfaSettings:\n      Enabled: true\n      PreferredMfa: false\n",
	"# managed by mfactl\n---\nVersion: 1 # the format\n\nUserPools:\n  # the pool\n  - UserPoolId: 'eu-west-1_AbC'\n    MfaConfiguration: \"ON\"\n    Users: []\n---\nVersion: 1\nUserPools: [{UserPoolId: us-east-1_X, Users: [{Username: bob}]}]\n",
	"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    SmsMfaConfiguration:\n      Enabled: true\n      SmsAuthenticationMessage: 'Your code is {####}'\n      SmsConfiguration: {SnsCallerArn: \"arn:aws:iam::123456789012:role/sms\", ExternalId: 'it''s'}\n    EmailMfaConfiguration: {}\n",
	"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    SmsMfaConfiguration:\n      SmsConfiguration:\n        SnsCallerArn: arn:aws:iam::123456789012:role/sms\n",
	"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - {Username: jörg.müller, EmailMfaSettings: {Enabled: true}, SMSMfaSettings: {Enabled: false}}\n      - Username: \"ünïcödé\"   \n        WebAuthnMfaSettings: {Enabled: True}\n",
	"  Version: 1\n  UserPools:\n    -   UserPoolId: a_b\n        Users:\n        -   Username: x\n",
}

func TestPlainParserReadsDesiredStateFilesAsYAMLv3Does(t *testing.T) {
	for _, c := range plainCases {
		if !checkPlain(t, []byte(c)) {
			t.Errorf("parsePlain gave up on:\n%s", c)
		}
	}
	if !checkPlain(t, largePool(50)) {
		t.Error("parsePlain gave up on the benchmark's file")
	}
}

// notPlainCases are left to yaml.v3: some are YAML the plain parser does
// not read, some are not YAML at all.
var notPlainCases = []string{
	"", "# only a comment\n", "Version: 1\nUserPools: &p []\n", "a: *p\n", "a: !!str 1\n", "a: |\n  text\n",
	"a: b\n  c\n", "a:\n", "a: ~\n", "a: null\n", "a: 1.5\n", "a: 0x10\n", "a: 012\n", "a: -1\n", "a: 2024-01-01\n",
	"a: 1\na: 2\n", "{a: 1}\n", "- a\n", "a: {b: 1,}\n", "a: {b: 1\n", "a: [1, 2\n", "a:\tb\n", "a: b\r\n", "a: b\u2028c\n",
	"a: \"b\\nc\"\n", "a: 'b\n  c'\n", "<<: {a: 1}\n", "a: b: c\n", "a:b\n", "a : b\n", "? a\n: b\n", "a: b #c\n  d: e\n",
	"a:\n  - - b\n", "a:\n  -\n    b: c\n", "a:\n    b: 1\n  c: 2\n", "a: {b: c: d}\n", "a: [b, {c: d, c: e}]\n",
	"a: b\n...\n", "%YAML 1.2\n---\na: b\n", "--- a: b\n", "a: b\n- c\n", "a: 'x'y\n", "a: {b}\n", "a: [b c: d]\n",
}

func TestPlainParserLeavesTheRestToYAMLv3(t *testing.T) {
	for _, c := range notPlainCases {
		if checkPlain(t, []byte(c)) {
			t.Errorf("parsePlain read, but should leave to yaml.v3:\n%s", c)
		}
	}
}

// FuzzPlainYAML holds the plain parser to yaml.v3 on arbitrary input:
// go test ./schema -run '^$' -fuzz FuzzPlainYAML.
func FuzzPlainYAML(f *testing.F) {
	for _, c := range append(plainCases, notPlainCases...) {
		f.Add([]byte(c))
	}
	for _, pattern := range []string{"../fixtures/examples/*.yaml", "../fixtures/invalid/*.yaml", "../fixtures/invalid/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !strings.Contains(string(data), "\x00") {
			checkPlain(t, data)
		}
	})
}

// TestUserFormsAreValidatedOnce checks what validPlain relies on: that a
// Users list constrains only each user on its own, and that a user's
// validity is that of each of its fields on its own, with nothing relating
// Username to another field.
func TestUserFormsAreValidatedOnce(t *testing.T) {
	only := func(ptr string, allowed ...string) {
		t.Helper()
		sch := schemaAt(ptr)
		if sch == nil {
			t.Fatalf("no schema at %s", ptr)
		}
		for k := range sch {
			if !slices.Contains(allowed, k) {
				t.Errorf("%s has %q: validPlain, which validates one user of each form, must learn about it", ptr, k)
			}
		}
	}
	only("/$defs/UserPool/properties/Users", "description", "type", "items")
	if ref := schemaAt("/$defs/UserPool/properties/Users/items")["$ref"]; ref != "#/$defs/User" {
		t.Errorf("Users items are %v, not #/$defs/User", ref)
	}
	only("/$defs/User", "description", "type", "required", "additionalProperties", "properties")
	only("/$defs/User/properties/Username", "description", "type", "minLength", "maxLength", "pattern")

	// validUsername reads the pattern as one class of characters, repeated.
	if pattern, _ := schemaAt("/$defs/User/properties/Username")["pattern"].(string); !regexp.MustCompile(`^\^\[[^\]]+\]\+\$$`).MatchString(pattern) {
		t.Errorf("the Username pattern %q is not one character class repeated: validUsername must learn it", pattern)
	}

	// And the part that is validated per user says what the whole does.
	names := []string{"alice", "", strings.Repeat("x", 128), strings.Repeat("x", 129), "has space", "ok@example.com", "jörg", "tab\tx", "\u00a0", "a\x7f"}
	for c := range 128 {
		names = append(names, string(rune(c)), "a"+string(rune(c))+"b")
	}
	for _, name := range names {
		if fast, slow := validUsername(name), usernameSchema().Validate(name) == nil; fast != slow {
			t.Errorf("Username %q: validUsername %v, the schema %v", name, fast, slow)
		}
		whole := compiled().Validate(map[string]any{"Version": json.Number("1"), "UserPools": []any{
			map[string]any{"UserPoolId": "eu-west-1_AbC", "Users": []any{map[string]any{"Username": name}}}}}) == nil
		if part := usernameSchema().Validate(name) == nil; part != whole {
			t.Errorf("Username %q: valid alone %v, in a document %v", name, part, whole)
		}
	}
}

func TestValidPlainFindsWhatTheFullValidationFinds(t *testing.T) {
	for _, c := range []string{
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - Username: bob\n      - Username: has space\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - Username: 12\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - {Username: bob, SMSMfaSettings: {Enabled: yes}}\n",
		"Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n    Users:\n      - Username: alice\n      - {Username: bob, Foo: 1}\n      - alice\n",
		"Version: 2\nUserPools:\n  - UserPoolId: eu-west-1_AbC\n",
	} {
		if !checkPlain(t, []byte(c)) {
			t.Errorf("parsePlain gave up on:\n%s", c)
		}
		if _, diags := LoadBytes("f.yaml", []byte(c)); !diags.HasErrors() {
			t.Errorf("no error for:\n%s", c)
		}
	}
}
