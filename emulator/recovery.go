package emulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// What an administrator does for a user who lost a factor, besides the MFA
// preference: sign them out everywhere, forget the devices that skip MFA,
// and make them reset their password.

// deviceKeyPattern is the model's DeviceKeyType pattern (1 to 55 characters).
const deviceKeyPattern = `[\w-]+_[0-9a-f-]+`

var deviceKeyRe = regexp.MustCompile(`^(?:` + deviceKeyPattern + `)$`)

// checkDeviceKey applies DeviceKeyType's constraints to a required member.
func checkDeviceKey(v *validation, path string, key *string) {
	switch {
	case key == nil:
		v.add(path, nil, false, "Member must not be null")
	case len(*key) < 1 || len(*key) > 55:
		v.add(path, key, false, "Member must have length between 1 and 55")
	case !deviceKeyRe.MatchString(*key):
		v.add(path, key, false, "Member must satisfy regular expression pattern: "+deviceKeyPattern)
	}
}

// checkLimit applies an optional integer member's range; 0 or absent
// means max, as Cognito's page sizes do.
func checkLimit(v *validation, path string, limit *int, max int) int {
	if limit == nil || *limit == 0 {
		return max
	}
	if *limit < 0 || *limit > max {
		shown := strconv.Itoa(*limit)
		v.add(path, &shown, false, fmt.Sprintf("Member must have value between 0 and %d", max))
		return max
	}
	return *limit
}

// pagePosition decodes a pagination token of these handlers: the index
// of the next item, at most n.
func pagePosition(token *string, n int) (int, error) {
	if token == nil {
		return 0, nil
	}
	pos, err := decodeToken(*token)
	i, convErr := strconv.Atoi(pos)
	if *token == "" || err != nil || convErr != nil || i < 0 || i > n {
		return 0, invalidParameter("Invalid pagination token.")
	}
	return i, nil
}

// device is a device the user's app tracked with ConfirmDevice. A remembered
// one may skip the MFA challenge at sign-in: deviceSkipsMFA has the rule.
type device struct {
	key, name         string
	remembered        bool
	created, modified time.Time
	lastAuthenticated time.Time
}

// deviceConfiguration is CreateUserPool's DeviceConfiguration. The emulator
// keeps it among the pool's unmodelled members and reads it from there.
type deviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool
	DeviceOnlyRememberedOnUserPrompt bool
}

// deviceConfiguration returns the pool's DeviceConfiguration, or nil when
// it has none: device remembering is off (the console's "Don't remember").
// A member left out is false.
func (p *pool) deviceConfiguration() *deviceConfiguration {
	raw, ok := p.extra["DeviceConfiguration"]
	if !ok {
		return nil
	}
	var cfg deviceConfiguration
	if json.Unmarshal(raw, &cfg) != nil {
		return nil
	}
	return &cfg
}

// remembersOnConfirm reports whether ConfirmDevice remembers a device by
// itself: unless DeviceOnlyRememberedOnUserPrompt is true, when only the
// user's "remember" (UpdateDeviceStatus) does.
func (p *pool) remembersOnConfirm() bool {
	cfg := p.deviceConfiguration()
	return cfg == nil || !cfg.DeviceOnlyRememberedOnUserPrompt
}

// deviceSkipsMFA returns the user's device with key when signing in on it
// replaces the MFA challenge named challenge (with its parameters), and nil
// when the challenge must be answered. Cognito's documented rule
// (DeviceConfigurationType): only with DeviceConfiguration's
// ChallengeRequiredOnNewDevice true does a remembered device sign in
// "instead of SMS and TOTP factors"; a device that is not remembered, or
// not the user's, never does. The documentation names SMS and TOTP only,
// so the emulator is strict where it says nothing: an email code
// (EMAIL_OTP), a choice that includes one, and MFA_SETUP (a user with no
// factor to replace) are still asked on a remembered device
// (docs/emulator.md).
func (p *pool) deviceSkipsMFA(u *user, key, challenge string, params map[string]string) *device {
	if key == "" {
		return nil
	}
	if cfg := p.deviceConfiguration(); cfg == nil || !cfg.ChallengeRequiredOnNewDevice {
		return nil
	}
	replaceable := func(factor string) bool { return factor == factorSMS || factor == factorTOTP }
	switch challenge {
	case factorSMS, factorTOTP:
	case "SELECT_MFA_TYPE":
		var choices []string
		if json.Unmarshal([]byte(params["MFAS_CAN_CHOOSE"]), &choices) != nil || len(choices) == 0 ||
			slices.ContainsFunc(choices, func(f string) bool { return !replaceable(f) }) {
			return nil
		}
	default:
		return nil
	}
	for _, d := range u.devices {
		if d.key == key && d.remembered {
			return d
		}
	}
	return nil
}

func (d *device) view() map[string]any {
	status := "not_remembered"
	if d.remembered {
		status = "remembered"
	}
	attrs := []attribute{{Name: "device_status", Value: "valid"}, {Name: "dev:device_remembered_status", Value: status}}
	if d.name != "" {
		attrs = append(attrs, attribute{Name: "device_name", Value: d.name})
	}
	out := map[string]any{
		"DeviceKey": d.key, "DeviceAttributes": attrs,
		"DeviceCreateDate": epoch(d.created), "DeviceLastModifiedDate": epoch(d.modified),
	}
	if !d.lastAuthenticated.IsZero() {
		out["DeviceLastAuthenticatedDate"] = epoch(d.lastAuthenticated)
	}
	return out
}

// adminUserGlobalSignOut revokes every token the user holds, as
// GlobalSignOut does with the user's own token.
func adminUserGlobalSignOut(s *Server, c *call) (any, error) {
	var in userRef
	_, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	u.signedOutAt = s.now().Unix()
	s.changed()
	return nil, nil
}

// adminListDevices pages through the user's devices, oldest first.
func adminListDevices(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		Limit           *int
		PaginationToken *string
	}
	_, u, unlock, err := s.userCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var v validation
	limit := checkLimit(&v, "Limit", in.Limit, maxPage)
	if err := v.err(); err != nil {
		return nil, err
	}
	start, err := pagePosition(in.PaginationToken, len(u.devices))
	if err != nil {
		return nil, err
	}
	end := min(start+limit, len(u.devices))
	devices := make([]map[string]any, 0, end-start)
	for _, d := range u.devices[start:end] {
		devices = append(devices, d.view())
	}
	out := map[string]any{"Devices": devices}
	if end < len(u.devices) {
		out["PaginationToken"] = encodeToken(strconv.Itoa(end))
	}
	return out, nil
}

// adminForgetDevice removes one of the user's devices: it no longer skips MFA.
func adminForgetDevice(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		DeviceKey *string
	}
	_, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var v validation
	checkDeviceKey(&v, "DeviceKey", in.DeviceKey)
	if err := v.err(); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(u.devices, func(d *device) bool { return d.key == *in.DeviceKey })
	if i < 0 {
		return nil, newError(CodeResourceNotFound, "Device does not exist.")
	}
	u.devices = slices.Delete(u.devices, i, i+1)
	s.changed()
	return nil, nil
}

// adminResetUserPassword deactivates the user's password (RESET_REQUIRED:
// sign-in answers PasswordResetRequiredException) and sends a reset code to
// a verified email or phone number; Cognito refuses a user it cannot reach.
func adminResetUserPassword(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		ClientMetadata map[string]string
	}
	p, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	medium, attr := "", ""
	switch {
	case verified(u, "email"):
		medium, attr = "EMAIL", "email"
	case verified(u, "phone_number"):
		medium, attr = "SMS", "phone_number"
	default:
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	u.status, u.modified = "RESET_REQUIRED", s.now()
	dest, _ := u.attr(attr)
	s.send(Message{UserPoolId: p.id, Username: u.username, Medium: medium, Destination: dest, Code: randomID(6, "0123456789")})
	s.changed()
	return nil, nil
}

func verified(u *user, attr string) bool {
	v, _ := u.attr(attr + "_verified")
	return u.hasAttr(attr) && v == "true"
}

// send records a message the emulator would have sent; the caller holds s.mu.
func (s *Server) send(m Message) {
	if len(s.outbox) >= maxOutbox {
		s.outbox = append(s.outbox[:0], s.outbox[maxOutbox/2:]...)
	}
	s.outbox = append(s.outbox, m)
}

// seedDevice is a device in a seed: one the user's app confirmed. It is
// remembered as ConfirmDevice would leave it (unless the pool has
// DeviceOnlyRememberedOnUserPrompt) when Remembered is left out; Remembered
// is the user's choice otherwise (UpdateDeviceStatus).
type seedDevice struct {
	DeviceKey  string
	Name       string `json:",omitempty"`
	Remembered *bool  `json:",omitempty"`
	// LastAuthenticated is when the device last signed in (state files).
	LastAuthenticated *epoch `json:",omitempty"`
}

func buildDevices(u *user, seeds []seedDevice, rememberedByDefault bool, now time.Time) error {
	for i, sd := range seeds {
		var v validation
		checkDeviceKey(&v, "DeviceKey", &sd.DeviceKey)
		if err := v.err(); err != nil {
			return fmt.Errorf("Devices[%d]: %w", i, err)
		}
		if slices.ContainsFunc(u.devices, func(d *device) bool { return d.key == sd.DeviceKey }) {
			return fmt.Errorf("Devices[%d]: device %s listed twice", i, sd.DeviceKey)
		}
		d := &device{key: sd.DeviceKey, name: sd.Name, remembered: rememberedByDefault, created: now, modified: now}
		if sd.Remembered != nil {
			d.remembered = *sd.Remembered
		}
		if sd.LastAuthenticated != nil {
			d.lastAuthenticated = time.Time(*sd.LastAuthenticated)
		}
		u.devices = append(u.devices, d)
	}
	return nil
}

func dumpDevices(u *user) []seedDevice {
	var out []seedDevice
	for _, d := range u.devices {
		sd := seedDevice{DeviceKey: d.key, Name: d.name, Remembered: ptr(d.remembered)}
		if !d.lastAuthenticated.IsZero() {
			t := epoch(d.lastAuthenticated)
			sd.LastAuthenticated = &t
		}
		out = append(out, sd)
	}
	return out
}
