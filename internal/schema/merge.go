package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// loader merges the documents of all files into one desired state.
type loader struct {
	diags diag.List
	pools []*pool
	byID  map[string]*pool
	self  *selfDecl // the Self entry, if a file declares one
}

// pool is one pool being merged, with what the rules need to know about
// where each part was declared.
type pool struct {
	state.DesiredPool
	configured bool                   // an entry has set pool-level fields
	byName     map[string]int         // username → index in Users
	byFolded   map[string]int         // lower-cased username → first index
	userFields []map[string]state.Pos // per user: "SMSMfaSettings.Enabled" → position
	legacyPos  state.Pos              // where LegacyMfaOptions is declared
	byPolicy   map[string]int         // policy name → index in Policies
}

func newLoader() *loader { return &loader{byID: map[string]*pool{}} }

func (l *loader) addFile(name string, data []byte) {
	docs, diags := parseFile(name, data)
	l.diags = append(l.diags, diags...)
	for _, doc := range docs {
		l.diags = append(l.diags, adaptCLIInput(doc)...)
		diags, faults := checkSchema(doc)
		l.diags = append(l.diags, diags...)
		if !doc.faulty {
			l.addDocument(doc, faults)
		}
	}
}

// addDocument merges the parts of doc that the schema found sound.
func (l *loader) addDocument(doc *document, faults []fault) {
	spoilt := spoiled(faults)
	root, _ := doc.value.(map[string]any)
	if self, ok := root["Self"].(map[string]any); ok && !spoilt.all {
		l.addSelf(doc, self)
	}
	entries, _ := root["UserPools"].([]any)
	for i, e := range entries {
		entry, _ := e.(map[string]any)
		ptr := "/UserPools/" + strconv.Itoa(i)
		at := doc.locate(pointerTokens(ptr))
		id, ok := entry["UserPoolId"].(string)
		if !ok || spoilt.entry(i) {
			continue
		}
		p := l.pool(id, doc.pos(resolve(at.node)), at.path)
		if !spoilt.pool(i) {
			l.addPoolFields(p, doc, entry, at)
			l.addLegacyMode(p, doc, entry, at)
		}
		policies, _ := entry["Policies"].([]any)
		for j, pol := range policies {
			if spoilt.policy(i, j) {
				continue
			}
			if fields, ok := pol.(map[string]any); ok {
				l.addPolicy(p, doc, fields, doc.locate(pointerTokens(ptr+"/Policies/"+strconv.Itoa(j))))
			}
		}
		users, _ := entry["Users"].([]any)
		for j, u := range users {
			if spoilt.user(i, j) {
				continue
			}
			if fields, ok := u.(map[string]any); ok {
				l.addUser(p, doc, fields, doc.locate(pointerTokens(ptr+"/Users/"+strconv.Itoa(j))))
			}
		}
	}
}

func (l *loader) pool(id string, pos state.Pos, path string) *pool {
	if p, ok := l.byID[id]; ok {
		return p
	}
	p := &pool{DesiredPool: state.DesiredPool{UserPoolId: id, Pos: pos, Path: path},
		byName: map[string]int{}, byFolded: map[string]int{}, byPolicy: map[string]int{}}
	l.byID[id] = p
	l.pools = append(l.pools, p)
	return p
}

// entryLists are the keys of a UserPools entry that are not pool-level
// fields: the pool's ID and the lists any entry for the pool may add to.
var entryLists = map[string]bool{"UserPoolId": true, "Users": true, "Policies": true}

// addPoolFields takes an entry's pool-level fields, which only one entry
// per pool may set.
func (l *loader) addPoolFields(p *pool, doc *document, entry map[string]any, at place) {
	fields := map[string]any{}
	for k, v := range entry {
		if !entryLists[k] && k != legacyModeField {
			fields[k] = v
		}
	}
	if len(fields) == 0 {
		return
	}
	node := resolve(at.node)
	fieldPos := map[string]state.Pos{}
	first := ""
	for i := 0; i+1 < len(node.Content); i += 2 {
		k := node.Content[i].Value
		if entryLists[k] || k == legacyModeField {
			continue
		}
		if first == "" {
			first = k
		}
		recordPositions(doc, fieldPos, k, node.Content[i], node.Content[i+1])
	}
	if p.configured {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "pool-declared-twice", UserPoolId: p.UserPoolId, Pos: fieldPos[first], Path: at.path + "." + first,
			Summary: fmt.Sprintf("pool-level fields of %s are already set at %s (%s)", p.UserPoolId, posString(p.Pos), p.Path),
			Detail:  "set MfaConfiguration and the factor blocks of a pool in one UserPools entry; other entries for the same pool may only list Users"})
		return
	}
	var cfg state.PoolConfig
	if err := decodeStrict(fields, &cfg); err != nil {
		l.diags = append(l.diags, internalError(doc, at, err))
		return
	}
	p.Config, p.configured, p.FieldPos = cfg, true, fieldPos
	p.Pos, p.Path = doc.pos(node), at.path
}

// recordPositions notes where key and, for blocks, each of its fields are
// declared: "SmsMfaConfiguration", "SmsMfaConfiguration.Enabled", ...
func recordPositions(doc *document, into map[string]state.Pos, name string, key, value *yaml.Node) {
	into[name] = doc.pos(key)
	value = resolve(value)
	if value.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(value.Content); i += 2 {
		recordPositions(doc, into, name+"."+value.Content[i].Value, value.Content[i], value.Content[i+1])
	}
}

func (l *loader) addUser(p *pool, doc *document, fields map[string]any, at place) {
	name, _ := fields["Username"].(string)
	node := resolve(at.node)
	pos := doc.pos(node)
	if j, dup := p.byName[name]; dup {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "duplicate-user", UserPoolId: p.UserPoolId, Username: name, Pos: pos, Path: at.path,
			Summary: fmt.Sprintf("user %s is already declared for %s at %s", name, p.UserPoolId, posString(p.Users[j].Pos)),
			Detail:  "declare each user once per pool"})
		return
	}
	if j, ok := p.byFolded[strings.ToLower(name)]; ok {
		other := p.Users[j]
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Warning, Code: "username-case", UserPoolId: p.UserPoolId, Username: name, Pos: pos, Path: at.path,
			Summary: fmt.Sprintf("user %s differs from %s (%s) only in case", name, other.Username, posString(other.Pos)),
			Detail:  "in a pool with case-insensitive usernames, Cognito's default, both name the same user; declare it once"})
	} else {
		p.byFolded[strings.ToLower(name)] = len(p.Users)
	}
	settings := map[string]any{}
	for k, v := range fields {
		if k != "Username" && k != legacyOptionsField {
			settings[k] = v
		}
	}
	var us state.UserSettings
	if err := decodeStrict(settings, &us); err != nil {
		l.diags = append(l.diags, internalError(doc, at, err))
		return
	}
	legacy, err := legacyOptions(fields)
	if err != nil {
		l.diags = append(l.diags, internalError(doc, at, err))
		return
	}
	positions := map[string]state.Pos{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		recordPositions(doc, positions, node.Content[i].Value, node.Content[i], node.Content[i+1])
	}
	p.byName[name] = len(p.Users)
	p.Users = append(p.Users, state.DesiredUser{Username: name, Settings: us, MFAOptions: legacy, Pos: pos, Path: at.path, FieldPos: positions})
	p.userFields = append(p.userFields, positions)
}

// addPolicy takes one policy of an entry; its name must be new to the pool.
func (l *loader) addPolicy(p *pool, doc *document, fields map[string]any, at place) {
	name, _ := fields["Name"].(string)
	node := resolve(at.node)
	pos := doc.pos(node)
	positions := map[string]state.Pos{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		recordPositions(doc, positions, node.Content[i].Value, node.Content[i], node.Content[i+1])
	}
	if j, dup := p.byPolicy[name]; dup {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "policy-declared-twice", UserPoolId: p.UserPoolId, Pos: positions["Name"], Path: at.path + ".Name",
			Summary: fmt.Sprintf("policy %s is already declared for %s at %s", name, p.UserPoolId, posString(p.Policies[j].Pos)),
			Detail:  "give each policy of a pool its own Name: plans and reports name policies by it"})
		return
	}
	var decoded struct {
		Name       string
		Select     state.Selection
		Ineligible state.Ineligible
		state.UserSettings
	}
	if err := decodeStrict(fields, &decoded); err != nil {
		l.diags = append(l.diags, internalError(doc, at, err))
		return
	}
	if decoded.Ineligible == "" {
		decoded.Ineligible = state.IneligibleReport
	}
	p.byPolicy[name] = len(p.Policies)
	p.Policies = append(p.Policies, state.Policy{Name: name, Select: decoded.Select, Settings: decoded.UserSettings,
		Ineligible: decoded.Ineligible, Pos: pos, Path: at.path, FieldPos: positions})
}

// decodeStrict maps schema-valid JSON values onto the state types, whose
// JSON names are the file's names. An unknown field here means the schema
// and the state types disagree: a bug, reported rather than dropped.
func decodeStrict(v any, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

func internalError(doc *document, at place, err error) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Error, Code: "internal-error", Pos: doc.pos(resolve(at.node)), Path: at.path,
		Summary: "internal error: the schema accepted what mfactl cannot read", Detail: err.Error()}
}

func posString(p state.Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// finish runs the cross-field rules on the merged pools, sorts and
// de-duplicates the diagnostics (an aliased value is reported once at its
// anchor, not once per use), and returns the desired state.
func (l *loader) finish() state.Desired {
	var d state.Desired
	l.finishSelf(&d)
	for _, p := range l.pools {
		l.diags = append(l.diags, checkRules(p)...)
		l.diags = append(l.diags, checkLegacy(p)...)
		if p.FieldPos == nil {
			p.FieldPos = map[string]state.Pos{}
		}
		d.Pools = append(d.Pools, p.DesiredPool)
	}
	l.diags.Sort()
	out := l.diags[:0]
	type key struct {
		sev             diag.Severity
		pos             state.Pos
		summary, detail string
	}
	seen := map[key]bool{}
	for _, x := range l.diags {
		k := key{x.Severity, x.Pos, x.Summary, x.Detail}
		if x.Pos.Line > 0 && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	l.diags = out
	return d
}
