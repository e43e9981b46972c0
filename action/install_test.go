// Package action holds the GitHub Action's scripts (action.yml at the root
// runs them); its tests run the install script against a fake release served
// from loopback.
package action

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeRelease serves BASE/v0.3.0/{archive,checksums.txt} like a GitHub
// release; the archive's mfactl is a script that says its version.
func fakeRelease(t *testing.T, corrupt bool) (*httptest.Server, *int) {
	t.Helper()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the fake release is a tar.gz for linux and darwin")
	}
	arch := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	if arch == "" {
		t.Skip("no release for " + runtime.GOARCH)
	}
	name := fmt.Sprintf("mfactl_0.3.0_%s_%s.tar.gz", runtime.GOOS, arch)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for file, body := range map[string]string{
		"mfactl":    "#!/bin/sh\necho \"mfactl v0.3.0 ($1)\"\n",
		"README.md": "# mfactl\n",
		"LICENSE":   "Apache License\n",
	} {
		if err := tw.WriteHeader(&tar.Header{Name: file, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	archive := buf.Bytes()
	sum := fmt.Sprintf("%x", sha256.Sum256(archive))
	if corrupt {
		sum = strings.Repeat("0", 64)
	}
	checksums := fmt.Sprintf("%s  %s\n%s  mfactl_0.3.0_windows_amd64.zip\n", sum, name, strings.Repeat("a", 64))
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		switch r.URL.Path {
		case "/v0.3.0/" + name:
			w.Write(archive)
		case "/v0.3.0/checksums.txt":
			w.Write([]byte(checksums))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

type install struct {
	dir, ghPath, ghOutput string
	stdout, stderr        string
	err                   error
}

func runInstall(t *testing.T, base, version, dir string) install {
	t.Helper()
	tmp := t.TempDir()
	r := install{dir: dir, ghPath: filepath.Join(tmp, "path"), ghOutput: filepath.Join(tmp, "output")}
	cmd := exec.Command("bash", "install.sh")
	cmd.Env = append(os.Environ(), "MFACTL_VERSION="+version, "MFACTL_RELEASE_URL="+base, "MFACTL_INSTALL_DIR="+dir, "GITHUB_PATH="+r.ghPath, "GITHUB_OUTPUT="+r.ghOutput)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	r.err = cmd.Run()
	r.stdout, r.stderr = out.String(), errOut.String()
	return r
}

func TestInstallVerifiesAndCaches(t *testing.T) {
	srv, requests := fakeRelease(t, false)
	dir := filepath.Join(t.TempDir(), "tool-cache", "v0.3.0")
	r := runInstall(t, srv.URL, "v0.3.0", dir)
	if r.err != nil {
		t.Fatalf("install failed: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "mfactl v0.3.0 (version)") {
		t.Errorf("the installed binary was not run: %q", r.stdout)
	}
	if path, _ := os.ReadFile(r.ghPath); strings.TrimSpace(string(path)) != dir {
		t.Errorf("GITHUB_PATH got %q, want %q", path, dir)
	}
	if out, _ := os.ReadFile(r.ghOutput); !strings.Contains(string(out), "path="+dir) {
		t.Errorf("GITHUB_OUTPUT got %q", out)
	}
	if *requests != 2 {
		t.Errorf("%d requests, want 2 (checksums and archive)", *requests)
	}

	// Second run: the cached binary is used; nothing is downloaded.
	srv.Close()
	r = runInstall(t, srv.URL, "v0.3.0", dir)
	if r.err != nil || !strings.Contains(r.stdout, "from the cache") {
		t.Fatalf("cached install: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
}

func TestInstallRefusesChecksumMismatch(t *testing.T) {
	srv, _ := fakeRelease(t, true)
	dir := filepath.Join(t.TempDir(), "v0.3.0")
	r := runInstall(t, srv.URL, "v0.3.0", dir)
	if r.err == nil {
		t.Fatalf("a corrupt archive was installed:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "::error::checksum mismatch for mfactl_0.3.0_") {
		t.Errorf("stderr %q", r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("install dir exists after a mismatch: %v", err)
	}
}

func TestInstallRefusesBadInputs(t *testing.T) {
	srv, _ := fakeRelease(t, false)
	for version, want := range map[string]string{
		"latest": "must be a release tag",
		"v9.9.9": "404",
	} {
		r := runInstall(t, srv.URL, version, filepath.Join(t.TempDir(), version))
		if r.err == nil || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: err %v, stderr %q, want %q", version, r.err, r.stderr, want)
		}
	}
}
