package schema

import (
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// A document declares UserPools or Self (the signed-in user's own
// settings), not both: the schema's root oneOf. This file explains that
// choice in one diagnostic, and loads Self.

// rootChoice turns the faults of the root's oneOf into one diagnostic and
// returns the other faults.
func rootChoice(doc *document, all []*jsonschema.ValidationError) (*diag.Diagnostic, []*jsonschema.ValidationError) {
	var rest []*jsonschema.ValidationError
	found := false
	for _, leaf := range all {
		if leaf.InstanceLocation == "" && strings.HasPrefix(leaf.KeywordLocation, "/oneOf") {
			found = true
			continue
		}
		rest = append(rest, leaf)
	}
	if !found {
		return nil, all
	}
	root, _ := doc.value.(map[string]any)
	_, pools := root["UserPools"]
	_, self := root["Self"]
	if !pools && !self {
		return &diag.Diagnostic{Severity: diag.Error, Code: "schema-required", Pos: doc.pos(doc.root), Summary: "missing required field UserPools",
			Detail: requiredHint("UserPools") + "; or, for your own MFA settings with your access token, \"Self:\" and its blocks"}, rest
	}
	at := doc.locate([]string{"Self"})
	return &diag.Diagnostic{Severity: diag.Error, Code: "self-with-pools", Pos: doc.fieldPos(at), Path: "Self",
		Summary: "a document declares UserPools or Self, not both",
		Detail:  "Self is planned with the signed-in user's access token, UserPools with AWS credentials: put them in separate files and plan them separately"}, rest
}

// requiredByChoice reports whether one alternative of the oneOf of the
// object whose schema is at parent requires name (UserPools at the root).
func requiredByChoice(parent, name string) bool {
	alternatives, _ := schemaAt(parent)["oneOf"].([]any)
	for _, a := range alternatives {
		alt, _ := a.(map[string]any)
		for _, r := range stringList(alt["required"]) {
			if r == name {
				return true
			}
		}
	}
	return false
}

// selfDecl is the loader's record of a Self entry.
type selfDecl struct {
	state.DesiredSelf
}

// addSelf takes a document's Self entry, which one file of a run may declare.
func (l *loader) addSelf(doc *document, fields map[string]any) {
	at := doc.locate([]string{"Self"})
	pos := doc.fieldPos(at)
	if l.self != nil {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "self-declared-twice", Pos: pos, Path: "Self",
			Summary: "Self is already declared at " + posString(l.self.Pos),
			Detail:  "declare your own settings once; one access token is one user"})
		return
	}
	settings := map[string]any{}
	for k, v := range fields {
		if k != "UserPoolId" {
			settings[k] = v
		}
	}
	var us state.UserSettings
	if err := decodeStrict(settings, &us); err != nil {
		l.diags = append(l.diags, internalError(doc, resolve(at.node), at.path, err))
		return
	}
	node := resolve(at.node)
	positions := make([]state.FieldPos, 0, countFields(node))
	for i := 0; i+1 < len(node.Content); i += 2 {
		positions = userFieldPositions(positions, "", node.Content[i], node.Content[i+1])
	}
	id, _ := fields["UserPoolId"].(string)
	l.self = &selfDecl{DesiredSelf: state.DesiredSelf{
		DesiredUser: state.DesiredUser{Settings: us, Pos: pos, Path: "Self", Fields: positions},
		UserPoolId:  id,
	}}
}

// finishSelf checks the Self entry with the rules of a user entry (the
// pool's configuration is unknown to the files) and refuses a run that
// declares pools too.
func (l *loader) finishSelf(d *state.Desired) {
	if l.self == nil {
		return
	}
	if len(l.pools) > 0 {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "self-with-pools", Pos: l.self.Pos, Path: "Self",
			Summary: fmt.Sprintf("Self cannot be planned together with UserPools (%s, %s)", l.pools[0].UserPoolId, posString(l.pools[0].Pos)),
			Detail:  "Self is planned with the signed-in user's access token, UserPools with AWS credentials: give the files to separate runs"})
		return
	}
	u := l.self.DesiredUser
	u.Username = "(you)"
	p := &pool{DesiredPool: state.DesiredPool{Users: []state.DesiredUser{u}}}
	l.diags = append(l.diags, checkRules(p)...)
	self := l.self.DesiredSelf
	d.Self = &self
}
