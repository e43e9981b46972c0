package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// loader merges the documents of all files into one desired state.
type loader struct {
	diags   diag.List
	pools   []*pool
	byID    map[string]*pool
	self    *selfDecl    // the Self entry, if a file declares one
	aliases *aliasBudget // what aliases may add, over all files
	dropped int          // diagnostics counted but not kept (see capDiagnostics)
}

// pool is one pool being merged, with what the rules need to know about
// where each part was declared.
type pool struct {
	state.DesiredPool
	configured bool           // an entry has set pool-level fields
	byFolded   map[string]int // lower-cased username → index of the first such user
	variants   map[string]int // username → index, for the users after the first of their lower case
	legacyPos  state.Pos      // where LegacyMfaOptions is declared
	byPolicy   map[string]int // policy name → index in Policies
	byNormal   map[string]int // NFC username → index, for names not in ASCII (see normalizedCollision)
	// lists holds the users, one slice per Users list, so that a pool of a
	// million users is not copied again and again to grow one slice;
	// finish joins them into Users. count is how many there are.
	lists [][]state.DesiredUser
	count int
}

// user returns the user with index i, counted over all lists.
func (p *pool) user(i int) *state.DesiredUser {
	for _, l := range p.lists {
		if i < len(l) {
			return &l[i]
		}
		i -= len(l)
	}
	panic("schema: no such user")
}

func newLoader() *loader { return &loader{byID: map[string]*pool{}, aliases: newAliasBudget()} }

func (l *loader) addFile(name string, data []byte) {
	docs, diags := parseFile(name, data, l.aliases)
	l.diags = append(l.diags, diags...)
	for _, doc := range docs {
		l.diags = append(l.diags, adaptCLIInput(doc)...)
		l.diags = append(l.diags, integerNotation(doc)...)
		diags, faults := checkSchema(doc)
		l.diags = append(l.diags, diags...)
		l.dropped += doc.undescribed
		if !doc.faulty {
			l.addDocument(doc, faults)
		}
	}
}

// addDocument merges the parts of doc that the schema found sound,
// walking its node tree: the schema has checked the shape of what it takes.
func (l *loader) addDocument(doc *document, faults []fault) {
	spoilt := spoiled(faults)
	if self := valueOf(resolve(doc.root), "Self"); self != nil && self.Kind == yaml.MappingNode && !spoilt.all {
		l.addSelf(doc, jsonValue(self).(map[string]any))
	}
	entries := valueOf(resolve(doc.root), "UserPools")
	if entries == nil {
		return
	}
	for i, e := range entries.Content {
		entry := resolve(e)
		id := valueOf(entry, "UserPoolId")
		if id == nil || !isString(id) || spoilt.entry(i) {
			continue
		}
		path := "UserPools[" + strconv.Itoa(i) + "]"
		p := l.pool(id.Value, doc.pos(entry), path)
		if !spoilt.pool(i) {
			l.addPoolFields(p, doc, entry, path)
			l.addLegacyMode(p, doc, entry, path)
		}
		if ignore := valueOf(entry, ignoreField); ignore != nil && ignore.Kind == yaml.SequenceNode && !spoilt.pool(i) {
			for _, code := range ignore.Content {
				if code := resolve(code); isString(code) && !slices.Contains(p.Ignore, code.Value) {
					p.Ignore = append(p.Ignore, strings.Clone(code.Value))
				}
			}
		}
		if policies := valueOf(entry, "Policies"); policies != nil {
			for j, pol := range policies.Content {
				if pol := resolve(pol); pol.Kind == yaml.MappingNode && !spoilt.policy(i, j) {
					l.addPolicy(p, doc, pol, path+".Policies["+strconv.Itoa(j)+"]")
				}
			}
		}
		users := valueOf(entry, "Users")
		if users == nil {
			continue
		}
		p.lists = append(p.lists, make([]state.DesiredUser, 0, len(users.Content)))
		userPath := []byte(path + ".Users[")
		for j, u := range users.Content {
			if u := resolve(u); u.Kind == yaml.MappingNode && !spoilt.user(i, j) {
				l.addUser(p, doc, u, string(append(strconv.AppendInt(userPath, int64(j), 10), ']')))
			}
		}
	}
}

// valueOf returns the value of key in mapping n (aliases resolved), or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// isString reports whether n is a scalar the converter reads as a string.
func isString(n *yaml.Node) bool {
	tag := n.ShortTag()
	return n.Kind == yaml.ScalarNode && (tag == "!!str" || tag == "!!timestamp")
}

func (l *loader) pool(id string, pos state.Pos, path string) *pool {
	if p, ok := l.byID[id]; ok {
		return p
	}
	id = strings.Clone(id) // not the file's text, which would stay in memory with it
	p := &pool{DesiredPool: state.DesiredPool{UserPoolId: id, Pos: pos, Path: path},
		byFolded: map[string]int{}, byPolicy: map[string]int{}}
	l.byID[id] = p
	l.pools = append(l.pools, p)
	return p
}

// entryLists are the keys of a UserPools entry that are not pool-level
// fields: the pool's ID and the lists any entry for the pool may add to.
var entryLists = map[string]bool{"UserPoolId": true, "Users": true, "Policies": true, ignoreField: true}

// ignoreField lists the warning rules a pool's team has acknowledged.
const ignoreField = "Ignore"

// addPoolFields takes an entry's pool-level fields, which only one entry
// per pool may set.
func (l *loader) addPoolFields(p *pool, doc *document, node *yaml.Node, path string) {
	fields := map[string]any{}
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
		fields[k] = jsonValue(node.Content[i+1])
		recordPositions(doc, fieldPos, k, node.Content[i], node.Content[i+1])
	}
	if len(fields) == 0 {
		return
	}
	if p.configured {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "pool-declared-twice", UserPoolId: p.UserPoolId, Pos: fieldPos[first], Path: path + "." + first,
			Summary: fmt.Sprintf("pool-level fields of %s are already set at %s (%s)", p.UserPoolId, posString(p.Pos), p.Path),
			Detail:  "set MfaConfiguration and the factor blocks of a pool in one UserPools entry; other entries for the same pool may only list Users"})
		return
	}
	posture := map[string]any{}
	for k, v := range fields {
		if postureFields[k] {
			posture[k] = v
			delete(fields, k)
		}
	}
	var cfg state.PoolConfig
	var pos state.Posture
	if err := decodeStrict(fields, &cfg); err != nil {
		l.diags = append(l.diags, internalError(doc, node, path, err))
		return
	}
	if err := decodeStrict(posture, &pos); err != nil {
		l.diags = append(l.diags, internalError(doc, node, path, err))
		return
	}
	p.Config, p.Posture, p.configured, p.FieldPos = cfg, pos, true, fieldPos
	p.Pos, p.Path = doc.pos(node), path
}

// postureFields are the pool-level fields of the MFA posture
// (state.Posture), apart from SetUserPoolMfaConfig's.
var postureFields = map[string]bool{"UserPoolTier": true, "DeviceConfiguration": true, "SignInPolicy": true,
	"UserPoolAddOns": true, "RiskConfiguration": true, "AppClients": true}

// jsonValue is a valid document's node as the JSON Schema saw it.
func jsonValue(n *yaml.Node) any {
	c := converter{doc: &document{bad: map[*yaml.Node]bool{}}, memo: map[*yaml.Node]any{}, sizes: map[*yaml.Node]int{},
		expanding: map[*yaml.Node]bool{}, budget: math.MaxInt}
	return c.convert(n, "", 0)
}

// recordPositions notes where key and, for blocks, each of its fields are
// declared: "SmsMfaConfiguration", "SmsMfaConfiguration.Enabled", ...
func recordPositions(doc *document, into map[string]state.Pos, name string, key, value *yaml.Node) {
	into[name] = doc.pos(key)
	value = resolve(value)
	if value.Kind == yaml.SequenceNode {
		for i, item := range value.Content {
			recordPositions(doc, into, name+"["+strconv.Itoa(i)+"]", item, item)
		}
		return
	}
	if value.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(value.Content); i += 2 {
		recordPositions(doc, into, name+"."+value.Content[i].Value, value.Content[i], value.Content[i+1])
	}
}

func (l *loader) addUser(p *pool, doc *document, node *yaml.Node, path string) {
	var name string
	if n := valueOf(node, "Username"); n != nil {
		name = n.Value
	}
	pos := doc.pos(node)
	name = strings.Clone(name) // kept: not the file's text, which would stay in memory with it
	folded := strings.ToLower(name)
	first, seen := p.byFolded[folded]
	declared, dup := first, seen && p.user(first).Username == name
	if seen && !dup {
		declared, dup = p.variants[name]
	}
	if dup {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "duplicate-user", UserPoolId: p.UserPoolId, Username: name, Pos: pos, Path: path,
			Summary: fmt.Sprintf("user %s is already declared for %s at %s", name, p.UserPoolId, posString(p.user(declared).Pos)),
			Detail:  "declare each user once per pool"})
		return
	}
	if d := normalizedCollision(p, name, pos, path); d != nil {
		l.diags = append(l.diags, *d)
		return
	}
	if seen {
		other := p.user(first)
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Warning, Code: "username-case", UserPoolId: p.UserPoolId, Username: name, Pos: pos, Path: path,
			Summary: fmt.Sprintf("user %s differs from %s (%s) only in case", name, other.Username, posString(other.Pos)),
			Detail:  "in a pool with case-insensitive usernames, Cognito's default, both name the same user; declare it once"})
		if p.variants == nil {
			p.variants = map[string]int{}
		}
		p.variants[name] = p.count
	} else {
		p.byFolded[folded] = p.count
	}
	settings, err := decodeUser(node)
	if err != nil {
		l.diags = append(l.diags, internalError(doc, node, path, err))
		return
	}
	legacy, err := legacyOptions(valueOf(node, legacyOptionsField))
	if err != nil {
		l.diags = append(l.diags, internalError(doc, node, path, err))
		return
	}
	fields := make([]state.FieldPos, 0, countFields(node))
	for i := 0; i+1 < len(node.Content); i += 2 {
		fields = userFieldPositions(fields, "", node.Content[i], node.Content[i+1])
	}
	last := &p.lists[len(p.lists)-1]
	*last = append(*last, state.DesiredUser{Username: name, Settings: settings, MFAOptions: legacy, Pos: pos, Path: path, Fields: fields})
	p.count++
}

// userFieldPositions appends where key and, for blocks, each of its fields
// are declared: "SMSMfaSettings", "SMSMfaSettings.Enabled".
func userFieldPositions(into []state.FieldPos, parent string, key, value *yaml.Node) []state.FieldPos {
	name := userFieldName(parent, key.Value)
	into = append(into, state.FieldPos{Field: name, Line: key.Line, Column: key.Column})
	if value = resolve(value); value.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(value.Content); i += 2 {
			into = userFieldPositions(into, name, value.Content[i], value.Content[i+1])
		}
	}
	return into
}

// countFields counts the fields of mapping n, and of the mappings in it.
func countFields(n *yaml.Node) int {
	count := 0
	for i := 1; i < len(n.Content); i += 2 {
		count++
		if v := resolve(n.Content[i]); v.Kind == yaml.MappingNode {
			count += countFields(v)
		}
	}
	return count
}

// userFieldNames are the names of the fields a user may have, shared by
// all users' positions rather than copied from each file.
var userFieldNames = sync.OnceValue(func() map[string]string {
	names := map[string]string{"Username": "Username", legacyOptionsField: legacyOptionsField}
	for _, f := range state.Factors {
		for _, n := range []string{f.UserBlock, f.UserBlock + ".Enabled", f.UserBlock + ".PreferredMfa"} {
			names[n] = n
		}
	}
	return names
})

func userFieldName(parent, key string) string {
	var buf [64]byte
	name := append(buf[:0], parent...)
	if parent != "" {
		name = append(name, '.')
	}
	name = append(name, key...)
	if known, ok := userFieldNames()[string(name)]; ok {
		return known
	}
	return string(name)
}

// decodeUser maps a schema-valid user's blocks onto its settings, through
// the factor table. A field it does not know means the schema and the
// state types disagree: a bug, reported rather than dropped.
func decodeUser(n *yaml.Node) (state.UserSettings, error) {
	var s state.UserSettings
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if key == "Username" || key == legacyOptionsField {
			continue
		}
		f := state.FactorByUserBlock(key)
		if f == nil {
			return s, fmt.Errorf("unknown user field %s", key)
		}
		block := resolve(n.Content[i+1])
		if block.Kind != yaml.MappingNode {
			return s, fmt.Errorf("%s is not a mapping", key)
		}
		var enabled, preferred bool
		for j := 0; j+1 < len(block.Content); j += 2 {
			var into *bool
			switch field := block.Content[j].Value; {
			case field == "Enabled":
				into = &enabled
			case field == "PreferredMfa" && f.AnswersChallenge:
				into = &preferred
			default:
				return s, fmt.Errorf("unknown field %s.%s", key, field)
			}
			if err := decodeBool(resolve(block.Content[j+1]), into); err != nil {
				return s, fmt.Errorf("%s.%s: %w", key, block.Content[j].Value, err)
			}
		}
		if f == state.WebAuthn {
			s.WebAuthnMfaSettings = &state.WebAuthnSettings{Enabled: enabled}
		} else {
			f.SetUser(&s, &state.FactorSettings{Enabled: enabled, PreferredMfa: preferred})
		}
	}
	return s, nil
}

// decodeBool reads a boolean scalar as the converter does.
func decodeBool(n *yaml.Node, into *bool) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return fmt.Errorf("not a boolean")
	}
	switch n.Value {
	case "true", "True", "TRUE":
		*into = true
		return nil
	case "false", "False", "FALSE":
		*into = false
		return nil
	}
	return n.Decode(into) // an explicit !!bool tag on another spelling
}

// addPolicy takes one policy of an entry; its name must be new to the pool.
func (l *loader) addPolicy(p *pool, doc *document, node *yaml.Node, path string) {
	fields, _ := jsonValue(node).(map[string]any)
	name, _ := fields["Name"].(string)
	name = strings.Clone(name) // kept: not the file's text
	pos := doc.pos(node)
	positions := make([]state.FieldPos, 0, countFields(node))
	for i := 0; i+1 < len(node.Content); i += 2 {
		positions = userFieldPositions(positions, "", node.Content[i], node.Content[i+1])
	}
	if j, dup := p.byPolicy[name]; dup {
		namePos, _ := state.DesiredUser{Pos: pos, Fields: positions}.DeclaredAt("Name")
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "policy-declared-twice", UserPoolId: p.UserPoolId, Pos: namePos, Path: path + ".Name",
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
		l.diags = append(l.diags, internalError(doc, node, path, err))
		return
	}
	if decoded.Ineligible == "" {
		decoded.Ineligible = state.IneligibleReport
	}
	p.byPolicy[name] = len(p.Policies)
	p.Policies = append(p.Policies, state.Policy{Name: name, Select: decoded.Select, Settings: decoded.UserSettings,
		Ineligible: decoded.Ineligible, Pos: pos, Path: path, Fields: positions})
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

func internalError(doc *document, node *yaml.Node, path string, err error) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Error, Code: "internal-error", Pos: doc.pos(node), Path: path,
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
		p.Users, p.lists = slices.Concat(p.lists...), nil
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
