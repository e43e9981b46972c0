package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/emulator/apimodel"
)

// TestConstraintCases sends requests generated from Cognito's API model
// (emulator/apimodel) to every selected target: for each operation the
// emulator serves, a request with only its required members, one per
// optional member set to a valid value (model-valid), and one per
// constraint broken (model-invalid: a required member missing, a string
// too short or too long or off its pattern or enum, a number or list out
// of range, a map key off its constraints). AWS answers every model-invalid
// request with a validation error (InvalidParameterException, "N
// validation errors detected") before looking anything up. The emulator
// must refuse every model-invalid request so and no model-valid one;
// cognito-local's counts are reported, not asserted.
func TestConstraintCases(t *testing.T) {
	cases := constraintCases()
	valid, invalid := 0, 0
	for _, c := range cases {
		if c.valid {
			valid++
		} else {
			invalid++
		}
	}
	targets, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range targets {
		t.Run(target.Name, func(t *testing.T) {
			backend := startBackend(t, target)
			refused, validRefused := 0, 0
			var wrong []string
			for _, c := range cases {
				code, message, err := sendRaw(backend.Endpoint, c.op, c.body)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				isValidation := code == "InvalidParameterException" && strings.Contains(message, "validation error")
				switch {
				case !c.valid && isValidation:
					refused++
				case !c.valid:
					wrong = append(wrong, fmt.Sprintf("accepted although invalid: %s: answered %s %s", c.name, orOK(code), message))
				case isValidation:
					validRefused++
					wrong = append(wrong, fmt.Sprintf("refused although valid: %s: %s", c.name, message))
				}
			}
			t.Logf("%s: refused %d of %d model-invalid requests as validation errors; refused %d of %d model-valid requests so",
				target.Name, refused, invalid, validRefused, valid)
			if target.Name == Emulator {
				for _, w := range wrong {
					t.Error(w)
				}
			}
		})
	}
}

func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}

// sendRaw posts a JSON 1.1 request with a SigV4-shaped Authorization header
// (no target here checks the signature) and returns the error code and
// message, or "" for success.
func sendRaw(endpoint, op string, body []byte) (code, message string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := emulator.NewRequest(ctx, endpoint, "us-east-1", op, bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		return "", "", nil
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Lower   string `json:"Message"`
	}
	_ = json.Unmarshal(data, &e)
	if e.Type == "" {
		e.Type = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	if i := strings.LastIndex(e.Type, "#"); i >= 0 {
		e.Type = e.Type[i+1:]
	}
	return e.Type, e.Message + e.Lower, nil
}

// A constraintCase is one generated request.
type constraintCase struct {
	op, name string
	body     []byte
	valid    bool
}

// constraintCases generates the cases for every operation the emulator
// serves, in a fixed order.
func constraintCases() []constraintCase {
	m := apimodel.Load()
	var out []constraintCase
	for _, op := range emulator.Operations() {
		g := caseGen{m: m, op: op}
		in := m.Input(op)
		base, ok := g.valid(in, 0)
		if !ok {
			continue
		}
		g.add(op+": required members only", base, true)
		g.walk(in, base.(map[string]any), nil, 0)
		out = append(out, g.cases...)
	}
	return out
}

type caseGen struct {
	m     *apimodel.Model
	op    string
	cases []constraintCase
}

const maxDepth = 4

func (g *caseGen) add(name string, doc any, valid bool) {
	body, _ := json.Marshal(doc)
	g.cases = append(g.cases, constraintCase{op: g.op, name: name, body: body, valid: valid})
}

// walk adds, for each member of the structure s (its value in doc is obj,
// at path), the cases for that member, and recurses into nested
// structures and list elements.
func (g *caseGen) walk(s *apimodel.Shape, obj map[string]any, path []string, depth int) {
	if depth > maxDepth {
		return
	}
	for _, mem := range s.Members {
		ms := g.m.Shapes[mem.Shape]
		p := append(slices.Clone(path), mem.Name)
		label := g.op + ": " + strings.Join(p, ".")
		present, had := obj[mem.Name]
		// Work on a copy of the request with this member filled in.
		value := present
		if !had {
			v, ok := g.valid(ms, depth+1)
			if !ok {
				continue
			}
			value = v
		}
		set := func(v any) any {
			return g.withMember(path, mem.Name, v)
		}
		if !had {
			g.add(label+" set to a valid value", set(value), true)
		}
		if s.IsRequired(mem.Name) {
			g.add(label+" missing", g.withoutMember(path, mem.Name), false)
		}
		for _, bad := range g.invalid(ms) {
			g.add(label+" "+bad.what, set(bad.value), false)
		}
		switch ms.Type {
		case "structure":
			if nested, ok := value.(map[string]any); ok {
				sub := g.sub(path, mem.Name, nested)
				sub.walk(ms, nested, p, depth+1)
				g.cases = append(g.cases, sub.cases[1:]...)
			}
		case "list":
			es := g.m.Shapes[ms.Member]
			if es.Type == "structure" {
				if list, ok := value.([]any); ok && len(list) > 0 {
					if elem, ok := list[0].(map[string]any); ok {
						sub := g.sub(path, mem.Name, []any{elem})
						sub.walk(es, elem, append(p, "0"), depth+1)
						g.cases = append(g.cases, sub.cases[1:]...)
					}
				}
				continue
			}
			for _, bad := range g.invalid(es) {
				g.add(label+"[0] "+bad.what, set([]any{bad.value}), false)
			}
		}
	}
}

// The request being built, as a tree, lives in the first case of the
// operation (required members only); withMember and withoutMember copy it
// and change one member at path.
func (g *caseGen) root() map[string]any {
	var doc map[string]any
	_ = json.Unmarshal(g.cases[0].body, &doc)
	return doc
}

func (g *caseGen) withMember(path []string, name string, v any) any {
	doc := g.root()
	parent := dig(doc, path)
	parent[name] = v
	return doc
}

func (g *caseGen) withoutMember(path []string, name string) any {
	doc := g.root()
	delete(dig(doc, path), name)
	return doc
}

// sub is a generator whose root has the member at path set to value, for
// the cases inside that member.
func (g *caseGen) sub(path []string, name string, value any) *caseGen {
	doc := g.withMember(path, name, value)
	body, _ := json.Marshal(doc)
	return &caseGen{m: g.m, op: g.op, cases: []constraintCase{{body: body}}}
}

// dig follows path ("0" is a list's first element) in doc.
func dig(doc map[string]any, path []string) map[string]any {
	cur := doc
	for _, p := range path {
		switch next := cur[p].(type) {
		case map[string]any:
			cur = next
		case []any:
			cur = next[0].(map[string]any)
		default:
			if p == "0" {
				continue
			}
			return cur
		}
	}
	return cur
}

// valid returns a model-valid value of shape s with its required members,
// or false if one cannot be made.
func (g *caseGen) valid(s *apimodel.Shape, depth int) (any, bool) {
	switch s.Type {
	case "structure":
		obj := map[string]any{}
		if depth > maxDepth {
			return obj, len(s.Required) == 0
		}
		for _, mem := range s.Members {
			if !s.IsRequired(mem.Name) {
				continue
			}
			v, ok := g.valid(g.m.Shapes[mem.Shape], depth+1)
			if !ok {
				return nil, false
			}
			obj[mem.Name] = v
		}
		return obj, true
	case "list":
		v, ok := g.valid(g.m.Shapes[s.Member], depth+1)
		if !ok {
			return nil, false
		}
		n := 1
		if s.Min != nil && *s.Min > 1 {
			n = int(*s.Min)
		}
		list := make([]any, n)
		for i := range list {
			list[i] = v
		}
		return list, true
	case "map":
		k, ok1 := validString(g.m.Shapes[s.Key])
		v, ok2 := g.valid(g.m.Shapes[s.Value], depth+1)
		return map[string]any{k: v}, ok1 && ok2
	case "string":
		v, ok := validString(s)
		return v, ok
	case "integer", "long":
		if s.Min != nil {
			return *s.Min, true
		}
		return 1, true
	case "boolean":
		return true, true
	case "timestamp":
		return 1767225600, true
	case "blob":
		return "YQ==", true
	}
	return nil, false
}

// seeds are tried in turn for a string that fits a shape; each is padded
// with 'a' up to the minimum length.
var seeds = []string{
	"a", "abc123", "us-east-1_abc123", "arn:aws:iam::123456789012:role/x", "user@example.com",
	"Your code is {####}", "Click {##here##} {####}", "123456", "+15555550100", "https://example.com",
	"terms-of-use", "cognito:default", "00000000-0000-4000-8000-000000000000", "abcdef0123",
	"import-abc", "example.com", "Aa1!aaaaaa",
}

func validString(s *apimodel.Shape) (string, bool) {
	if len(s.Enum) > 0 {
		return s.Enum[0], true
	}
	for _, seed := range seeds {
		v := seed
		if n := minLen(s); len([]rune(v)) < n {
			v += strings.Repeat("a", n-len([]rune(v)))
		}
		if fits(s, v) {
			return v, true
		}
	}
	return "", false
}

func minLen(s *apimodel.Shape) int {
	if s.Min != nil {
		return int(*s.Min)
	}
	return 0
}

func fits(s *apimodel.Shape, v string) bool {
	n := int64(len([]rune(v)))
	return (s.Min == nil || n >= *s.Min) && (s.Max == nil || n <= *s.Max) && s.Matches(v)
}

type badValue struct {
	what  string
	value any
}

// invalid lists values of shape s that break one of its constraints.
func (g *caseGen) invalid(s *apimodel.Shape) []badValue {
	var out []badValue
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 {
			out = append(out, badValue{"off its enum", "NOT_IN_THE_ENUM"})
			return out
		}
		good, ok := validString(s)
		if !ok {
			return nil
		}
		if s.Min != nil && *s.Min > 0 {
			out = append(out, badValue{fmt.Sprintf("of length %d", *s.Min-1), strings.Repeat(good[:1], int(*s.Min-1))})
		}
		if s.Max != nil {
			n := int(*s.Max) + 1
			long := good + strings.Repeat(string(good[len(good)-1]), max(0, n-len([]rune(good))))
			out = append(out, badValue{fmt.Sprintf("of length %d", n), long})
		}
		if s.Pattern != "" && !s.UncheckedPattern {
			for _, c := range []string{"\x00", " ", "!", "\t", "a b", "é"} {
				v := strings.Repeat(c, max(1, minLen(s)))
				n := int64(len([]rune(v)))
				if (s.Max == nil || n <= *s.Max) && n >= int64(minLen(s)) && !s.Matches(v) {
					out = append(out, badValue{fmt.Sprintf("%q off its pattern", v), v})
					break
				}
			}
		}
	case "integer", "long":
		if s.Min != nil {
			out = append(out, badValue{fmt.Sprintf("= %d", *s.Min-1), *s.Min - 1})
		}
		if s.Max != nil {
			out = append(out, badValue{fmt.Sprintf("= %d", *s.Max+1), *s.Max + 1})
		}
	case "list":
		elem, ok := g.valid(g.m.Shapes[s.Member], 0)
		if !ok {
			return nil
		}
		if s.Min != nil && *s.Min > 0 {
			out = append(out, badValue{fmt.Sprintf("with %d entries", *s.Min-1), make([]any, *s.Min-1)})
		}
		if s.Max != nil && *s.Max < 100 {
			list := make([]any, *s.Max+1)
			for i := range list {
				list[i] = elem
			}
			out = append(out, badValue{fmt.Sprintf("with %d entries", *s.Max+1), list})
		}
	case "map":
		ks, vs := g.m.Shapes[s.Key], g.m.Shapes[s.Value]
		v, ok := g.valid(vs, 0)
		if !ok {
			return nil
		}
		for _, bad := range g.invalid(ks) {
			if key, isString := bad.value.(string); isString {
				out = append(out, badValue{"with a key " + bad.what, map[string]any{key: v}})
			}
		}
	}
	return out
}
