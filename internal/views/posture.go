package views

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/untrusted"
	"github.com/mfactl/mfactl/plan"
)

// diffPosture lists a pool's posture change field by field, with AWS's
// member names as the files write them: "UserPoolTier",
// "UserPoolAddOns.AdvancedSecurityMode",
// "AppClients[1example23456789].RiskConfiguration.…".
func diffPosture(pc *plan.PostureChange) []fieldDiff {
	if pc == nil {
		return nil
	}
	from, to := flattenPosture(pc.Live), flattenPosture(pc.Desired)
	keys := map[string]bool{}
	for k := range from {
		keys[k] = true
	}
	for k := range to {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return postureKeyLess(sorted[i], sorted[j]) })
	var out []fieldDiff
	for _, k := range sorted {
		f, inFrom := from[k]
		t, inTo := to[k]
		switch {
		case inFrom && inTo && f == t:
		case !inFrom:
			out = append(out, fieldDiff{kind: '+', key: k, to: t})
		case !inTo:
			out = append(out, fieldDiff{kind: '-', key: k, from: f})
		default:
			out = append(out, fieldDiff{kind: '~', key: k, from: f, to: t})
		}
	}
	return out
}

// postureOrder is the order of the posture's members in a diff.
var postureOrder = []string{"UserPoolTier", "DeviceConfiguration", "SignInPolicy", "UserPoolAddOns", "RiskConfiguration", "AppClients"}

func postureKeyLess(a, b string) bool {
	rank := func(k string) int {
		for i, p := range postureOrder {
			if strings.HasPrefix(k, p) {
				return i
			}
		}
		return len(postureOrder)
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	return a < b
}

// flattenPosture maps each leaf of p (lists whole) to its value as YAML
// flow would show it.
func flattenPosture(p state.Posture) map[string]string {
	out := map[string]string{}
	clients := p.AppClients
	p.AppClients = nil
	var v map[string]any
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &v)
	flatten("", v, out)
	for _, c := range clients {
		var cv map[string]any
		b, _ := json.Marshal(c.RiskConfiguration)
		_ = json.Unmarshal(b, &cv)
		flatten("AppClients["+untrusted.Name(c.ClientId)+"].RiskConfiguration", cv, out)
	}
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	switch val := v.(type) {
	case map[string]any:
		for k, item := range val {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, item, out)
		}
	case []any:
		items := make([]string, len(val))
		for i, item := range val {
			items[i] = untrusted.Line(fmt.Sprint(item)) // read from Cognito
		}
		out[prefix] = "[" + strings.Join(items, ", ") + "]"
	case string:
		out[prefix] = fmt.Sprintf("%q", val) // quoted: control characters escaped
	case nil:
	default:
		out[prefix] = fmt.Sprint(val)
	}
}
