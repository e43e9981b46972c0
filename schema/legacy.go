package schema

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// Legacy MFAOptions (AdminSetUserSettings): a user's MFAOptions and a
// pool's LegacyMfaOptions, which the loader takes apart from the fields
// that map onto Cognito's current calls.

const (
	legacyOptionsField = "MFAOptions"       // on a user
	legacyModeField    = "LegacyMfaOptions" // on a pool
)

// legacyOptions returns a user entry's MFAOptions from its value node:
// nil when absent (not managed), an empty list to clear them.
func legacyOptions(n *yaml.Node) (*[]state.MFAOption, error) {
	if n == nil {
		return nil, nil
	}
	opts := []state.MFAOption{}
	if err := decodeStrict(jsonValue(n), &opts); err != nil {
		return nil, err
	}
	return &opts, nil
}

// addLegacyMode takes a pool entry's LegacyMfaOptions, which one entry per
// pool may set.
func (l *loader) addLegacyMode(p *pool, doc *document, node *yaml.Node, path string) {
	value := valueOf(node, legacyModeField)
	if value == nil || !isString(value) {
		return
	}
	mode := value.Value
	pos := doc.pos(node)
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == legacyModeField {
			pos = doc.pos(node.Content[i])
		}
	}
	if p.LegacyMfaOptions != "" {
		l.diags = append(l.diags, diag.Diagnostic{Severity: diag.Error, Code: "pool-declared-twice", UserPoolId: p.UserPoolId, Pos: pos, Path: path + "." + legacyModeField,
			Summary: fmt.Sprintf("%s of %s is already set at %s", legacyModeField, p.UserPoolId, posString(p.legacyPos)),
			Detail:  "set it in one UserPools entry of the pool"})
		return
	}
	p.LegacyMfaOptions, p.legacyPos = strings.Clone(mode), pos
}

// checkLegacy records where the pool's LegacyMfaOptions is declared, and
// warns about every user that sets a legacy entry: Cognito still serves
// AdminSetUserSettings, but calls it no longer supported.
func checkLegacy(p *pool) diag.List {
	if p.LegacyMfaOptions != "" {
		if p.FieldPos == nil {
			p.FieldPos = map[string]state.Pos{}
		}
		p.FieldPos[legacyModeField] = p.legacyPos
	}
	var out diag.List
	for _, u := range p.Users {
		if u.MFAOptions == nil || len(*u.MFAOptions) == 0 {
			continue
		}
		out = append(out, diag.Diagnostic{Severity: diag.Warning, Code: "legacy-mfa-options", Username: u.Username, Pos: u.PosOf(legacyOptionsField), Path: u.Path + "." + legacyOptionsField,
			Summary: fmt.Sprintf("MFAOptions of user %s sets a legacy SMS entry (AdminSetUserSettings, deprecated)", u.Username),
			Detail:  "AWS no longer supports AdminSetUserSettings, though it still serves it, and UserMFASettingList does not show its entries: prefer SMSMfaSettings: {Enabled: true} with MFAOptions: []"})
	}
	return out
}
