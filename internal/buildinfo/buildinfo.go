// Package buildinfo says which mfactl this is: its version, commit and
// build date, and the Go and platform it was built with.
//
// Release builds set the three variables with -ldflags -X (see
// .goreleaser.yaml and the Makefile). Other builds fall back to what the Go
// toolchain records in the binary: `go install …@v0.3.0` records the module
// version v0.3.0, a build inside a clone records the commit and its time.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by -ldflags "-X github.com/mfactl/mfactl/internal/buildinfo.Version=…".
var (
	Version string
	Commit  string
	Date    string
)

// Info is one build's identity.
type Info struct {
	Version   string
	Commit    string
	Date      string
	GoVersion string
	Platform  string
	// Modules maps the module path of each dependency to its version, for
	// the few that callers ask about (the AWS SDK's Cognito client).
	modules map[string]string
}

// Module returns the version of a dependency built into the binary, or "".
func (i Info) Module(path string) string { return i.modules[path] }

// Read returns this binary's Info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(bi, Version, Commit, Date)
}

// fromBuild fills in what ldflags did not set from the toolchain's record.
func fromBuild(bi *debug.BuildInfo, version, commit, date string) Info {
	info := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, modules: map[string]string{}}
	if bi == nil {
		if info.Version == "" {
			info.Version = "unknown"
		}
		return info
	}
	info.GoVersion = bi.GoVersion
	for _, dep := range bi.Deps {
		if dep.Replace != nil {
			dep = dep.Replace
		}
		info.modules[dep.Path] = dep.Version
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if os, arch := settings["GOOS"], settings["GOARCH"]; os != "" && arch != "" {
		info.Platform = os + "/" + arch
	}
	if info.Commit == "" {
		info.Commit = settings["vcs.revision"]
		if info.Commit != "" && settings["vcs.modified"] == "true" {
			info.Commit += "-dirty"
		}
	}
	if info.Date == "" {
		info.Date = settings["vcs.time"]
	}
	if info.Version == "" {
		info.Version = moduleVersion(bi.Main.Version, info.Commit)
	}
	return info
}

// moduleVersion turns the main module's recorded version into ours:
// `go install …@v0.3.0` records "v0.3.0"; a build in a clone records
// "(devel)" (or, since Go 1.24, a pseudo-version), where the commit says more.
func moduleVersion(recorded, commit string) string {
	switch {
	case recorded != "" && recorded != "(devel)" && !isPseudo(recorded):
		return recorded
	case commit != "":
		return "commit " + shortCommit(commit)
	case recorded != "":
		return recorded
	}
	return "unknown"
}

// isPseudo reports a Go pseudo-version (v0.0.0-20261207152609-f52d2e6abcde),
// which names a commit rather than a release.
func isPseudo(v string) bool {
	v = strings.TrimSuffix(v, "+dirty")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return false
	}
	stamp := parts[len(parts)-2]
	if i := strings.LastIndex(stamp, "."); i >= 0 {
		stamp = stamp[i+1:]
	}
	return len(stamp) == 14 && strings.Trim(stamp, "0123456789") == "" && len(parts[len(parts)-1]) == 12
}

func shortCommit(c string) string {
	dirty := strings.HasSuffix(c, "-dirty")
	c = strings.TrimSuffix(c, "-dirty")
	if len(c) > 12 {
		c = c[:12]
	}
	if dirty {
		c += "-dirty"
	}
	return c
}
