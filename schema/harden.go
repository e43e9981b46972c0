package schema

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Limits that keep hostile inputs bounded in time and memory. Each one is
// far above what a real file needs.
const (
	// aliasByteAllowance is how many bytes of text aliases may add beyond
	// four times the file's own size: counting values alone, 1,000 aliases
	// of one 1 MB string passed, and validating them took minutes.
	aliasByteAllowance = 1 << 20
	// MaxDiagnostics is how many diagnostics a load keeps; the rest are
	// counted and reported as dropped (100,000 errors once took 600 MB).
	MaxDiagnostics = 1000
)

// aliasBytes accounts for the text an anchored value holds, so that each
// alias to it is charged its expanded size. The zero value charges nothing
// (a value converted again after its document was checked).
type aliasBytes struct {
	budget int
	used   int
	sizes  map[*yaml.Node]int // anchored node → bytes of text it expands to
}

func newAliasBytes(fileSize int) aliasBytes {
	return aliasBytes{budget: 4*fileSize + aliasByteAllowance, sizes: map[*yaml.Node]int{}}
}

// scalar charges one scalar's text.
func (a *aliasBytes) scalar(n *yaml.Node) { a.used += len(n.Value) }

// anchored records the bytes an anchored value added (from before).
func (a *aliasBytes) anchored(n *yaml.Node, before int) {
	if a.sizes != nil {
		a.sizes[n] = a.used - before
	}
}

// alias charges an alias to target; false when the budget is spent.
func (a *aliasBytes) alias(target *yaml.Node) bool {
	if a.sizes == nil {
		return true
	}
	a.used += a.sizes[target]
	return a.used <= a.budget
}

// plainInteger is how an integer field is written: decimal digits. One
// rule for every integer field (Version is the only one): YAML's other
// notations (0x1, 0o1, +1, 1.0, 1e0, 01) are refused rather than
// converted, as Enabled: 1.0 is refused rather than read as true.
var plainInteger = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// integerNotation reports each top-level integer field of doc whose number
// is not written in plain decimal digits.
func integerNotation(doc *document) diag.List {
	root := resolve(doc.root)
	if root.Kind != yaml.MappingNode {
		return nil
	}
	props, _ := rawSchema()["properties"].(map[string]any)
	var out diag.List
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		sch, _ := props[k.Value].(map[string]any)
		if sch["type"] != "integer" || v.Kind != yaml.ScalarNode || doc.bad[v] {
			continue
		}
		if tag := v.ShortTag(); (tag == "!!int" || tag == "!!float") && !plainInteger.MatchString(v.Value) {
			doc.bad[v] = true
			out = append(out, diag.Diagnostic{Severity: diag.Error, Pos: doc.pos(v), Path: k.Value,
				Summary: fmt.Sprintf("%s %s is not written as a plain decimal integer", k.Value, shorten(v.Value, 40)),
				Detail:  "write it in decimal digits only: 1, not 1.0, +1, 0x1 or 1e0"})
		}
	}
	return out
}

// displayKey is a key as a message shows it: as written when it is plain
// text, else quoted, so that a key cannot forge a line of output, a CI
// annotation (::error ...) or a terminal escape.
func displayKey(key string) string {
	for _, r := range key {
		if !unicode.IsPrint(r) {
			return strconv.Quote(key)
		}
	}
	if !utf8.ValidString(key) {
		return strconv.Quote(key)
	}
	return key
}

// checkDirEntry decides what a file found in a directory is: a regular
// file (or a symlink to one) is read; anything else is reported, never
// skipped in silence: a dangling symlink or a loop cannot be read, and a
// named pipe or device would block or never end.
func checkDirEntry(path string) (read bool, d *diag.Diagnostic) {
	info, err := os.Stat(path) // follows symlinks
	if err != nil {
		c := cannotRead(path, err)
		if lerr := lstatIsSymlink(path); lerr {
			c.Detail = "it is a symbolic link whose target cannot be read (missing, or a loop)"
		}
		return false, &c
	}
	switch {
	case info.IsDir():
		return false, nil // a directory named *.yaml: WalkDir does not follow links to directories
	case !info.Mode().IsRegular():
		return false, &diag.Diagnostic{Severity: diag.Error,
			Summary: fmt.Sprintf("cannot read %s: not a regular file (%s)", path, fileKind(info.Mode())),
			Detail:  "directories given with -f are read for their regular files; give a pipe with -f itself (-f <(...)) or -f - for stdin"}
	}
	return true, nil
}

func lstatIsSymlink(path string) bool {
	info, err := os.Lstat(path)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// resolvedKey is the key under which an input is read once: its path with
// symbolic links resolved, so that a file reached twice (directly and
// through a link) is read once.
func resolvedKey(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// capDiagnostics keeps the first MaxDiagnostics diagnostics (errors first,
// so that none is lost to warnings) and says how many were dropped, here
// or before they were described (dropped).
func capDiagnostics(l diag.List, dropped int) diag.List {
	if len(l) <= MaxDiagnostics && dropped == 0 {
		return l
	}
	dropped += max(len(l)-MaxDiagnostics, 0)
	kept := make(diag.List, 0, MaxDiagnostics+1)
	for _, sev := range []diag.Severity{diag.Error, diag.Warning} {
		for _, d := range l {
			if d.Severity == sev && len(kept) < MaxDiagnostics {
				kept = append(kept, d)
			}
		}
	}
	kept.Sort()
	return append(kept, diag.Diagnostic{Severity: diag.Error,
		Summary: fmt.Sprintf("%d more problems were found and not shown: only the first %d are kept", dropped, MaxDiagnostics),
		Detail:  "fix these and run again"})
}

// normalizedCollision reports a user whose name is another's in a
// different Unicode normalisation form (é as one code point or as e plus
// a combining accent, K as the Kelvin sign): they look the same, and
// whether Cognito treats them as one user is not documented, so mfactl
// refuses to guess. ASCII names, nearly all of them, cost one lookup: they
// are their own normal form, and only other names are recorded.
func normalizedCollision(p *pool, name string, pos state.Pos, path string) *diag.Diagnostic {
	j, found := -1, false
	if isASCII(name) {
		j, found = p.byNormal[name]
	} else {
		key := norm.NFC.String(name)
		if j, found = p.byNormal[key]; !found && isASCII(key) {
			if i, ok := p.byFolded[strings.ToLower(key)]; ok && p.user(i).Username == key {
				j, found = i, true
			}
		}
		if !found {
			if p.byNormal == nil {
				p.byNormal = map[string]int{}
			}
			p.byNormal[key] = p.count
		}
	}
	if !found || p.user(j).Username == name {
		return nil
	}
	other := p.user(j)
	return &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-user", UserPoolId: p.UserPoolId, Username: name, Pos: pos, Path: path,
		Summary: fmt.Sprintf("user %s is %s (%s) in another Unicode normalisation form", strconv.QuoteToASCII(name), strconv.QuoteToASCII(other.Username), posString(other.Pos)),
		Detail:  "they look the same but are different strings; write the name as Cognito holds it, once"}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
