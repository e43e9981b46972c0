package plan

import (
	"errors"
	"fmt"
	"slices"

	"github.com/mfactl/mfactl/internal/state"
)

// SecretSource says where the secret of a pool request (the SMS role's
// ExternalId) comes from. Output and plan files show it instead of the
// value.
type SecretSource string

const (
	// SecretFromLive: the value is the one the pool has now. Apply takes it
	// from the live state it reads again (the fingerprints guarantee it has
	// not changed).
	SecretFromLive SecretSource = "(sensitive: unchanged)"
	// SecretFromFiles: the value is new and only the input files hold it.
	// Apply needs the same files.
	SecretFromFiles SecretSource = "(sensitive: from files)"
)

// externalID returns the request's ExternalId, or "".
func externalID(c *state.PoolConfig) string {
	if c == nil || c.SmsMfaConfiguration == nil || c.SmsMfaConfiguration.SmsConfiguration == nil {
		return ""
	}
	return c.SmsMfaConfiguration.SmsConfiguration.Secret()
}

func setExternalID(c *state.PoolConfig, id string) {
	c.SmsMfaConfiguration.SmsConfiguration = c.SmsMfaConfiguration.SmsConfiguration.WithSecret(id)
}

// hasSmsRole reports whether the request carries an SMS role to hold a secret.
func hasSmsRole(c *state.PoolConfig) bool {
	return c != nil && c.SmsMfaConfiguration != nil && c.SmsMfaConfiguration.SmsConfiguration != nil
}

// liveExternalID is the pool's current ExternalId: the one in its MFA
// configuration, else the one of its SMS role (the same setting in Cognito).
func liveExternalID(lp *state.LivePool) string {
	if lp == nil {
		return ""
	}
	if id := externalID(&lp.Config); id != "" {
		return id
	}
	return lp.Prerequisites.SmsConfiguration.Secret()
}

// maskedRequest returns a copy of a call's pool request with the secret
// replaced by its source marker.
func maskedRequest(c Call) *state.PoolConfig {
	if c.PoolRequest == nil {
		return nil
	}
	req := copyPool(*c.PoolRequest)
	if hasSmsRole(&req) && (externalID(&req) != "" || c.ExternalIdSource != "") {
		marker := string(c.ExternalIdSource)
		if marker == "" {
			marker = state.SecretMarker
		}
		setExternalID(&req, marker)
	}
	return &req
}

// maskSecret replaces c's secret, if any, with marker.
func maskSecret(c *state.PoolConfig, marker string) {
	if externalID(c) != "" {
		setExternalID(c, marker)
	}
}

// secretSource says whether id, a secret a request carries, is the pool's
// current one.
func secretSource(id string, lp *state.LivePool) SecretSource {
	switch {
	case id == "":
		return ""
	case id == liveExternalID(lp):
		return SecretFromLive
	default:
		return SecretFromFiles
	}
}

// ResolveSecrets puts the secrets back into the calls of a plan read from a
// file: values marked SecretFromLive come from live (read again by apply),
// values marked SecretFromFiles from desired (the same input files). It
// returns an error naming the pool when a secret cannot be resolved;
// desired may be nil when no files were given.
func ResolveSecrets(p *Plan, live state.Live, desired *state.Desired) error {
	var errs []error
	for i := range p.Calls {
		c := &p.Calls[i]
		if !hasSmsRole(c.PoolRequest) || c.ExternalIdSource == "" {
			continue
		}
		if externalID(c.PoolRequest) != "" {
			continue // already resolved: a plan fresh from Build
		}
		switch c.ExternalIdSource {
		case SecretFromLive:
			id := liveExternalID(live.Pools[c.UserPoolId])
			if id == "" {
				errs = append(errs, fmt.Errorf("call %d (%s %s): the plan reuses the pool's current SMS ExternalId, but the live pool has none", i+1, c.Operation, c.UserPoolId))
				continue
			}
			setExternalID(c.PoolRequest, id)
		case SecretFromFiles:
			id := declaredExternalID(desired, c.UserPoolId)
			if id == "" {
				errs = append(errs, fmt.Errorf("call %d (%s %s): the plan sets a new SMS ExternalId, which plan files do not hold: pass the same -f files that made the plan", i+1, c.Operation, c.UserPoolId))
				continue
			}
			setExternalID(c.PoolRequest, id)
		default:
			errs = append(errs, fmt.Errorf("call %d (%s %s): unknown secret source %q", i+1, c.Operation, c.UserPoolId, c.ExternalIdSource))
		}
	}
	for _, t := range p.Targets {
		if !hasSmsRole(t.DesiredConfig) || externalID(t.DesiredConfig) != "" {
			continue
		}
		id := ""
		switch t.DesiredSecret {
		case SecretFromLive:
			id = liveExternalID(live.Pools[t.UserPoolId])
		case SecretFromFiles:
			id = declaredExternalID(desired, t.UserPoolId)
		}
		if id != "" {
			setExternalID(t.DesiredConfig, id)
		}
	}
	return errors.Join(errs...)
}

// MaskTargets returns targets with each declared secret replaced by its
// source: SecretFromLive when the files declare the pool's current value,
// SecretFromFiles when they declare a new one.
func MaskTargets(targets []Target) []Target {
	out := slices.Clone(targets)
	for i := range out {
		if cfg := out[i].DesiredConfig; cfg != nil && externalID(cfg) != "" {
			masked := copyPool(*cfg)
			source := out[i].DesiredSecret
			if source == "" {
				source = SecretFromFiles
			}
			setExternalID(&masked, string(source))
			out[i].DesiredConfig = &masked
		}
	}
	return out
}

// UnmaskTargets empties the declared secrets of targets read from a plan
// file, which hold their source in place of the value, and records the
// source in DesiredSecret. An empty ExternalId is unmanaged, so
// verification compares it only once ResolveSecrets has put the value
// back; any other value is refused.
func UnmaskTargets(targets []Target) error {
	for i := range targets {
		t := &targets[i]
		switch id := SecretSource(externalID(t.DesiredConfig)); id {
		case "":
		case SecretFromFiles, SecretFromLive:
			t.DesiredSecret = id
			setExternalID(t.DesiredConfig, "")
		default:
			return fmt.Errorf("target %s holds an ExternalId value; plan files never carry secrets (expected %q or %q)", TargetName(*t), SecretFromLive, SecretFromFiles)
		}
	}
	return nil
}

func declaredExternalID(desired *state.Desired, poolID string) string {
	if desired == nil {
		return ""
	}
	for _, dp := range desired.Pools {
		if dp.UserPoolId == poolID {
			return externalID(&dp.Config)
		}
	}
	return ""
}

// TargetName names a target in messages: "user pool X" or "user U of X".
func TargetName(t Target) string {
	if t.Username == "" {
		return "user pool " + t.UserPoolId
	}
	return fmt.Sprintf("user %s of %s", t.Username, t.UserPoolId)
}
