package emulator

import "slices"

// adminGetUserAuthFactors answers what a user can sign in with (model of
// 2026-07-24): PASSWORD always; EMAIL_OTP and SMS_OTP when the pool's
// sign-in policy allows them and the user has the address; SOFTWARE_TOKEN
// ("can only be used as an MFA factor") when a verified authenticator is
// registered, whatever the TOTP preference. Passkeys are not modelled, so
// WEB_AUTHN is never listed.
func adminGetUserAuthFactors(s *Server, c *call) (any, error) {
	var in userRef
	p, u, unlock, err := s.userCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	factors := []string{"PASSWORD"}
	var firstFactors []string
	if p.policies.SignInPolicy != nil {
		firstFactors = p.policies.SignInPolicy.AllowedFirstAuthFactors
	}
	if slices.Contains(firstFactors, "EMAIL_OTP") && u.hasAttr("email") {
		factors = append(factors, "EMAIL_OTP")
	}
	if slices.Contains(firstFactors, "SMS_OTP") && u.hasAttr("phone_number") {
		factors = append(factors, "SMS_OTP")
	}
	if u.totpSecret != "" {
		factors = append(factors, "SOFTWARE_TOKEN")
	}
	out := map[string]any{
		"Username":                  u.username,
		"ConfiguredUserAuthFactors": factors,
	}
	if list := u.mfaSettingList(); len(list) > 0 {
		out["UserMFASettingList"] = list
	}
	if u.preferred != "" {
		out["PreferredMfaSetting"] = u.preferred
	}
	return out, nil
}

// adminDeleteSoftwareToken removes a user's authenticator, verified or
// pending, and any TOTP preference. Without another factor a user of a pool
// with MFA ON gets MFA_SETUP at the next sign-in; with one, sign-in falls
// back to it (mfaChallenge). A user with no authenticator is left as is
// and the call succeeds.
func adminDeleteSoftwareToken(s *Server, c *call) (any, error) {
	var in userRef
	_, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	u.totpSecret, u.pendingTotpSecret, u.lastTotpCode = "", "", ""
	u.totp = false
	if u.preferred == factorTOTP {
		u.preferred = ""
	}
	u.modified = s.now()
	s.changed()
	return nil, nil
}
