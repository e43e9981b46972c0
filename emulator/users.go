package emulator

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// standardAttributes are the attributes every user pool has.
var standardAttributes = map[string]bool{
	"sub": true, "name": true, "given_name": true, "family_name": true, "middle_name": true,
	"nickname": true, "preferred_username": true, "profile": true, "picture": true, "website": true,
	"email": true, "email_verified": true, "gender": true, "birthdate": true, "zoneinfo": true,
	"locale": true, "phone_number": true, "phone_number_verified": true, "address": true, "updated_at": true,
}

// lookupUser finds the user a (model-validated) Username names in p.
func lookupUser(p *pool, username *string) (*user, error) {
	u := p.user(deref(username))
	if u == nil {
		return nil, userNotFound()
	}
	return u, nil
}

// checkAttributes applies the pool's schema to attributes a caller sets
// on a user of p (their lengths and patterns are the model's, checked
// before).
func (p *pool) checkAttributes(attrs []attribute) error {
	for _, a := range attrs {
		switch {
		case a.Name == "sub":
			return invalidParameter("Cannot modify the non-mutable attribute sub")
		case !standardAttributes[a.Name] && !p.customAttrs[a.Name]:
			return invalidParameter("Attributes did not conform to the schema: %s: Attribute does not exist in the schema.", a.Name)
		case a.Name == "email" && !patEmail.MatchString(a.Value):
			return invalidParameter("Invalid email address format.")
		case a.Name == "phone_number" && !patPhone.MatchString(a.Value):
			return invalidParameter("Invalid phone number format.")
		case (a.Name == "email_verified" || a.Name == "phone_number_verified") && a.Value != "true" && a.Value != "false":
			return invalidParameter("%s must be true or false.", a.Name)
		}
	}
	return nil
}

// checkPassword applies the pool's password policy.
func (p *pool) checkPassword(password string) error {
	pp := p.policies.PasswordPolicy
	fail := func(why string) error {
		return newError(CodeInvalidPassword, "Password did not conform with policy: %s", why)
	}
	if n := len([]rune(password)); pp.MinimumLength != nil && n < *pp.MinimumLength {
		return fail("Password not long enough")
	}
	has := func(f func(rune) bool) bool { return strings.IndexFunc(password, f) >= 0 }
	switch {
	case pp.RequireUppercase && !has(unicode.IsUpper):
		return fail("Password must have uppercase characters")
	case pp.RequireLowercase && !has(unicode.IsLower):
		return fail("Password must have lowercase characters")
	case pp.RequireNumbers && !has(unicode.IsDigit):
		return fail("Password must have numeric characters")
	case pp.RequireSymbols && !has(isPasswordSymbol):
		return fail("Password must have symbol characters")
	}
	return nil
}

func isPasswordSymbol(r rune) bool {
	return strings.ContainsRune("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ", r)
}

// newUser builds a user with a fresh sub; the caller adds it to the pool.
func newUser(username string, attrs []attribute, now time.Time) *user {
	u := &user{username: username, sub: newUUID(), enabled: true, created: now, modified: now, status: "FORCE_CHANGE_PASSWORD"}
	u.attrs = append(make([]attribute, 0, len(attrs)+1), attribute{Name: "sub", Value: u.sub})
	for _, a := range attrs {
		u.setAttr(a.Name, a.Value)
	}
	return u
}

type userView struct {
	Username             string
	UserAttributes       []attribute `json:",omitempty"`
	Attributes           []attribute `json:",omitempty"` // ListUsers and AdminCreateUser name them so
	UserCreateDate       *epoch      `json:",omitempty"`
	UserLastModifiedDate *epoch      `json:",omitempty"`
	Enabled              *bool       `json:",omitempty"`
	UserStatus           string      `json:",omitempty"`
	MFAOptions           []mfaOption `json:",omitempty"`
	PreferredMfaSetting  string      `json:",omitempty"`
	UserMFASettingList   []string    `json:",omitempty"`
}

// adminView is AdminGetUser's answer.
func (u *user) adminView() userView {
	created, modified := epoch(u.created), epoch(u.modified)
	return userView{
		Username: u.username, UserAttributes: u.attrs,
		UserCreateDate: &created, UserLastModifiedDate: &modified,
		Enabled: ptr(u.enabled), UserStatus: u.status, MFAOptions: u.legacy,
		PreferredMfaSetting: u.preferred, UserMFASettingList: u.mfaSettingList(),
	}
}

// selfView is GetUser's answer: no dates, status or Enabled.
func (u *user) selfView() userView {
	return userView{
		Username: u.username, UserAttributes: u.attrs, MFAOptions: u.legacy,
		PreferredMfaSetting: u.preferred, UserMFASettingList: u.mfaSettingList(),
	}
}

// listView is a UserType, as ListUsers, ListUsersInGroup and AdminCreateUser
// return it; only the named attributes when names is not nil.
func (u *user) listView(names []string) userView {
	created, modified := epoch(u.created), epoch(u.modified)
	attrs := u.attrs
	if names != nil {
		attrs = nil
		for _, a := range u.attrs {
			for _, n := range names {
				if a.Name == n {
					attrs = append(attrs, a)
				}
			}
		}
	}
	return userView{
		Username: u.username, Attributes: attrs,
		UserCreateDate: &created, UserLastModifiedDate: &modified,
		Enabled: ptr(u.enabled), UserStatus: u.status, MFAOptions: u.legacy,
	}
}

func adminCreateUser(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		Username, TemporaryPassword, MessageAction *string
		UserAttributes                             []attribute
		DesiredDeliveryMediums                     []string
	}
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	existing := p.user(*in.Username)
	if deref(in.MessageAction) == "RESEND" {
		if existing == nil {
			return nil, userNotFound()
		}
		return map[string]any{"User": existing.listView(nil)}, nil
	}
	if existing != nil {
		return nil, newError(CodeUsernameExists, "User account already exists")
	}
	if err := p.checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	password := deref(in.TemporaryPassword)
	if password == "" {
		password = generatePassword()
	} else if err := p.checkPassword(password); err != nil {
		return nil, err
	}
	u := newUser(*in.Username, in.UserAttributes, s.now())
	u.password = password
	p.addUser(u)
	s.changed()
	return map[string]any{"User": u.listView(nil)}, nil
}

// generatePassword makes a temporary password that satisfies any policy.
func generatePassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("Tmp-%x-aZ9!", b)
}

func adminDeleteUser(s *Server, c *call) (any, error) {
	var in userRef
	p, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	p.deleteUser(u)
	s.changed()
	return nil, nil
}

func adminGetUser(s *Server, c *call) (any, error) {
	var in userRef
	_, u, unlock, err := s.userCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return u.adminView(), nil
}

func adminSetUserPassword(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		Password  *string
		Permanent bool
	}
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	u, err := lookupUser(p, in.Username)
	if err != nil {
		return nil, err
	}
	if err := p.checkPassword(*in.Password); err != nil {
		return nil, err
	}
	u.password = *in.Password
	u.status = "FORCE_CHANGE_PASSWORD"
	if in.Permanent {
		u.status = "CONFIRMED"
	}
	u.modified = s.now()
	s.changed()
	return nil, nil
}

const maxPage = 60

var filterSyntax = regexp.MustCompile(`^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// filterableAttributes are the attributes ListUsers can filter on.
var filterableAttributes = map[string]bool{
	"username": true, "email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true,
}

// parseFilter turns a ListUsers Filter into a predicate, with Cognito's
// semantics: one attribute of a fixed list, = (equals) or ^= (starts
// with), a quoted value with backslash escapes; an empty filter matches
// everyone.
func parseFilter(filter string) (func(*user) bool, error) {
	if strings.TrimSpace(filter) == "" {
		return func(*user) bool { return true }, nil
	}
	m := filterSyntax.FindStringSubmatch(filter)
	if m == nil {
		return nil, invalidParameter("Error while parsing filter.")
	}
	name, op := m[1], m[2]
	want, err := unquoteFilterValue(m[3])
	if err != nil {
		return nil, invalidParameter("Error while parsing filter.")
	}
	if !filterableAttributes[name] {
		return nil, invalidParameter("Invalid search attribute: %s", name)
	}
	return func(u *user) bool {
		v, fold := filterValue(u, name)
		w := want
		if fold {
			v, w = strings.ToLower(v), strings.ToLower(w)
		}
		if op == "^=" {
			return strings.HasPrefix(v, w)
		}
		return v == w
	}, nil
}

// pageLimit is a request's page size (the model holds it to 0..60); 0 or
// none is the largest page.
func pageLimit(limit *int) int {
	if limit == nil || *limit == 0 {
		return maxPage
	}
	return *limit
}

func listUsers(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		Filter, PaginationToken *string
		Limit                   *int
		AttributesToGet         []string
	}
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	limit := pageLimit(in.Limit)
	match, err := parseFilter(deref(in.Filter))
	if err != nil {
		return nil, err
	}
	start := 0
	if in.PaginationToken != nil {
		pos, err := decodeToken(*in.PaginationToken)
		if err != nil {
			return nil, err
		}
		seq, err := strconv.ParseInt(pos, 10, 64)
		if err != nil {
			return nil, invalidParameter("Invalid pagination token.")
		}
		start = p.usersFrom(seq)
	}
	out := struct {
		Users           []userView
		PaginationToken string `json:",omitempty"`
	}{Users: []userView{}}
	for i := start; i < len(p.order); i++ {
		u := p.order[i]
		if u.deleted || !match(u) {
			continue
		}
		if len(out.Users) == limit {
			out.PaginationToken = encodeToken(strconv.FormatInt(u.seq, 10))
			break
		}
		out.Users = append(out.Users, u.listView(in.AttributesToGet))
	}
	return out, nil
}

// lookupGroup finds the group a (model-validated) GroupName names in p.
func lookupGroup(p *pool, name *string) (*group, error) {
	g := p.groups[deref(name)]
	if g == nil {
		return nil, newError(CodeResourceNotFound, "Group not found.")
	}
	return g, nil
}

const maxGroupsPerUser = 100

func adminAddUserToGroup(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		GroupName *string
	}
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Not a userCall: the group is looked up before the user.
	g, err := lookupGroup(p, in.GroupName)
	if err != nil {
		return nil, err
	}
	u, err := lookupUser(p, in.Username)
	if err != nil {
		return nil, err
	}
	if err := addToGroup(u, g); err != nil {
		return nil, err
	}
	s.changed()
	return nil, nil
}

func addToGroup(u *user, g *group) error {
	for _, x := range u.groups {
		if x == g {
			return nil
		}
	}
	if len(u.groups) >= maxGroupsPerUser {
		return newError(CodeLimitExceeded, "A user can belong to at most %d groups.", maxGroupsPerUser)
	}
	u.groups = append(u.groups, g)
	g.members = append(g.members, u)
	return nil
}

func listUsersInGroup(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		GroupName, NextToken *string
		Limit                *int
	}
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	limit := pageLimit(in.Limit)
	g, err := lookupGroup(p, in.GroupName)
	if err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != nil {
		sub, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		start = len(g.members) // a member who left ends the listing
		for i, m := range g.members {
			if m.sub == sub {
				start = i
				break
			}
		}
	}
	out := struct {
		Users     []userView
		NextToken string `json:",omitempty"`
	}{Users: []userView{}}
	end := min(start+limit, len(g.members))
	for _, u := range g.members[start:end] {
		out.Users = append(out.Users, u.listView(nil))
	}
	if end < len(g.members) {
		out.NextToken = encodeToken(g.members[end].sub)
	}
	return out, nil
}

type factorSettings struct {
	Enabled      bool
	PreferredMfa bool
}

// mfaPreference is the body of AdminSetUserMFAPreference and
// SetUserMFAPreference: omitted blocks leave their factor as it is.
type mfaPreference struct {
	SMSMfaSettings           *factorSettings         `json:",omitempty"`
	SoftwareTokenMfaSettings *factorSettings         `json:",omitempty"`
	EmailMfaSettings         *factorSettings         `json:",omitempty"`
	WebAuthnMfaSettings      *struct{ Enabled bool } `json:",omitempty"`
}

func adminSetUserMFAPreference(s *Server, c *call) (any, error) {
	var in struct {
		mfaPreference
		userRef
	}
	p, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return nil, s.changeMFAPreference(p, u, in.mfaPreference)
}

// changeMFAPreference is what AdminSetUserMFAPreference and
// SetUserMFAPreference do once they found the user; s.mu is held for writing.
func (s *Server) changeMFAPreference(p *pool, u *user, in mfaPreference) error {
	if err := setMFAPreference(p, u, in); err != nil {
		return err
	}
	u.modified = s.now()
	s.changed()
	return nil
}

// setMFAPreference applies a preference request to u, all or nothing.
func setMFAPreference(p *pool, u *user, in mfaPreference) error {
	blocks := []struct {
		factor   string
		settings *factorSettings
	}{
		{factorSMS, in.SMSMfaSettings},
		{factorTOTP, in.SoftwareTokenMfaSettings},
		{factorEmail, in.EmailMfaSettings},
	}
	preferred := 0
	for _, b := range blocks {
		if b.settings == nil {
			continue
		}
		if b.settings.PreferredMfa {
			preferred++
			if !b.settings.Enabled {
				return invalidParameter("%s cannot be the preferred MFA method unless it is enabled.", b.factor)
			}
		}
		if err := canHave(p, u, b.factor, b.settings.Enabled); err != nil {
			return err
		}
	}
	if preferred > 1 {
		return invalidParameter("Only one MFA method can be preferred.")
	}
	if w := in.WebAuthnMfaSettings; w != nil && w.Enabled {
		if wa := p.mfa.WebAuthnConfiguration; wa == nil || deref(wa.FactorConfiguration) != "MULTI_FACTOR_WITH_USER_VERIFICATION" {
			return invalidParameter("WebAuthn MFA requires the user pool's WebAuthnConfiguration.FactorConfiguration to be MULTI_FACTOR_WITH_USER_VERIFICATION.")
		}
	}

	next := *u
	for _, b := range blocks {
		if b.settings == nil {
			continue
		}
		switch b.factor {
		case factorSMS:
			next.sms = b.settings.Enabled
			next.legacy = nil // the preference supersedes legacy MFAOptions
		case factorTOTP:
			next.totp = b.settings.Enabled
		case factorEmail:
			next.email = b.settings.Enabled
		}
		if b.settings.PreferredMfa {
			next.preferred = b.factor
		} else if next.preferred == b.factor {
			next.preferred = ""
		}
	}
	if w := in.WebAuthnMfaSettings; w != nil {
		next.webAuthn = w.Enabled
		if w.Enabled && len(next.mfaSettingList()) == 0 {
			return invalidParameter("WebAuthn MFA requires another MFA method to be enabled for the user.")
		}
	}
	u.sms, u.totp, u.email, u.webAuthn, u.preferred, u.legacy = next.sms, next.totp, next.email, next.webAuthn, next.preferred, next.legacy
	return nil
}

// canHave checks that u may carry a preference block for factor: Cognito
// refuses a block for a factor the user cannot receive, even one that
// disables it; enabling also needs the factor on in the pool.
func canHave(p *pool, u *user, factor string, enable bool) error {
	switch factor {
	case factorSMS:
		// Enabling SMS while the pool has it off is accepted
		// (amplify-js#11260); sign-in ignores it until the pool turns it on.
		if !u.hasAttr("phone_number") {
			return invalidParameter("User does not have a phone_number set to turn on SMS MFA")
		}
	case factorTOTP:
		if u.totpSecret == "" {
			return invalidParameter("User has not verified software token mfa")
		}
		if enable && !p.totpOn() {
			return invalidParameter("Software token MFA is not enabled for the user pool.")
		}
	case factorEmail:
		if !u.hasAttr("email") {
			return invalidParameter("User does not have an email set to turn on email MFA")
		}
		if enable && !p.emailOn() {
			return invalidParameter("Email MFA is not enabled for the user pool.")
		}
	}
	return nil
}

func adminSetUserSettings(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		MFAOptions *[]mfaOption
	}
	_, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := checkLegacyOptions(u, *in.MFAOptions); err != nil {
		return nil, err
	}
	u.legacy = nil
	if len(*in.MFAOptions) > 0 {
		u.legacy = append([]mfaOption(nil), *in.MFAOptions...)
	}
	u.modified = s.now()
	s.changed()
	return nil, nil
}

// checkLegacyOptions allows what Cognito still supports of MFAOptions: SMS
// to the user's phone_number.
func checkLegacyOptions(u *user, opts []mfaOption) error {
	for _, o := range opts {
		if o.DeliveryMedium != "SMS" || o.AttributeName != "phone_number" {
			return invalidParameter("Only SMS to the phone_number attribute is supported in MFAOptions.")
		}
		if !u.hasAttr("phone_number") {
			return invalidParameter("User does not have a phone_number set to turn on SMS MFA")
		}
	}
	return nil
}
