package views

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mfactl/mfactl/internal/buildinfo"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
	"github.com/mfactl/mfactl/schema"
)

// The JUnit XML that GitLab, Jenkins and CircleCI read: the shape of
// Jenkins' junit-10.xsd (scripts/report-check.sh checks it with xmllint).
// Errors are failures, with the rule ID as their type; warnings go to the
// test case's system-out, as JUnit has no warnings.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

// junitProperty is a suite's property; each suite names the mfactl that
// wrote it (mfactl.version), as SARIF's tool.driver.version and the JSON
// documents' MfactlVersion do.
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// versionProperties are the properties of every suite mfactl writes.
func versionProperties() []junitProperty {
	return []junitProperty{{Name: "mfactl.version", Value: buildinfo.Read().Version}}
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// caseBuilder collects the diagnostics of one test case.
type caseBuilder struct {
	name  string
	diags diag.List
	notes []string // for system-out, after the warnings
}

func (c *caseBuilder) build(classname string) junitCase {
	jc := junitCase{Name: c.name, Classname: classname, Time: "0"}
	var out []string
	for _, d := range c.diags {
		text := d.String()
		if d.Severity == diag.Error {
			jc.Failures = append(jc.Failures, junitFailure{Message: d.Summary, Type: diag.RuleOf(d).ID, Text: text})
		} else {
			out = append(out, text)
		}
	}
	jc.SystemOut = strings.Join(append(out, c.notes...), "\n")
	return jc
}

// suiteBuilder is one test suite: its cases in order, found by key.
type suiteBuilder struct {
	name  string
	cases []*caseBuilder
	byKey map[string]*caseBuilder
}

func newSuite(name string) *suiteBuilder {
	return &suiteBuilder{name: name, byKey: map[string]*caseBuilder{}}
}

func (s *suiteBuilder) at(key, name string) *caseBuilder {
	c := s.byKey[key]
	if c == nil {
		c = &caseBuilder{name: name}
		s.byKey[key] = c
		s.cases = append(s.cases, c)
	}
	return c
}

func (s *suiteBuilder) build() junitSuite {
	js := junitSuite{Name: s.name, Time: "0", Properties: versionProperties()}
	for _, c := range s.cases {
		jc := c.build(s.name)
		js.Cases = append(js.Cases, jc)
		if len(jc.Failures) > 0 {
			js.Failures++
		}
	}
	js.Tests = len(js.Cases)
	return js
}

func writeJUnit(w io.Writer, name string, suites []*suiteBuilder) error {
	doc := junitSuites{Name: name}
	for _, s := range suites {
		js := s.build()
		doc.Suites = append(doc.Suites, js)
		doc.Tests += js.Tests
		doc.Failures += js.Failures
	}
	return encodeJUnit(w, doc)
}

// encodeJUnit writes doc as an indented XML document ending in a newline.
func encodeJUnit(w io.Writer, doc junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Test case names, one per pool configuration and per user.
func poolCaseName(poolID string) string { return "pool " + poolID + " configuration" }
func userCaseName(poolID, user string) string {
	return fmt.Sprintf("user %s in %s", user, poolID)
}

// WriteValidateJUnit writes validation as JUnit: a suite per input file,
// a case per pool configuration and per user it declares, and a case for
// the file itself (reading, YAML, schema), each failing with its errors.
func WriteValidateJUnit(w io.Writer, r schema.Result) error {
	return writeJUnit(w, "mfactl validate", fileSuites(r.Files, r.Desired, r.Diagnostics))
}

func fileSuites(files []string, d state.Desired, l diag.List) []*suiteBuilder {
	var suites []*suiteBuilder
	byFile := map[string]*suiteBuilder{}
	suite := func(file string) *suiteBuilder {
		s := byFile[file]
		if s == nil {
			s = newSuite(file)
			s.at("", "file "+file)
			byFile[file] = s
			suites = append(suites, s)
		}
		return s
	}
	for _, f := range files {
		suite(f)
	}
	// Where each pool configuration and user is declared: a diagnostic
	// whose path lies inside one belongs to its case.
	type place struct{ key, name string }
	paths := map[string]map[string]place{} // file → path prefix → case
	declare := func(file, path string, p place) {
		suite(file).at(p.key, p.name)
		if paths[file] == nil {
			paths[file] = map[string]place{}
		}
		paths[file][path] = p
	}
	for _, dp := range d.Pools {
		if dp.Pos.File != "" {
			declare(dp.Pos.File, dp.Path, place{"pool " + dp.UserPoolId, poolCaseName(dp.UserPoolId)})
		}
		for _, du := range dp.Users {
			declare(du.Pos.File, du.Path, place{"user " + dp.UserPoolId + "/" + du.Username, userCaseName(dp.UserPoolId, du.Username)})
		}
	}
	for _, dg := range l {
		file := orInputs(dg.Pos.File)
		s := suite(file)
		c := s.byKey[""]
		// The longest declared path that contains the diagnostic's.
		best := ""
		for prefix, p := range paths[file] {
			if within(dg.Path, prefix) && len(prefix) > len(best) {
				best, c = prefix, s.byKey[p.key]
			}
		}
		// A user the files could not declare (its entry is invalid) is a
		// case of its own, named by its path.
		if user := userPath(dg.Path); user != "" && userPath(best) == "" {
			c = s.at("path "+user, user)
		}
		c.diags = append(c.diags, dg)
	}
	return suites
}

// within reports whether path is prefix or a field inside it.
func within(path, prefix string) bool {
	return prefix != "" && (path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"["))
}

// userPath is the part of a field path that names a user entry,
// "UserPools[0].Users[3]", or "".
func userPath(path string) string {
	i := strings.Index(path, ".Users[")
	if i < 0 {
		return ""
	}
	j := strings.Index(path[i:], "]")
	if j < 0 {
		return ""
	}
	return path[:i+j+1]
}

// WritePlanJUnit writes a plan as JUnit: a suite per pool, a case for its
// configuration and one per declared user, failing with the checks that
// failed; a pending change is not a failure, and is noted in system-out.
// Diagnostics about the files alone go to a suite of their own.
func WritePlanJUnit(w io.Writer, p *plan.Plan) error {
	var suites []*suiteBuilder
	byPool := map[string]*suiteBuilder{}
	at := func(poolID, user string) *caseBuilder {
		s := byPool[poolID]
		if s == nil {
			s = newSuite("pool " + poolID)
			s.at("", poolCaseName(poolID))
			byPool[poolID] = s
			suites = append(suites, s)
		}
		if user == "" {
			return s.at("", "")
		}
		return s.at(user, userCaseName(poolID, user))
	}
	targets := append([]plan.Target(nil), p.Targets...)
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].UserPoolId < targets[j].UserPoolId })
	for _, t := range targets {
		at(t.UserPoolId, t.Username)
	}
	for _, pc := range p.Pools {
		c := at(pc.UserPoolId, "")
		if pc.Desired != nil {
			c.notes = append(c.notes, "pending change: the pool's MFA configuration changes")
		}
		for _, uc := range pc.Users {
			c := at(pc.UserPoolId, uc.Username)
			c.notes = append(c.notes, "pending change: the user's MFA settings change")
		}
	}
	var files *suiteBuilder
	for _, d := range shownDiagnostics(p) {
		if d.UserPoolId != "" {
			c := at(d.UserPoolId, d.Username)
			c.diags = append(c.diags, d)
			continue
		}
		if files == nil {
			files = newSuite("files")
		}
		c := files.at(d.Pos.File, "file "+orInputs(d.Pos.File))
		c.diags = append(c.diags, d)
	}
	if files != nil {
		suites = append(suites, files)
	}
	return writeJUnit(w, "mfactl plan", suites)
}

func orInputs(file string) string {
	if file == "" {
		return "(inputs)"
	}
	return file
}
