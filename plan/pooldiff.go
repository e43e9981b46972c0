package plan

import "github.com/mfactl/mfactl/internal/state"

// FieldChange is one field of a pool's configuration that a plan changes,
// as the views show it. From is nil for a field the plan adds, To nil for
// one it removes; otherwise each is a string (text, a mode) or a bool.
type FieldChange struct {
	Field    string // "MfaConfiguration", "SmsMfaConfiguration.SmsAuthenticationMessage"
	From, To any
	// Secret: the value is a marker, never the secret (plan changes hold none).
	Secret bool
	// Factor is the factor whose block holds the field; nil for MfaConfiguration.
	Factor *state.Factor
}

// PoolDiff is what a plan changes in a pool's configuration, field by field.
type PoolDiff struct {
	Fields []FieldChange
	// Kept lists the factors switched off whose fields Cognito keeps (the
	// SMS role): those fields are not shown as removed.
	Kept []*state.Factor
}

// Diff compares the pool's live and desired configuration field by field:
// MfaConfiguration, then each factor's fields from the factor table. It
// is empty when the pool-level configuration is in sync.
func (pc PoolChange) Diff() PoolDiff {
	if pc.Live == nil || pc.Desired == nil {
		return PoolDiff{}
	}
	return diffPool(*pc.Live, *pc.Desired)
}

func diffPool(live, desired state.PoolConfig) PoolDiff {
	var d PoolDiff
	mode := func(c state.PoolConfig) (any, bool) {
		if c.MfaConfiguration == "" {
			return nil, false
		}
		return string(c.MfaConfiguration), true
	}
	d.add(state.PoolField{Name: "MfaConfiguration", Value: mode}, nil, live, desired)
	for _, f := range state.Factors {
		kept := f.KeepsWhenOff(live, desired)
		if kept {
			d.Kept = append(d.Kept, f)
		}
		for _, field := range f.PoolFields {
			if kept && field.KeptWhenOff {
				continue
			}
			d.add(field, f, live, desired)
		}
	}
	return d
}

// add records field when it differs. A desired secret marked
// SecretFromLive is the live one, so it does not differ.
func (d *PoolDiff) add(field state.PoolField, f *state.Factor, live, desired state.PoolConfig) {
	from, inLive := field.Value(live)
	to, inDesired := field.Value(desired)
	if inLive && inDesired && (from == to || to == string(SecretFromLive)) {
		return
	}
	if !inLive && !inDesired {
		return
	}
	name := field.Name
	if f != nil {
		name = f.PoolBlock + "." + name
	}
	d.Fields = append(d.Fields, FieldChange{Field: name, From: from, To: to, Secret: field.Secret, Factor: f})
}
