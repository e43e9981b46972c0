// Package schema reads mfactl's desired-state files: it finds the inputs,
// parses YAML strictly with positions, validates every document against the
// embedded JSON Schema (mfactl.schema.json, draft 2020-12), checks Cognito's
// cross-field rules, and merges the documents into one state.Desired. All
// problems are returned as diagnostics naming file, line, column and field.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed mfactl.schema.json
var schemaJSON []byte

// schemaURL names the embedded schema inside the compiler; nothing is fetched.
const schemaURL = "mem:///mfactl.schema.json"

// JSON returns the JSON Schema that desired-state documents must satisfy.
func JSON() []byte { return bytes.Clone(schemaJSON) }

// compiled is the embedded schema, compiled once.
var compiled = sync.OnceValue(func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.ExtractAnnotations = true
	c.LoadURL = func(url string) (_ io.ReadCloser, err error) {
		return nil, fmt.Errorf("schema: no network access for %s", url)
	}
	if err := c.AddResource(schemaURL, bytes.NewReader(schemaJSON)); err != nil {
		panic(fmt.Sprintf("schema: embedded schema: %v", err))
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		panic(fmt.Sprintf("schema: embedded schema: %v", err))
	}
	return s
})

// rawSchema is the schema as plain JSON, for the keywords (allowed keys,
// enums, lengths) that diagnostics quote.
var rawSchema = sync.OnceValue(func() map[string]any {
	var m map[string]any
	if err := json.Unmarshal(schemaJSON, &m); err != nil {
		panic(fmt.Sprintf("schema: embedded schema: %v", err))
	}
	return m
})
