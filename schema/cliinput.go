package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// AWS CLI input files. A document written for
// `aws cognito-idp set-user-pool-mfa-config --cli-input-yaml` (or
// --cli-input-json), or for admin-set-user-mfa-preference, is recognised
// by its shape: a top-level UserPoolId and no Version or UserPools;
// Username besides it makes it a user's preference. adaptCLIInput rewrites
// such a document, node tree and values alike, into mfactl's own shape, so
// that it goes through the same schema, rules and merge, and every
// diagnostic still points at the line and column of the file as written.
// Synthetic nodes carry the position of what they stand for.
//
// set-user-pool-mfa-config replaces the pool's whole configuration, so the
// input is read that way: its SMS and email blocks have no Enabled (a
// present block switches the factor on) and get Enabled: true; a factor
// it leaves out is declared off; an absent MfaConfiguration is OFF.
// WebAuthnConfiguration, which has no off switch, stays unmanaged when
// absent. A warning says what was declared off.

// cliInputKind names the AWS CLI command an input file was written for.
type cliInputKind string

const (
	cliPoolInput cliInputKind = "set-user-pool-mfa-config"
	cliUserInput cliInputKind = "admin-set-user-mfa-preference"
)

// cliInputKindOf recognises an AWS CLI input document by its shape.
func cliInputKindOf(doc *document) (cliInputKind, bool) {
	root := resolve(doc.root)
	if root.Kind != yaml.MappingNode {
		return "", false
	}
	has := func(key string) bool { return valueOf(root, key) != nil }
	if has("Version") || has("UserPools") || !has("UserPoolId") {
		return "", false
	}
	if has("Username") {
		return cliUserInput, true
	}
	return cliPoolInput, true
}

// adaptCLIInput rewrites doc in place when it is an AWS CLI input, and
// returns what the reading declared that the file does not say.
func adaptCLIInput(doc *document) diag.List {
	kind, ok := cliInputKindOf(doc)
	if !ok {
		return nil
	}
	root := resolve(doc.root)
	values := maps.Clone(doc.value.(map[string]any))
	var entry *yaml.Node
	var entryValue map[string]any
	var notes diag.List
	switch kind {
	case cliUserInput:
		// {UserPoolId, Username, blocks...} → {UserPoolId, Users: [{Username, blocks...}]}
		user := &yaml.Node{Kind: yaml.MappingNode, Line: root.Line, Column: root.Column}
		entry = &yaml.Node{Kind: yaml.MappingNode, Line: root.Line, Column: root.Column}
		userValue, poolValue := map[string]any{}, map[string]any{}
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Value == "UserPoolId" {
				entry.Content = append(entry.Content, k, v)
				poolValue[k.Value] = values[k.Value]
				continue
			}
			user.Content = append(user.Content, k, v)
			userValue[k.Value] = values[k.Value]
		}
		usersKey := synthetic(root, "Users")
		entry.Content = append(entry.Content, usersKey, &yaml.Node{Kind: yaml.SequenceNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{user}})
		poolValue["Users"] = []any{userValue}
		entryValue = poolValue
	case cliPoolInput:
		entry = &yaml.Node{Kind: yaml.MappingNode, Line: root.Line, Column: root.Column, Content: append([]*yaml.Node(nil), root.Content...)}
		entryValue = values
		notes = readAsReplacement(doc, entry, entryValue)
	}
	doc.root = &yaml.Node{Kind: yaml.MappingNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{
		synthetic(root, "Version"), syntheticValue(root, "!!int", "1"),
		synthetic(root, "UserPools"), {Kind: yaml.SequenceNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{entry}},
	}}
	doc.value = map[string]any{"Version": json.Number("1"), "UserPools": []any{entryValue}}
	return notes
}

// readAsReplacement completes a set-user-pool-mfa-config input as the full
// replacement Cognito reads it as, in entry (nodes) and value alike.
func readAsReplacement(doc *document, entry *yaml.Node, value map[string]any) diag.List {
	pos := doc.pos(entry)
	var off []string
	if _, ok := value["MfaConfiguration"]; !ok {
		entry.Content = append(entry.Content, synthetic(entry, "MfaConfiguration"), syntheticValue(entry, "!!str", string(state.ModeOff)))
		value["MfaConfiguration"] = string(state.ModeOff)
		off = append(off, "MfaConfiguration (OFF)")
	}
	for _, f := range state.MFAFactors {
		block, present := value[f.PoolBlock]
		if !present {
			entry.Content = append(entry.Content, synthetic(entry, f.PoolBlock), &yaml.Node{Kind: yaml.MappingNode, Line: entry.Line, Column: entry.Column,
				Content: []*yaml.Node{synthetic(entry, "Enabled"), syntheticValue(entry, "!!bool", "false")}})
			value[f.PoolBlock] = map[string]any{"Enabled": false}
			off = append(off, f.PoolBlock)
			continue
		}
		fields, isMap := block.(map[string]any)
		if _, has := fields["Enabled"]; !isMap || !f.PresenceEnables || has {
			continue // TOTP carries its own Enabled; anything else is the schema's to judge
		}
		// A present SMS or email block switches the factor on.
		for i := 0; i+1 < len(entry.Content); i += 2 {
			if entry.Content[i].Value != f.PoolBlock {
				continue
			}
			k, v := entry.Content[i], resolve(entry.Content[i+1])
			enabled := &yaml.Node{Kind: v.Kind, Style: v.Style, Line: v.Line, Column: v.Column,
				Content: append([]*yaml.Node{synthetic(k, "Enabled"), syntheticValue(k, "!!bool", "true")}, v.Content...)}
			entry.Content[i+1] = enabled
		}
		fields = maps.Clone(fields)
		fields["Enabled"] = true
		value[f.PoolBlock] = fields
	}
	if len(off) == 0 {
		return nil
	}
	detail := "set-user-pool-mfa-config replaces the whole configuration, so mfactl reads what it leaves out as off"
	if _, ok := value[state.WebAuthn.PoolBlock]; !ok {
		detail += "; " + state.WebAuthn.PoolBlock + " is absent and left as it is (it has no off switch)"
	}
	return diag.List{{Severity: diag.Warning, Code: "cli-input-absent-is-off", Pos: pos,
		Summary: fmt.Sprintf("read as an aws cognito-idp %s input: declared off because absent: %s", cliPoolInput, strings.Join(off, ", ")),
		Detail:  detail}}
}

// synthetic is a key mfactl adds, placed at the node it stands for.
func synthetic(at *yaml.Node, key string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: at.Line, Column: at.Column}
}

func syntheticValue(at *yaml.Node, tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: at.Line, Column: at.Column}
}
