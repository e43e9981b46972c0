// Package apimodel is the part of Cognito's API model that requests are
// checked against: each operation's input, output and errors, and every
// shape an input reaches with its constraints (required members, lengths,
// ranges, patterns, enums, sensitivity). model.json is generated from the
// full model (cognito-idp 2016-04-18 as published on 2026-07-24) by
// `go generate`, and embedded, so importers need nothing beside this module.
package apimodel

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"sync"
)

//go:generate go run ./internal/gen -o model.json

//go:embed model.json
var modelJSON []byte

// Model is the compact API model.
type Model struct {
	// Source says which model this was generated from.
	Source     string               `json:"source"`
	Operations map[string]Operation `json:"operations"`
	Shapes     map[string]*Shape    `json:"shapes"`
}

// Operation names an operation's input and output shapes and the errors
// the model lists for it.
type Operation struct {
	Input  string   `json:"input,omitempty"`
	Output string   `json:"output,omitempty"`
	Errors []string `json:"errors,omitempty"`
}

// Member is one member of a structure, in the model's (alphabetical) order.
type Member struct {
	Name  string `json:"name"`
	Shape string `json:"shape"`
}

// Shape is a type of the model: structure, list, map, string, integer,
// long, boolean, timestamp or blob, with its constraints. The generator
// (internal/compact) writes model.json with these same types.
type Shape struct {
	Type     string   `json:"type"`
	Members  []Member `json:"members,omitempty"`
	Required []string `json:"required,omitempty"`
	// Member is a list's element shape; Key and Value a map's.
	Member    string   `json:"member,omitempty"`
	Key       string   `json:"key,omitempty"`
	Value     string   `json:"value,omitempty"`
	Min       *int64   `json:"min,omitempty"`
	Max       *int64   `json:"max,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	Enum      []string `json:"enum,omitempty"`
	Sensitive bool     `json:"sensitive,omitempty"`
	// UncheckedPattern: Go's regexp cannot compile Pattern (Java-only
	// syntax such as look-behind), so it is not enforced.
	UncheckedPattern bool `json:"uncheckedPattern,omitempty"`

	re *regexp.Regexp
}

// Matches reports whether s satisfies the shape's pattern (whole value);
// true when there is no pattern or it cannot be checked.
func (s *Shape) Matches(v string) bool {
	if s.re == nil {
		return true
	}
	return s.re.MatchString(v)
}

// IsRequired reports whether a structure requires the member.
func (s *Shape) IsRequired(member string) bool {
	for _, r := range s.Required {
		if r == member {
			return true
		}
	}
	return false
}

var (
	once  sync.Once
	model *Model
)

// Load returns the embedded model, parsed once.
func Load() *Model {
	once.Do(func() {
		var m Model
		if err := json.Unmarshal(modelJSON, &m); err != nil {
			panic("apimodel: embedded model.json: " + err.Error())
		}
		for _, s := range m.Shapes {
			if s.Pattern != "" && !s.UncheckedPattern {
				s.re = regexp.MustCompile(`^(?:` + s.Pattern + `)$`)
			}
		}
		model = &m
	})
	return model
}

// Input returns an operation's input shape, or nil for an operation the
// model does not have.
func (m *Model) Input(op string) *Shape {
	o, ok := m.Operations[op]
	if !ok {
		return nil
	}
	return m.Shapes[o.Input]
}
