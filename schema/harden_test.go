package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/diag"
)

const onePool = "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Abc\n"

func errorsOf(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		if d.Severity == diag.Error {
			b.WriteString(d.String() + "\n")
		}
	}
	return b.String()
}

// One long string and many aliases to it: bounded by the bytes they add,
// not only by their number.
func TestAliasesOfALongStringAreBoundedByTheirSize(t *testing.T) {
	var b strings.Builder
	b.WriteString("Version: 1\nS: &s " + strings.Repeat("x", 1<<20) + "\nUserPools:\n  - UserPoolId: eu-west-1_Abc\n    Users:\n")
	for range 1000 {
		b.WriteString("      - {Username: *s}\n")
	}
	_, diags := LoadBytes("bomb.yaml", []byte(b.String()))
	if got := errorsOf(diags); !strings.Contains(got, "aliases expand this document to more than") || !strings.Contains(got, "of text") {
		t.Fatalf("diagnostics:\n%s", got)
	}
	// Ordinary aliases of short values are fine.
	mustLoadBytes(t, onePool+"    SmsMfaConfiguration: &sms {Enabled: true, SmsAuthenticationMessage: \"Code {####}\"}\n  - UserPoolId: eu-west-1_Def\n    SmsMfaConfiguration: *sms\n")
}

// Integers are written in decimal digits: the same rule for every notation.
func TestVersionIsTakenAsWritten(t *testing.T) {
	for _, v := range []string{"1.0", "0x1", "1e0", "+1", "01", "0o1"} {
		_, diags := LoadBytes("v.yaml", []byte(strings.Replace(onePool, "Version: 1", "Version: "+v, 1)))
		if got := errorsOf(diags); !strings.Contains(got, "v.yaml:1:10: error: Version: Version "+v+" is not written as a plain decimal integer") {
			t.Errorf("Version: %s:\n%s", v, got)
		}
	}
	mustLoadBytes(t, onePool)
}

// A key that holds a newline, an escape sequence or a bidi control is
// quoted, so that it cannot forge a line (a GitHub ::error command) or
// drive the terminal.
func TestUnknownKeysAreQuotedWhenNotPlain(t *testing.T) {
	_, diags := LoadBytes("k.yaml", []byte(onePool+"    \"x\\n::error file=prod.yaml,line=1::forged\": 1\n    \"\\e[2J\\u202Eevil\": 2\n"))
	got := errorsOf(diags)
	for _, want := range []string{`unknown field "x\n::error file=prod.yaml,line=1::forged"`, `unknown field "\x1b[2J\u202eevil"`} {
		if !strings.Contains(got, want) {
			t.Errorf("want %s in:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "\x1b\u202e") || strings.Contains(got, "\n::error") {
		t.Fatalf("raw control characters in diagnostics:\n%s", got)
	}
}

// What a directory holds besides regular files is reported, not skipped:
// a FIFO (which would block forever), a dangling symlink, a symlink loop.
// A file reached twice through a symlink is read once.
func TestDirectoryEntriesThatAreNotRegularFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": onePool})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	os.Symlink(filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "dangling.yaml"))
	os.Symlink(filepath.Join(dir, "loop2.yaml"), filepath.Join(dir, "loop1.yaml"))
	os.Symlink(filepath.Join(dir, "loop1.yaml"), filepath.Join(dir, "loop2.yaml"))
	os.Symlink(filepath.Join(dir, "a.yaml"), filepath.Join(dir, "same.yaml"))

	done := make(chan Result, 1)
	go func() { done <- Read([]string{dir, filepath.Join(dir, "a.yaml")}, nil) }()
	var r Result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Read blocked on a named pipe in the directory")
	}
	got := errorsOf(r.Diagnostics)
	for _, want := range []string{"pipe.yaml: not a regular file (a named pipe)", "dangling.yaml", "loop1.yaml", "loop2.yaml", "symbolic link"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	if len(r.Files) != 1 {
		t.Errorf("files read: %v; want a.yaml once (same.yaml is the same file)", r.Files)
	}
}

func TestDiagnosticsAreCappedAndTheRestCounted(t *testing.T) {
	var b strings.Builder
	b.WriteString(onePool + "    Users:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "      - {Username: u%d, Bogus: 1}\n", i)
	}
	_, diags := LoadBytes("many.yaml", []byte(b.String()))
	if len(diags) != MaxDiagnostics+1 {
		t.Fatalf("%d diagnostics; want %d and one that counts the rest", len(diags), MaxDiagnostics+1)
	}
	if last := diags[len(diags)-1]; !strings.Contains(last.Summary, "2000 more problems were found and not shown") {
		t.Fatalf("last diagnostic: %s", last)
	}
}

func TestUsernamesThatDifferOnlyInNormalisationCollide(t *testing.T) {
	composed, decomposed := "ren\u00e9", "rene\u0301"
	_, diags := LoadBytes("n.yaml", []byte(onePool+"    Users:\n      - Username: "+composed+"\n      - Username: "+decomposed+"\n"))
	if got := errorsOf(diags); !strings.Contains(got, "n.yaml:6:9") || !strings.Contains(got, "another Unicode normalisation form") {
		t.Fatalf("diagnostics:\n%s", got)
	}
}

// aliasBombDocument is one document whose aliases add about 3 MB of
// text: within what one document of a file of 20 of them may add alone
// (four times the file's 0.8 MB, and 1 MiB), not with a second one. The
// red team's file was the same at scale: 190 documents, 10 MB.
func aliasBombDocument(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nVersion: 1\nS: &s %s\nUserPools:\n  - UserPoolId: eu-west-1_Abc%d\n    Users:\n", strings.Repeat("x", 40<<10), i)
	for range 75 {
		b.WriteString("      - {Username: *s}\n")
	}
	return b.String()
}

// The alias budget is the run's, not each document's or file's: a file of
// 20 documents, each within a budget of its own, stops at the second
// (red-team item 18.4: 5 min 27 s and 601 MiB to reject), and so do many
// files (2,000 small files: 80 s).
func TestTheAliasBudgetIsForTheWholeRun(t *testing.T) {
	var file strings.Builder
	for i := range 20 {
		file.WriteString(aliasBombDocument(i))
	}
	_, diags := LoadBytes("multi.yaml", []byte(file.String()))
	var bombs []diag.Diagnostic
	for _, d := range diags {
		if strings.Contains(d.Summary, "aliases expand") {
			bombs = append(bombs, d)
		}
	}
	if len(bombs) == 0 || bombs[0].Pos.Line > 2*(len(strings.Split(aliasBombDocument(0), "\n"))-1) {
		t.Fatalf("the first alias error is not in the second document: %v", bombs)
	}

	dir := t.TempDir()
	for i := range 40 {
		path := filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i))
		small := "Version: 1\nS: &s " + strings.Repeat("x", 4<<10) + "\nUserPools:\n  - UserPoolId: eu-west-1_F" + strconv.Itoa(i) + "\n    Users:\n" +
			strings.Repeat("      - {Username: *s}\n", 100) // 400 KB each: within a file's own 1 MiB allowance
		if err := os.WriteFile(path, []byte(small), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, diags = Load([]string{dir}, nil)
	first := ""
	for _, d := range diags {
		if strings.Contains(d.Summary, "aliases expand") {
			first = filepath.Base(d.Pos.File)
			break
		}
	}
	if first == "" || first > "f10.yaml" {
		t.Fatalf("40 files each within a budget of its own: the first alias error is in %q, want one of the first files", first)
	}
}

// Red-team item 18.8: a symbolic link to a directory inside a -f directory
// is refused with a message, not skipped; NEL, LS and PS are refused where
// they stand, as YAML would take them for line breaks; an unquoted number
// too large for a float is a number, refused as a Username like 1e3.
func TestInputsTheRedTeamFound(t *testing.T) {
	dir := t.TempDir()
	top, linked := filepath.Join(dir, "top"), filepath.Join(dir, "linked")
	for _, d := range []string{top, linked} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(top, "a.yaml"), []byte(onePool), 0o600)
	os.WriteFile(filepath.Join(linked, "b.yaml"), []byte(strings.Replace(onePool, "Abc", "Def", 1)), 0o600)
	if err := os.Symlink(linked, filepath.Join(top, "more")); err != nil {
		t.Fatal(err)
	}
	_, diags := Load([]string{top}, nil)
	if got := errorsOf(diags); !strings.Contains(got, "more is a symbolic link to a directory, which mfactl does not follow inside a -f directory") {
		t.Errorf("a linked directory:\n%s", got)
	}

	for _, br := range []string{"\u0085", "\u2028", "\u2029"} {
		_, diags := LoadBytes("nel.yaml", []byte("Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Abc # x"+br+"y\n    Users:\n      - Username: [bad\n"))
		if got := errorsOf(diags); !strings.HasPrefix(got, "nel.yaml:3:34: error: "+fmt.Sprintf("%U", []rune(br)[0])) || strings.Count(got, "\n") != 1 {
			t.Errorf("%U:\n%s", []rune(br)[0], got)
		}
	}

	for _, n := range []string{"1e999", "1e3", "-1.5e400"} {
		_, diags := LoadBytes("n.yaml", []byte(onePool+"    Users:\n      - Username: "+n+"\n"))
		if got := errorsOf(diags); !strings.Contains(got, "Username must be a string, not the number "+n+"; put it in quotes: \""+n+"\"") {
			t.Errorf("Username: %s:\n%s", n, got)
		}
	}
	mustLoadBytes(t, onePool+"    Users:\n      - Username: \"1e999\"\n")
}
