package views

import (
	"encoding/json"
	"io"

	"github.com/mfactl/mfactl/internal/buildinfo"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/iostreams"
)

// SARIF 2.1.0 (OASIS), the subset mfactl writes: one run, the rule
// catalogue as the driver's rules, one result per diagnostic.
// scripts/report-check.sh validates it against the official JSON Schema;
// GitHub code scanning's upload-sarif accepts it.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

// sarifInvocation says whether the run succeeded; a failed one carries
// the error as a tool execution notification.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string           `json:"level"`
	Message    sarifText        `json:"message"`
	Descriptor *sarifDescriptor `json:"descriptor,omitempty"`
}

type sarifDescriptor struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	ShortDescription     sarifText        `json:"shortDescription"`
	FullDescription      sarifText        `json:"fullDescription"`
	Help                 sarifText        `json:"help"`
	HelpURI              string           `json:"helpUri"`
	DefaultConfiguration sarifRuleDefault `json:"defaultConfiguration"`
}

type sarifRuleDefault struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

// WriteSARIF writes diagnostics as a SARIF 2.1.0 log: one result per
// diagnostic, or per rule and pool for diagnostics about many users.
func WriteSARIF(w io.Writer, ci iostreams.CI, l diag.List) error { return writeSARIFLog(w, ci, l, nil) }

// writeSARIFLog writes diagnostics and, when given, the invocations.
func writeSARIFLog(w io.Writer, ci iostreams.CI, l diag.List, invocations []sarifInvocation) error {
	rules := diag.Rules()
	index := map[string]int{}
	driver := sarifDriver{Name: "mfactl", Version: buildinfo.Read().Version, InformationURI: "https://github.com/mfactl/mfactl"}
	for i, r := range rules {
		index[r.ID] = i
		level := "error"
		if r.Severity == diag.Warning {
			level = "warning"
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.Name,
			ShortDescription:     sarifText{r.Name},
			FullDescription:      sarifText{r.Help},
			Help:                 sarifText{r.Help + " See " + diag.HelpURI(r.ID)},
			HelpURI:              diag.HelpURI(r.ID),
			DefaultConfiguration: sarifRuleDefault{level},
		})
	}
	run := sarifRun{Tool: sarifTool{driver}, Invocations: invocations, Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	for _, g := range groupDiagnostics(l) {
		rule := diag.RuleOf(g.Diagnostic)
		level := "warning"
		if g.Severity == diag.Error {
			level = "error"
		}
		res := sarifResult{RuleID: rule.ID, RuleIndex: index[rule.ID], Level: level, Message: sarifText{g.message("; ")}}
		var loc sarifLocation
		if file := sourcePath(ci, g.Pos.File); file != "" {
			pl := &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: file, URIBaseID: "%SRCROOT%"}}
			if g.Pos.Line > 0 {
				pl.Region = &sarifRegion{StartLine: g.Pos.Line, StartColumn: g.Pos.Column}
			}
			loc.PhysicalLocation = pl
		}
		if g.Path != "" {
			loc.LogicalLocations = []sarifLogicalLocation{{FullyQualifiedName: g.Path, Kind: "member"}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			res.Locations = []sarifLocation{loc}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}
