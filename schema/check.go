package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// isSecret reports whether a field's value must never be quoted in a
// diagnostic: ExternalId, also when misspelt (ExternalID, externalId).
func isSecret(field string) bool {
	return strings.Contains(strings.ToLower(field), "externalid")
}

// fault is where the schema found a problem: an instance location (JSON
// pointer) and the keyword that failed there.
type fault struct{ location, keyword string }

// checkSchema validates doc against the embedded JSON Schema. It returns
// one diagnostic per problem, in mfactl's words, at the position of the
// offending key or value, and the faults behind them.
func checkSchema(doc *document) (diag.List, []fault) {
	err := compiled().Validate(doc.value)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return diag.List{{Severity: diag.Error, Code: "schema-invalid", Pos: doc.pos(doc.root),
			Summary: "cannot validate the document", Detail: err.Error()}}, []fault{{}}
	}
	all := leaves(ve, nil)
	var diags diag.List
	var faults []fault
	if choice, rest := rootChoice(doc, all); choice != nil {
		diags, faults, all = append(diags, *choice), append(faults, fault{"", "oneOf"}), rest
	}
	patternFaults := map[string]bool{}
	for _, leaf := range all {
		if keyword(leaf) == "pattern" {
			patternFaults[leaf.InstanceLocation] = true
		}
	}
	for _, leaf := range all {
		kw := keyword(leaf)
		faults = append(faults, fault{leaf.InstanceLocation, kw})
		if (kw == "minLength" || kw == "maxLength") && patternFaults[leaf.InstanceLocation] {
			continue // "not an ARN" says it all; "too short" would only repeat it
		}
		if len(diags) >= MaxDiagnostics {
			doc.undescribed++ // counted, not kept (see capDiagnostics)
			continue
		}
		diags = append(diags, doc.describe(leaf)...)
	}
	return diags, faults
}

func keyword(e *jsonschema.ValidationError) string {
	return e.KeywordLocation[strings.LastIndex(e.KeywordLocation, "/")+1:]
}

// spoilage says which parts of a document the schema faults leave
// unreadable, so that the sound parts still reach the cross-field rules.
type spoilage struct {
	all     bool // the root, Version or UserPools: nothing can be read
	entries map[string]*entrySpoilage
}

type entrySpoilage struct {
	id, pool, users, policies bool // its UserPoolId (so everything), its pool-level part, its Users list, its Policies list
	user, policy              map[string]bool
}

func spoiled(faults []fault) spoilage {
	s := spoilage{entries: map[string]*entrySpoilage{}}
	for _, f := range faults {
		t := pointerTokens(f.location)
		if len(t) < 2 || t[0] != "UserPools" {
			s.all = true
			continue
		}
		e := s.entries[t[1]]
		if e == nil {
			e = &entrySpoilage{user: map[string]bool{}, policy: map[string]bool{}}
			s.entries[t[1]] = e
		}
		switch {
		case len(t) == 2 && f.keyword == "additionalProperties": // an unknown pool-level key
			e.pool = true
		case len(t) == 2, t[2] == "UserPoolId":
			e.id = true
		case t[2] == "Policies" && len(t) == 3:
			e.policies = true
		case t[2] == "Policies":
			e.policy[t[3]] = true
		case t[2] != "Users":
			e.pool = true
		case len(t) == 3:
			e.users = true
		default:
			e.user[t[3]] = true
		}
	}
	return s
}

// entry reports whether entry i cannot be attributed to a pool at all.
func (s spoilage) entry(i int) bool {
	e := s.entries[strconv.Itoa(i)]
	return s.all || e != nil && e.id
}

// pool reports whether entry i's pool-level fields are unreadable.
func (s spoilage) pool(i int) bool {
	e := s.entries[strconv.Itoa(i)]
	return s.entry(i) || e != nil && e.pool
}

// user reports whether user j of entry i is unreadable.
func (s spoilage) user(i, j int) bool {
	e := s.entries[strconv.Itoa(i)]
	return s.entry(i) || e != nil && (e.users || e.user[strconv.Itoa(j)])
}

// policy reports whether policy j of entry i is unreadable.
func (s spoilage) policy(i, j int) bool {
	e := s.entries[strconv.Itoa(i)]
	return s.entry(i) || e != nil && (e.policies || e.policy[strconv.Itoa(j)])
}

// leaves returns the errors that are not explained by deeper ones.
func leaves(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leaves(c, out)
	}
	return out
}

// pointerTokens splits a JSON pointer as the validator writes it (tokens
// escaped with ~0, ~1 and then URL path escaping).
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	tokens := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens
}

// place is a location in a document: the key and value nodes (key is nil
// for list entries and the root), the JSON value and the field path.
type place struct {
	key, node *yaml.Node
	value     any
	path      string
	name      string // the last path element: "Enabled", "Users[3]", or "the document"
}

// locate follows instance tokens through the node tree and the values.
func (d *document) locate(tokens []string) place {
	p := place{node: d.root, value: d.value, name: "the document"}
	for _, t := range tokens {
		n := resolve(p.node)
		switch n.Kind {
		case yaml.MappingNode:
			p.key, p.node = nil, nil
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == t {
					p.key, p.node = n.Content[i], n.Content[i+1]
					break
				}
			}
			if m, ok := p.value.(map[string]any); ok {
				p.value = m[t]
			}
			p.name = t
			if p.path == "" {
				p.path = t
			} else {
				p.path += "." + t
			}
		case yaml.SequenceNode:
			i, _ := strconv.Atoi(t)
			p.key, p.node = nil, nil
			if i >= 0 && i < len(n.Content) {
				p.node = n.Content[i]
			}
			if l, ok := p.value.([]any); ok && i >= 0 && i < len(l) {
				p.value = l[i]
			}
			p.name += "[" + t + "]"
			p.path += "[" + t + "]"
		}
		if p.node == nil { // cannot happen for the validator's own locations
			p.node = n
			break
		}
	}
	return p
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func (d *document) pos(n *yaml.Node) state.Pos {
	return state.Pos{File: d.file, Line: n.Line, Column: n.Column}
}

// valuePos is where a fault in the value is shown: the value, or its key
// when the value is empty and so has no text of its own.
func (d *document) valuePos(p place) state.Pos {
	if p.key != nil && p.node.Kind == yaml.ScalarNode && p.node.ShortTag() == "!!null" && p.node.Value == "" {
		return d.pos(p.key)
	}
	return d.pos(p.node)
}

// fieldPos is where a fault of a whole mapping is shown: its key, or its
// first line for list entries and the root.
func (d *document) fieldPos(p place) state.Pos {
	if p.key != nil {
		return d.pos(p.key)
	}
	return d.pos(p.node)
}

// schemaAt returns the raw schema object at a JSON pointer into the schema.
func schemaAt(ptr string) map[string]any {
	var cur any = rawSchema()
	for _, t := range pointerTokens(ptr) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[t]
		case []any:
			i, _ := strconv.Atoi(t)
			if i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// describe turns one validator error into diagnostics.
func (d *document) describe(e *jsonschema.ValidationError) diag.List {
	_, kwPtr, _ := strings.Cut(e.AbsoluteKeywordLocation, "#")
	kwTokens := pointerTokens(kwPtr)
	if len(kwTokens) == 0 {
		return nil
	}
	kw := kwTokens[len(kwTokens)-1]
	parentPtr := kwPtr[:strings.LastIndex(kwPtr, "/")]
	sch := schemaAt(parentPtr)
	p := d.locate(pointerTokens(e.InstanceLocation))
	if d.bad[p.node] || (p.key != nil && d.bad[p.key]) {
		return nil
	}
	one := func(pos state.Pos, path, summary, detail string) diag.List {
		return diag.List{{Severity: diag.Error, Code: schemaCode(kw), Pos: pos, Path: path, Summary: summary, Detail: detail}}
	}

	switch kw {
	case "type":
		summary, detail := typeFault(p, sch, fieldRequired(parentPtr))
		return one(d.valuePos(p), p.path, summary, detail)
	case "const":
		if p.name == "AllUsers" {
			return one(d.valuePos(p), p.path, "AllUsers: false selects nobody",
				"write AllUsers: true for every user of the pool, or choose users with Group or Filter instead")
		}
		return one(d.valuePos(p), p.path, fmt.Sprintf("unsupported %s %s", p.name, p.node.Value),
			fmt.Sprintf("this mfactl reads %s %v", p.name, sch["const"]))
	case "enum":
		return one(d.valuePos(p), p.path, fmt.Sprintf("unknown %s %q", p.name, p.value), enumHint(p.value, sch))
	case "required":
		obj, _ := p.value.(map[string]any)
		var out diag.List
		for _, r := range stringList(sch["required"]) {
			if _, ok := obj[r]; !ok && !misspelt(obj, sch, r) {
				out = append(out, one(d.fieldPos(p), p.path, "missing required field "+r, requiredHint(r))...)
			}
		}
		return out
	case "additionalProperties":
		return d.unknownKeys(p, sch)
	case "minLength", "maxLength":
		s, _ := p.value.(string)
		n := utf8.RuneCountInString(s)
		adjective := "short"
		if kw == "maxLength" {
			adjective = "long"
		}
		return one(d.valuePos(p), p.path, fmt.Sprintf("%s is too %s: %d characters", p.name, adjective, n), lengthRange(sch))
	case "pattern":
		s, _ := p.value.(string)
		summary, detail := patternFault(p.name, s)
		if s == "" {
			summary, detail = p.name+" is empty", lengthRange(sch)
		}
		return one(d.valuePos(p), p.path, summary, detail)
	case "minItems":
		detail := "list at least one entry"
		if p.name == "UserPools" {
			detail = "list at least one pool, such as \"- UserPoolId: eu-west-1_AbCdEf123\""
		}
		return one(d.fieldPos(p), p.path, p.name+" is empty", detail)
	case "minProperties", "maxProperties":
		if p.name == "Select" {
			summary, detail := "Select is empty", "choose users with one of Group: <name>, AllUsers: true or Filter: '<attribute> = \"<value>\"'"
			if kw == "maxProperties" {
				detail = "a policy chooses its users one way; for users chosen two ways, write two policies"
				obj, _ := p.value.(map[string]any)
				names := make([]string, 0, len(obj))
				for k := range obj {
					names = append(names, k)
				}
				sort.Strings(names)
				summary = "Select names more than one way to choose users: " + strings.Join(names, ", ")
			}
			return one(d.fieldPos(p), p.path, summary, detail)
		}
		return one(d.fieldPos(p), p.path, p.name+" is empty",
			fmt.Sprintf("set at least one of %s, or remove %s to leave it unmanaged", orList(propertyNames(sch)), p.name))
	}
	return one(d.valuePos(p), p.path, e.Message, "")
}

// misspelt reports whether obj has an unknown key that is a near miss of
// field: the "did you mean" for that key already explains the absence.
func misspelt(obj map[string]any, sch map[string]any, field string) bool {
	props, _ := sch["properties"].(map[string]any)
	for k := range obj {
		if _, known := props[k]; !known && closest(k, []string{field}) == field {
			return true
		}
	}
	return false
}

// fieldRequired reports whether the property whose schema is at ptr is
// required by its object ("/$defs/User/properties/Username").
func fieldRequired(ptr string) bool {
	parent, name, ok := strings.Cut(ptr, "/properties/")
	for ok && strings.Contains(name, "/properties/") {
		var more string
		more, name, _ = strings.Cut(name, "/properties/")
		parent += "/properties/" + more
	}
	if !ok || strings.Contains(name, "/") {
		return false
	}
	for _, r := range stringList(schemaAt(parent)["required"]) {
		if r == name {
			return true
		}
	}
	return requiredByChoice(parent, name)
}

// typeFault explains a value of the wrong JSON type, with the fix.
func typeFault(p place, sch map[string]any, required bool) (summary, detail string) {
	want, _ := sch["type"].(string)
	got := describeValue(p.value, p.node, isSecret(p.name))
	if p.value == nil {
		summary = p.name + " is empty"
		detail = "give it a value"
		switch want {
		case "object":
			detail = "add its fields (" + strings.Join(propertyNames(sch), ", ") + ")"
			if r := stringList(sch["required"]); len(r) == 1 && r[0] == "Enabled" {
				detail = "add Enabled: true or Enabled: false"
			}
		case "array":
			detail = "list its entries, each on a line starting with \"- \""
		case "boolean":
			detail = "write true or false"
		}
		if p.key != nil && !required {
			detail += ", or remove " + p.name + " to leave it unmanaged"
		}
		return summary, detail
	}
	switch want {
	case "boolean":
		summary = fmt.Sprintf("%s must be true or false, not %s", p.name, got)
		detail = "write true or false"
		if s, ok := p.value.(string); ok {
			switch strings.ToLower(s) {
			case "true", "false":
				detail = "write true or false without quotes"
			case "yes", "no", "on", "off", "y", "n":
				detail = "write true or false; mfactl reads YAML 1.2, where yes, no, on and off are text, not booleans"
			}
		}
	case "string":
		summary = fmt.Sprintf("%s must be a string, not %s", p.name, got)
		switch p.value.(type) {
		case json.Number, bool:
			if isSecret(p.name) {
				detail = "put the value in quotes"
			} else {
				detail = fmt.Sprintf("put it in quotes: %q", p.node.Value)
			}
		default:
			detail = "write a single text value"
		}
	case "integer":
		summary = fmt.Sprintf("%s must be a whole number, not %s", p.name, got)
		detail = "write a number without quotes"
		if c, ok := sch["const"]; ok {
			detail = fmt.Sprintf("write %s: %v, without quotes", p.name, c)
		}
	case "array":
		summary = fmt.Sprintf("%s must be a list, not %s", p.name, got)
		detail = "start each entry on its own line with \"- \""
	case "object":
		summary = fmt.Sprintf("%s must be a mapping of fields, not %s", p.name, got)
		detail = "fields allowed here: " + strings.Join(propertyNames(sch), ", ")
		if s, ok := p.value.(string); ok {
			switch {
			case strings.HasPrefix(p.name, "Users["):
				detail = fmt.Sprintf("write the entry as \"- Username: %s\"", s)
			case strings.HasPrefix(p.name, "UserPools["):
				detail = fmt.Sprintf("write the entry as \"- UserPoolId: %s\"", s)
			}
		}
		if p.name == "the document" {
			summary = "the document must be a mapping with Version and UserPools, not " + got
			detail = "start the document with \"Version: 1\" and \"UserPools:\""
		}
	default:
		summary = fmt.Sprintf("%s has the wrong type: %s", p.name, got)
	}
	return summary, detail
}

// describeValue names a value the way the user wrote it.
func describeValue(v any, n *yaml.Node, secret bool) string {
	switch v := v.(type) {
	case nil:
		return "empty"
	case bool:
		return "the boolean " + n.Value
	case json.Number:
		if secret {
			return "a number"
		}
		return "the number " + n.Value
	case string:
		if secret {
			return "a string"
		}
		return "the string " + strconv.Quote(shorten(v, 40))
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// enumHint lists the allowed values and suggests the closest one.
func enumHint(v any, sch map[string]any) string {
	allowed := stringList(sch["enum"])
	capitals := true
	for _, a := range allowed {
		capitals = capitals && a == strings.ToUpper(a)
	}
	how := "case-sensitive"
	if capitals {
		how = "in capitals"
	}
	detail := fmt.Sprintf("allowed: %s (%s)", strings.Join(allowed, ", "), how)
	if s, ok := v.(string); ok {
		if best := closest(s, allowed); best != "" {
			detail = "did you mean " + best + "? " + detail
		}
	}
	return detail
}

func lengthRange(sch map[string]any) string {
	lo, hasLo := sch["minLength"].(float64)
	hi, hasHi := sch["maxLength"].(float64)
	switch {
	case hasLo && hasHi:
		return fmt.Sprintf("allowed: %d to %d characters", int(lo), int(hi))
	case hasLo:
		return fmt.Sprintf("allowed: at least %d characters", int(lo))
	default:
		return fmt.Sprintf("allowed: at most %d characters", int(hi))
	}
}

// requiredHints say how to supply each required field.
var requiredHints = map[string]string{
	"Version":      "add \"Version: 1\" at the top of the document",
	"UserPools":    "list the pools under \"UserPools:\", each starting with \"- UserPoolId: <id>\"",
	"UserPoolId":   "every UserPools entry names its pool, such as \"UserPoolId: eu-west-1_AbCdEf123\"",
	"Username":     "every Users entry names its user, such as \"Username: alice\"",
	"Enabled":      "write Enabled: true or Enabled: false; to leave the factor unmanaged, remove the whole block",
	"SnsCallerArn": "give the IAM role Cognito uses for SNS, such as arn:aws:iam::123456789012:role/cognito-sms, or EumsSms: {CallerArn: <role>} to send through AWS End User Messaging",
	"CallerArn":    "give the IAM role Cognito uses for AWS End User Messaging, such as arn:aws:iam::123456789012:role/cognito-eums",
}

func requiredHint(field string) string {
	if h, ok := requiredHints[field]; ok {
		return h
	}
	return "add " + field
}

// patternFault explains a string that does not have the form Cognito
// accepts. Secret values are never quoted.
func patternFault(field, s string) (summary, detail string) {
	switch field {
	case "UserPoolId":
		return fmt.Sprintf("%q is not a user pool ID", shorten(s, 60)),
			"expected <region>_<id> such as eu-west-1_AbCdEf123: letters, digits and \"-\" before the underscore, letters and digits after it"
	case "SmsAuthenticationMessage":
		if !strings.Contains(s, "{####}") {
			return "SmsAuthenticationMessage has no {####} placeholder", "Cognito puts the code where {####} stands, such as \"Your code is {####}\""
		}
		return "SmsAuthenticationMessage spans several lines", "write the text message on one line"
	case "Message":
		if !strings.Contains(s, "{####}") {
			return "Message has no {####} placeholder", "Cognito puts the code where {####} stands, such as \"Your sign-in code is {####}\""
		}
		return "Message contains characters Cognito does not accept", "letters, digits, marks, symbols, punctuation and ordinary white space only"
	case "Subject":
		return "Subject contains characters Cognito does not accept", "letters, digits, marks, symbols, punctuation and ordinary white space only"
	case "SnsCallerArn", "CallerArn":
		return fmt.Sprintf("%q is not an ARN", shorten(s, 60)), "expected an IAM role ARN such as arn:aws:iam::123456789012:role/cognito-sms"
	case "Name":
		return fmt.Sprintf("%q is not a valid policy name", shorten(s, 60)), "start with a letter or digit; then letters, digits, '.', '_' or '-', such as admins-use-totp"
	case "Group":
		return fmt.Sprintf("%q is not a valid group name", shorten(s, 60)), "letters, digits, marks, symbols and punctuation only: no spaces or control characters"
	case "Username":
		return fmt.Sprintf("%q is not a valid username", shorten(s, 60)), "letters, digits, marks, symbols and punctuation only: no spaces or control characters"
	}
	return field + " does not have the form Cognito accepts", ""
}

// unknownKeys reports each key of p's mapping that the schema does not
// allow there, at the key, with the nearest allowed name.
func (d *document) unknownKeys(p place, sch map[string]any) diag.List {
	allowed := propertyNames(sch)
	obj := resolve(p.node)
	var out diag.List
	for i := 0; i+1 < len(obj.Content); i += 2 {
		k := obj.Content[i]
		if _, ok := sch["properties"].(map[string]any)[k.Value]; ok || d.bad[k] {
			continue
		}
		key := displayKey(k.Value)
		path := key
		if p.path != "" {
			path = p.path + "." + key
		}
		out = append(out, diag.Diagnostic{Severity: diag.Error, Code: "schema-unknown-field", Pos: d.pos(k), Path: path,
			Summary: "unknown field " + key, Detail: unknownKeyHint(k.Value, p.name, allowed)})
	}
	return out
}

func unknownKeyHint(key, parent string, allowed []string) string {
	here := "fields allowed here: " + strings.Join(allowed, ", ")
	if parent == "WebAuthnConfiguration" && key == "Enabled" {
		return "WebAuthnConfiguration has no Enabled; FactorConfiguration decides whether passkeys count as MFA; " + here
	}
	for _, a := range allowed {
		if strings.EqualFold(a, key) {
			return "did you mean " + a + "? Names are case-sensitive"
		}
	}
	if where := fieldPlaces()[strings.ToLower(key)]; where != "" {
		return where + "; " + here
	}
	if best := closest(key, allowed); best != "" {
		return "did you mean " + best + "? " + here
	}
	return here
}

// fieldPlaces maps every field name in the schema (lower-cased) to a
// sentence saying where it belongs, for keys written at the wrong level.
var fieldPlaces = sync.OnceValue(func() map[string]string {
	places := map[string][]string{}
	names := map[string]string{}
	var walk func(sch map[string]any, where string, seen map[string]bool)
	walk = func(sch map[string]any, where string, seen map[string]bool) {
		if ref, ok := sch["$ref"].(string); ok && !seen[ref] {
			seen[ref] = true
			walk(schemaAt(strings.TrimPrefix(ref, "#")), where, seen)
			delete(seen, ref)
		}
		if items, ok := sch["items"].(map[string]any); ok {
			walk(items, "a "+where+" entry", seen)
		}
		props, _ := sch["properties"].(map[string]any)
		for name, sub := range props {
			lower := strings.ToLower(name)
			names[lower] = name
			places[lower] = append(places[lower], where)
			if m, ok := sub.(map[string]any); ok {
				walk(m, name, seen)
			}
		}
	}
	walk(rawSchema(), "the top level of the document", map[string]bool{})
	out := map[string]string{}
	for lower, wheres := range places {
		sort.Strings(wheres)
		wheres = compact(wheres)
		if len(wheres) > 3 { // Enabled: belongs nearly everywhere; no useful hint
			continue
		}
		out[lower] = fmt.Sprintf("%s belongs in %s, not here", names[lower], orList(wheres))
	}
	return out
})

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func propertyNames(sch map[string]any) []string {
	props, _ := sch["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, s := range l {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// schemaCode is the diagnostic code (diag.Rules) of a failed JSON Schema keyword.
func schemaCode(keyword string) string {
	switch keyword {
	case "type":
		return "schema-type"
	case "const", "enum":
		return "schema-value"
	case "required":
		return "schema-required"
	case "additionalProperties":
		return "schema-unknown-field"
	case "minLength", "maxLength":
		return "schema-length"
	case "pattern":
		return "schema-pattern"
	case "minItems", "minProperties":
		return "schema-empty"
	}
	return "schema-invalid"
}
