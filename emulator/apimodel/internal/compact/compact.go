// Package compact derives the compact API model (emulator/apimodel's
// model.json) from Cognito's full one: each operation's input, output and
// errors, and the shapes its input reaches, with their constraints and
// without documentation, in emulator/apimodel's own types, so that the
// writer and the reader of model.json share one description of it.
package compact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/mfactl/mfactl/emulator/apimodel"
)

type source struct {
	Metadata   json.RawMessage
	Source     string
	Operations map[string]struct {
		Input, Output string
		Errors        []string
	}
	Shapes map[string]struct {
		Type      string
		Members   map[string]struct{ Shape string }
		Required  []string
		Member    *struct{ Shape string }
		Key       *struct{ Shape string }
		Value     *struct{ Shape string }
		Min, Max  *int64
		Pattern   string
		Enum      []string
		Sensitive bool
	}
}

// Compact returns model.json's bytes for a full model.
func Compact(full []byte) ([]byte, error) {
	var src source
	if err := json.Unmarshal(full, &src); err != nil {
		return nil, err
	}
	c := apimodel.Model{Source: src.Source, Operations: map[string]apimodel.Operation{}, Shapes: map[string]*apimodel.Shape{}}
	var visit func(name string) error
	visit = func(name string) error {
		if _, done := c.Shapes[name]; done || name == "" {
			return nil
		}
		s, ok := src.Shapes[name]
		if !ok {
			return fmt.Errorf("shape %s is referenced but not defined", name)
		}
		sh := &apimodel.Shape{Type: s.Type, Required: s.Required, Min: s.Min, Max: s.Max, Pattern: s.Pattern, Enum: s.Enum, Sensitive: s.Sensitive}
		if sh.Pattern != "" {
			if _, err := regexp.Compile(sh.Pattern); err != nil {
				sh.UncheckedPattern = true
			}
		}
		names := make([]string, 0, len(s.Members))
		for n := range s.Members {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			sh.Members = append(sh.Members, apimodel.Member{Name: n, Shape: s.Members[n].Shape})
		}
		if s.Member != nil {
			sh.Member = s.Member.Shape
		}
		if s.Key != nil {
			sh.Key = s.Key.Shape
		}
		if s.Value != nil {
			sh.Value = s.Value.Shape
		}
		c.Shapes[name] = sh
		for _, m := range sh.Members {
			if err := visit(m.Shape); err != nil {
				return err
			}
		}
		for _, n := range []string{sh.Member, sh.Key, sh.Value} {
			if err := visit(n); err != nil {
				return err
			}
		}
		return nil
	}
	for name, op := range src.Operations {
		c.Operations[name] = apimodel.Operation{Input: op.Input, Output: op.Output, Errors: op.Errors}
		if err := visit(op.Input); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
