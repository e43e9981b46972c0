package chaos

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
)

// Limits every hostile input must stay within.
const (
	inputTimeLimit = 20 * time.Second
	inputRSSLimit  = 512 << 10 // KiB
)

var position = regexp.MustCompile(`:\d+:\d+: error: `)

// hostileInput is one input built in dir; positioned says the error must
// name file:line:column.
type hostileInput struct {
	name       string
	build      func(t *testing.T, dir string) string // returns the -f argument
	positioned bool
	want       string // in stderr
}

const pool = "Version: 1\nUserPools:\n  - UserPoolId: eu-west-1_Hostile1\n"

func file(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	writeFile(t, path, content)
	return path
}

var hostileInputs = []hostileInput{
	{"billion laughs", func(t *testing.T, dir string) string {
		var b strings.Builder
		b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 1; i < 10; i++ {
			fmt.Fprintf(&b, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", 'a'+i, 'a'+i, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1, 'a'+i-1)
		}
		return file(t, dir, "laughs.yaml", "Version: 1\n"+b.String()+"UserPools: *j\n")
	}, true, "aliases expand"},
	{"1,000 aliases of a 1 MB string", func(t *testing.T, dir string) string {
		var b strings.Builder
		b.WriteString("Version: 1\nS: &s " + strings.Repeat("x", 1<<20) + "\nUserPools:\n  - UserPoolId: eu-west-1_Hostile1\n    Users:\n")
		for range 1000 {
			b.WriteString("      - {Username: *s}\n")
		}
		return file(t, dir, "strings.yaml", b.String())
	}, true, "of text"},
	{"nesting 100,000 deep", func(t *testing.T, dir string) string {
		return file(t, dir, "deep.yaml", "Version: 1\nUserPools: "+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+"\n")
	}, true, "max depth"},
	{"a 9 MB string", func(t *testing.T, dir string) string {
		return file(t, dir, "huge-string.yaml", pool+"    Users:\n      - Username: "+strings.Repeat("y", 9<<20)+"\n")
	}, true, "Username"},
	{"a 50 MB file", func(t *testing.T, dir string) string {
		path := filepath.Join(dir, "huge.yaml")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(50 << 20); err != nil {
			t.Fatal(err)
		}
		return path
	}, true, "more than the limit"},
	{"invalid UTF-8", func(t *testing.T, dir string) string {
		return file(t, dir, "latin1.yaml", pool+"    Users:\n      - Username: ren\xe9\n")
	}, true, "UTF-8"},
	{"NUL bytes", func(t *testing.T, dir string) string {
		return file(t, dir, "nul.yaml", pool+"    Users:\n      - Username: a\x00b\n")
	}, true, "control character"},
	{"a symlink loop in a directory", func(t *testing.T, dir string) string {
		sub := filepath.Join(dir, "loop")
		os.Mkdir(sub, 0o755)
		file(t, sub, "ok.yaml", pool)
		os.Symlink(filepath.Join(sub, "b.yaml"), filepath.Join(sub, "a.yaml"))
		os.Symlink(filepath.Join(sub, "a.yaml"), filepath.Join(sub, "b.yaml"))
		return sub
	}, false, "symbolic link"},
	{"a dangling symlink (an unreadable file)", func(t *testing.T, dir string) string {
		sub := filepath.Join(dir, "dangling")
		os.Mkdir(sub, 0o755)
		file(t, sub, "ok.yaml", pool)
		os.Symlink(filepath.Join(sub, "gone.yaml"), filepath.Join(sub, "gone-link.yaml"))
		return sub
	}, false, "cannot read"},
	{"a named pipe in a directory", func(t *testing.T, dir string) string {
		sub := filepath.Join(dir, "fifo")
		os.Mkdir(sub, 0o755)
		file(t, sub, "ok.yaml", pool)
		if err := syscall.Mkfifo(filepath.Join(sub, "pipe.yaml"), 0o600); err != nil {
			t.Skip(err)
		}
		return sub
	}, false, "not a regular file"},
	{"a directory of 10,000 files", func(t *testing.T, dir string) string {
		sub := filepath.Join(dir, "many")
		os.Mkdir(sub, 0o755)
		for i := range 10_000 {
			file(t, sub, fmt.Sprintf("u%05d.yaml", i), fmt.Sprintf("%s    Users:\n      - Username: u%05d\n        Bogus: 1\n", pool, i))
		}
		return sub
	}, true, "more problems were found and not shown"},
	{"100,000 errors in one file", func(t *testing.T, dir string) string {
		var b strings.Builder
		b.WriteString(pool + "    Users:\n")
		for i := range 100_000 {
			fmt.Fprintf(&b, "      - {Username: u%d, Bogus: 1}\n", i)
		}
		return file(t, dir, "errors.yaml", b.String())
	}, true, "more problems were found and not shown"},
	{"usernames equal after Unicode normalisation", func(t *testing.T, dir string) string {
		return file(t, dir, "nfc.yaml", pool+"    Users:\n      - Username: ren\u00e9\n      - Username: rene\u0301\n")
	}, true, "normalisation"},
	{"a key that forges a CI annotation", func(t *testing.T, dir string) string {
		return file(t, dir, "forge.yaml", pool+"    \"x\\n::error file=prod.yaml,line=1::forged\": 1\n")
	}, true, `"x\n::error`},
	{"a bidi control and an escape sequence in a key", func(t *testing.T, dir string) string {
		return file(t, dir, "bidi.yaml", pool+"    \"\\e[2J\\u202Eevil\": 1\n")
	}, true, `\u202e`},
	{"a file of 170 documents, each an alias bomb within its own budget", func(t *testing.T, dir string) string {
		var b strings.Builder
		for i := range 170 { // 9.7 MB: under the 10 MiB limit; each document adds 28 MB of text
			fmt.Fprintf(&b, "---\nVersion: 1\nS: &s %s\nUserPools:\n  - UserPoolId: eu-west-1_Hostile%d\n    Users:\n", strings.Repeat("x", 40<<10), i)
			b.WriteString(strings.Repeat("      - {Username: *s}\n", 700))
		}
		return file(t, dir, "documents.yaml", b.String())
	}, true, "aliases expand"},
	{"2,000 files, each an alias bomb within its own budget", func(t *testing.T, dir string) string {
		sub := filepath.Join(dir, "bombs")
		os.Mkdir(sub, 0o755)
		for i := range 2000 {
			// 60 aliases of 16 KB: 983 KB, under a file's own 1 MiB allowance
			file(t, sub, fmt.Sprintf("b%04d.yaml", i), "Version: 1\nS: &s "+strings.Repeat("x", 16<<10)+"\nUserPools:\n  - UserPoolId: eu-west-1_Hostile"+fmt.Sprint(i)+
				"\n    Users:\n"+strings.Repeat("      - {Username: *s}\n", 60))
		}
		return sub
	}, true, "aliases expand"},
	{"an unquoted 1e999 as a username", func(t *testing.T, dir string) string {
		return file(t, dir, "number.yaml", pool+"    Users:\n      - Username: 1e999\n")
	}, true, "put it in quotes"},
	{"NEL in a comment", func(t *testing.T, dir string) string {
		return file(t, dir, "nel.yaml", pool+"    # a\u0085b\n    Users:\n      - Username: [x\n")
	}, true, "U+0085"},
	{"a symbolic link to a directory", func(t *testing.T, dir string) string {
		sub, other := filepath.Join(dir, "linkdir"), filepath.Join(dir, "linked")
		os.Mkdir(sub, 0o755)
		os.Mkdir(other, 0o755)
		file(t, sub, "ok.yaml", pool)
		file(t, other, "more.yaml", strings.Replace(pool, "Hostile1", "Hostile2", 1))
		os.Symlink(other, filepath.Join(sub, "more"))
		return sub
	}, false, "symbolic link to a directory"},
	{"Version written as 0x1", func(t *testing.T, dir string) string {
		return file(t, dir, "hex.yaml", strings.Replace(pool, "Version: 1", "Version: 0x1", 1))
	}, true, "plain decimal integer"},
}

// Every hostile input is a clear error, with file:line:column where there
// is one, in bounded time and memory, and no API call.
func TestHostileInputs(t *testing.T) {
	current(t)
	peakRSS.Lock()
	peakRSS.ignore = true
	peakRSS.Unlock()
	defer func() {
		peakRSS.Lock()
		peakRSS.ignore = false
		peakRSS.Unlock()
	}()
	emu, url := emulator.NewTestServer(t, emulator.Options{})
	dir := t.TempDir()
	rejected, slowest, largest := 0, time.Duration(0), int64(0)
	for _, in := range hostileInputs {
		t.Run(in.name, func(t *testing.T) {
			arg := in.build(t, dir)
			emu.ResetStats()
			r := run(t, inputTimeLimit, "plan", "-f", arg, "--endpoint-url", url)
			// Diagnostics are wrapped to 80 columns in a log: compare words.
			if r.code != 1 || !strings.Contains(strings.Join(strings.Fields(r.stderr), " "), in.want) {
				t.Fatalf("exit %d; want 1 with %q\n%s", r.code, in.want, tail(r.stderr))
			}
			if in.positioned && !position.MatchString(r.stderr) {
				t.Errorf("no file:line:column in\n%s", tail(r.stderr))
			}
			if strings.ContainsAny(r.stderr, "\x1b\u202e\x00") || strings.Contains(r.stderr, "\n::error") {
				t.Errorf("raw control characters reach the output:\n%q", tail(r.stderr))
			}
			if n := len(emu.Stats().Calls); n != 0 {
				t.Errorf("%d API calls", n)
			}
			if r.rssKiB > inputRSSLimit {
				t.Errorf("peak memory %d MiB, over %d MiB", r.rssKiB>>10, inputRSSLimit>>10)
			}
			t.Logf("%s: %.2f s, %d MiB", in.name, r.took.Seconds(), r.rssKiB>>10)
			rejected++
			slowest, largest = max(slowest, r.took), max(largest, r.rssKiB)
		})
	}
	figures.set("inputs", "%d/%d hostile inputs rejected with a clear error and no API call; slowest %.1f s, largest %d MiB resident (limits: %s, %d MiB)",
		rejected, len(hostileInputs), slowest.Seconds(), largest>>10, inputTimeLimit, inputRSSLimit>>10)
}
