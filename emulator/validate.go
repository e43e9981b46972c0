package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mfactl/mfactl/emulator/apimodel"
)

// validateRequest checks a request body against its operation's input
// shape in Cognito's API model (emulator/apimodel) before any handler
// looks up a pool, user or token, as AWS's JSON services do: a value of the
// wrong JSON type is a SerializationException; every constraint violation
// (missing required member, length, range, pattern, enum) is collected into
// one "N validation errors detected: ..." message.
func validateRequest(op string, body []byte) error {
	m := apimodel.Load()
	in := m.Input(op)
	if in == nil {
		return nil
	}
	var doc any = map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return newError(CodeSerialization, "could not read the %s request: %v", op, err)
		}
	}
	w := modelWalk{m: m, op: op}
	if err := w.value(in, "", doc); err != nil {
		return err
	}
	return w.v.err()
}

type modelWalk struct {
	m  *apimodel.Model
	op string
	v  validation
}

func (w *modelWalk) wrongType(path, want string) error {
	at := path
	if at == "" {
		at = "the request"
	}
	return newError(CodeSerialization, "could not read the %s request: %s is not a %s", w.op, member(at), want)
}

// value checks one value of shape s at path ("" is the request itself).
// A JSON null counts as absent.
func (w *modelWalk) value(s *apimodel.Shape, path string, val any) error {
	if val == nil {
		return nil
	}
	switch s.Type {
	case "structure":
		obj, ok := val.(map[string]any)
		if !ok {
			return w.wrongType(path, "structure")
		}
		for _, mem := range s.Members {
			p := join(path, mem.Name)
			x, present := obj[mem.Name]
			if (!present || x == nil) && s.IsRequired(mem.Name) {
				w.v.add(p, nil, false, "Member must not be null")
				continue
			}
			if err := w.value(w.m.Shapes[mem.Shape], p, x); err != nil {
				return err
			}
		}
	case "list":
		list, ok := val.([]any)
		if !ok {
			return w.wrongType(path, "list")
		}
		elem := w.m.Shapes[s.Member]
		w.length(s, path, len(list), func() string { return showList(list, elem) })
		for i, x := range list {
			if err := w.value(elem, fmt.Sprintf("%s.%d.member", path, i+1), x); err != nil {
				return err
			}
		}
	case "map":
		obj, ok := val.(map[string]any)
		if !ok {
			return w.wrongType(path, "map")
		}
		w.length(s, path, len(obj), func() string { return showMap(obj) })
		key, elem := w.m.Shapes[s.Key], w.m.Shapes[s.Value]
		keys := sortedKeys(obj)
		for _, k := range keys {
			if broken := stringProblems(key, k); len(broken) > 0 {
				shown := showMap(obj)
				w.v.add(path, &shown, false, "Map keys must satisfy constraint: ["+strings.Join(broken, ", ")+"]")
				break
			}
		}
		for _, k := range keys {
			if err := w.value(elem, path+"."+k, obj[k]); err != nil {
				return err
			}
		}
	case "string":
		str, ok := val.(string)
		if !ok {
			return w.wrongType(path, "string")
		}
		for _, problem := range stringProblems(s, str) {
			w.v.add(path, &str, s.Sensitive, problem)
		}
	case "integer", "long":
		n, ok := val.(json.Number)
		if !ok {
			return w.wrongType(path, s.Type)
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return w.wrongType(path, s.Type)
		}
		shown := n.String()
		if s.Min != nil && i < *s.Min {
			w.v.add(path, &shown, false, fmt.Sprintf("Member must have value greater than or equal to %d", *s.Min))
		}
		if s.Max != nil && i > *s.Max {
			w.v.add(path, &shown, false, fmt.Sprintf("Member must have value less than or equal to %d", *s.Max))
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			return w.wrongType(path, "boolean")
		}
	case "timestamp":
		if _, ok := val.(json.Number); !ok {
			return w.wrongType(path, "timestamp")
		}
	case "blob":
		if _, ok := val.(string); !ok {
			return w.wrongType(path, "blob")
		}
	}
	return nil
}

// length checks a list's or map's number of entries.
func (w *modelWalk) length(s *apimodel.Shape, path string, n int, show func() string) {
	if s.Min != nil && int64(n) < *s.Min {
		shown := show()
		w.v.add(path, &shown, false, fmt.Sprintf("Member must have length greater than or equal to %d", *s.Min))
	}
	if s.Max != nil && int64(n) > *s.Max {
		shown := show()
		w.v.add(path, &shown, false, fmt.Sprintf("Member must have length less than or equal to %d", *s.Max))
	}
}

// stringProblems lists the constraints a string breaks: enum, length in
// characters, and the pattern (checked only when the length is not too
// short, so an empty value gets one complaint).
func stringProblems(s *apimodel.Shape, str string) []string {
	var out []string
	if len(s.Enum) > 0 && !contains(s.Enum, str) {
		out = append(out, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
	}
	n := int64(utf8.RuneCountInString(str))
	short := s.Min != nil && n < *s.Min
	if short {
		out = append(out, fmt.Sprintf("Member must have length greater than or equal to %d", *s.Min))
	}
	if s.Max != nil && n > *s.Max {
		out = append(out, fmt.Sprintf("Member must have length less than or equal to %d", *s.Max))
	}
	if !short && !s.Matches(str) {
		out = append(out, "Member must satisfy regular expression pattern: "+s.Pattern)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// showList and showMap render a value as Cognito's messages do (Java's
// toString); sensitive elements are not shown.
func showList(list []any, elem *apimodel.Shape) string {
	parts := make([]string, len(list))
	for i, x := range list {
		if elem != nil && elem.Sensitive {
			parts[i] = "***"
			continue
		}
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func showMap(obj map[string]any) string {
	keys := sortedKeys(obj)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, obj[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// checkValue checks a Go value (a seed file's section) against a shape of
// the model, recording violations in v under path; seeds do not pass
// through validateRequest, so they are held to the same model this way.
func checkValue(v *validation, shape, path string, val any) {
	b, err := json.Marshal(val)
	if err != nil {
		v.problems = append(v.problems, fmt.Sprintf("%s: %v", member(path), err))
		return
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		v.problems = append(v.problems, fmt.Sprintf("%s: %v", member(path), err))
		return
	}
	m := apimodel.Load()
	w := modelWalk{m: m, op: "seed"}
	if err := w.value(m.Shapes[shape], path, doc); err != nil {
		v.problems = append(v.problems, err.Error())
	}
	v.problems = append(v.problems, w.v.problems...)
}

// checkString is checkValue for one string, without the JSON round trip:
// seeds check every user's strings this way, which keeps a seed of 100,000
// users quick.
func checkString(v *validation, shape, path, value string) {
	s := apimodel.Load().Shapes[shape]
	for _, problem := range stringProblems(s, value) {
		shown := value // taken by address only here, so a valid value costs no allocation
		v.add(path, &shown, s.Sensitive, problem)
	}
}
