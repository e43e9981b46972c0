package jsondoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

var compiled sync.Map // Command -> *jsonschema.Schema

// Check reports whether doc is one JSON document that the schema of
// command's document accepts. Tests run it on every -o json they see.
func Check(c Command, doc []byte) error {
	s, err := compiledSchema(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not a JSON document: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON document")
	}
	return s.Validate(v)
}

func compiledSchema(c Command) (*jsonschema.Schema, error) {
	if s, ok := compiled.Load(c); ok {
		return s.(*jsonschema.Schema), nil
	}
	text, err := Schema(c)
	if err != nil {
		return nil, err
	}
	compiler := jsonschema.NewCompiler()
	compiler.Draft = jsonschema.Draft2020
	url := "mfactl:" + string(c) + ".schema.json"
	if err := compiler.AddResource(url, bytes.NewReader(text)); err != nil {
		return nil, err
	}
	s, err := compiler.Compile(url)
	if err != nil {
		return nil, err
	}
	compiled.Store(c, s)
	return s, nil
}
