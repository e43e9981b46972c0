package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuild(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "f52d2e6abcdef0123456789"}, {Key: "vcs.time", Value: "2026-12-07T15:00:00Z"}, {Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}
	sdk := &debug.Module{Path: "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider", Version: "v1.61.0"}
	cases := []struct {
		name                  string
		bi                    *debug.BuildInfo
		ldVersion, ldCommit   string
		version, commit, date string
	}{
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}, Deps: []*debug.Module{sdk}}, "", "", "v0.3.0", "", ""},
		{"build in a clone", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs, Deps: []*debug.Module{sdk}}, "", "", "commit f52d2e6abcde", "f52d2e6abcdef0123456789", "2026-12-07T15:00:00Z"},
		{"pseudo-version in a clone", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261207150000-f52d2e6abcde+dirty"}, Settings: append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), Deps: []*debug.Module{sdk}}, "", "", "commit f52d2e6abcde-dirty", "f52d2e6abcdef0123456789-dirty", "2026-12-07T15:00:00Z"},
		{"release ldflags win", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs, Deps: []*debug.Module{sdk}}, "v1.2.3", "abc123", "v1.2.3", "abc123", "2026-12-07T15:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fromBuild(c.bi, c.ldVersion, c.ldCommit, "")
			if got.Version != c.version || got.Commit != c.commit || got.Date != c.date {
				t.Fatalf("got version %q commit %q date %q, want %q %q %q", got.Version, got.Commit, got.Date, c.version, c.commit, c.date)
			}
			if got.Module(sdk.Path) != "v1.61.0" || got.GoVersion != "go1.26.8" {
				t.Fatalf("module %q go %q", got.Module(sdk.Path), got.GoVersion)
			}
		})
	}
	if p := fromBuild(&debug.BuildInfo{Settings: vcs}, "", "", "").Platform; p != "linux/arm64" {
		t.Fatalf("platform %q", p)
	}
	if v := fromBuild(nil, "", "", "").Version; v != "unknown" {
		t.Fatalf("no build info: %q", v)
	}
}
