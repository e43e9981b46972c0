package emulator

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PoolIDTag is a documented extension: a CreateUserPool request whose
// UserPoolTags hold this key gets that value as its pool ID instead of a
// random one, so tests and scripts can create pools with known IDs through
// any client. The tag itself is not stored.
const PoolIDTag = "mfactl-emulator:UserPoolId"

// lookupPool returns the pool a (model-validated) UserPoolId names. A
// signed request reaches only the pools of its own Region, as with
// Cognito's regional endpoints. The caller holds s.mu.
func (s *Server) lookupPool(c *call, id *string) (*pool, error) {
	p := s.pools[deref(id)]
	if p == nil || (c.signed && regionOf(*id) != c.region) {
		return nil, poolNotFound(deref(id))
	}
	return p, nil
}

// prerequisites are the pool settings that decide whether SMS and email MFA
// can be used; CreateUserPool, UpdateUserPool and seeds share them.
// AutoVerifiedAttributes is among them: verifying phone numbers by SMS ties
// SMS MFA to the pool's SMS configuration (see smsServesPhoneNumbers).
type prerequisites struct {
	UserPoolTier           *string
	EmailConfiguration     *emailConfiguration
	SmsConfiguration       *smsConfiguration
	AccountRecoverySetting *accountRecoverySetting
	AutoVerifiedAttributes []string `json:",omitempty"`
}

// signInAttributes are what users sign in with besides their username:
// CreateUserPool and seeds set them, and they cannot change afterwards.
type signInAttributes struct {
	UsernameAttributes []string `json:",omitempty"`
	AliasAttributes    []string `json:",omitempty"`
}

func (a *signInAttributes) check() error {
	if len(a.UsernameAttributes) > 0 && len(a.AliasAttributes) > 0 {
		return invalidParameter("A user pool can have UsernameAttributes or AliasAttributes, not both.")
	}
	return nil
}

// check enforces the rules between prerequisites that field constraints
// cannot express.
func (pr *prerequisites) check() error {
	if err := pr.SmsConfiguration.check(); err != nil {
		return err
	}
	if e := pr.EmailConfiguration; e != nil && deref(e.EmailSendingAccount) == "DEVELOPER" && e.SourceArn == nil {
		return invalidParameter("SourceArn is required when EmailSendingAccount is DEVELOPER.")
	}
	if r := pr.AccountRecoverySetting; r != nil && len(r.RecoveryMechanisms) == 2 {
		for _, m := range r.RecoveryMechanisms {
			if deref(m.Name) == "admin_only" {
				return invalidParameter("admin_only cannot be combined with another recovery mechanism.")
			}
		}
	}
	return nil
}

// apply stores the prerequisites on p. UpdateUserPool replaces all of them:
// an omitted member returns to its default, as Cognito documents.
func (pr *prerequisites) apply(p *pool, replace bool) {
	if pr.UserPoolTier != nil {
		p.tier = *pr.UserPoolTier
	}
	if pr.EmailConfiguration != nil || replace {
		p.email = pr.EmailConfiguration
	}
	if pr.SmsConfiguration != nil || replace {
		p.sms = pr.SmsConfiguration
	}
	if pr.AccountRecoverySetting != nil || replace {
		p.recovery = pr.AccountRecoverySetting
	}
	if pr.AutoVerifiedAttributes != nil || replace {
		p.autoVerified = slices.Clone(pr.AutoVerifiedAttributes)
	}
}

// smsServesPhoneNumbers reports whether p's SMS configuration also sends
// codes to phone numbers for something other than MFA: verification
// (AutoVerifiedAttributes) or sign-in (UsernameAttributes, AliasAttributes).
// Cognito then refuses to turn SMS MFA off ("Can't turn off SMS_MFA when SMS
// configuration is set for the user pool", amplify-backend#1481). Which
// settings exactly tie the two is not documented: any of them does here.
func (p *pool) smsServesPhoneNumbers() bool {
	if !p.sms.sends() {
		return false
	}
	for _, attrs := range [][]string{p.autoVerified, p.usernameAttrs, p.aliasAttrs} {
		if slices.Contains(attrs, "phone_number") {
			return true
		}
	}
	return false
}

// emailOnlyRecovery reports whether account recovery relies on email alone,
// which rules out email MFA.
func (p *pool) emailOnlyRecovery() bool {
	if p.recovery == nil {
		return false
	}
	for _, m := range p.recovery.RecoveryMechanisms {
		if deref(m.Name) != "verified_email" {
			return false
		}
	}
	return len(p.recovery.RecoveryMechanisms) > 0
}

type schemaAttribute struct {
	Name              *string
	AttributeDataType *string `json:",omitempty"`
}

type createUserPoolInput struct {
	prerequisites
	postureMembers
	signInAttributes
	PoolName              *string
	MfaConfiguration      *string
	Policies              *poolPolicies
	UsernameConfiguration *struct{ CaseSensitive *bool }
	Schema                []schemaAttribute
	UserPoolTags          map[string]string
}

// modelledPoolMembers are the CreateUserPool members the emulator models;
// the others are kept as they came and echoed by DescribeUserPool.
var modelledPoolMembers = []string{
	"PoolName", "UserPoolTier", "MfaConfiguration", "EmailConfiguration", "SmsConfiguration",
	"AccountRecoverySetting", "Policies", "UsernameConfiguration", "Schema", "UserPoolTags",
	"AutoVerifiedAttributes", "UsernameAttributes", "AliasAttributes",
}

func createUserPool(s *Server, c *call) (any, error) {
	var in createUserPoolInput
	var raw map[string]json.RawMessage
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	_ = decode(c, &raw)
	chosenID, chose := in.UserPoolTags[PoolIDTag]
	if chose {
		var v validation
		checkString(&v, "UserPoolIdType", "UserPoolTags."+PoolIDTag, chosenID)
		if err := v.err(); err != nil {
			return nil, err
		}
	}
	if err := in.prerequisites.check(); err != nil {
		return nil, err
	}
	if err := in.signInAttributes.check(); err != nil {
		return nil, err
	}
	tier := tierEssentials
	if in.UserPoolTier != nil {
		tier = *in.UserPoolTier
	}
	if err := in.postureMembers.checkTier(tier); err != nil {
		return nil, err
	}
	// A pool created with MFA gets SMS MFA, so it needs the SMS role and
	// phone numbers verified by SMS (aws-cdk#12075,
	// cloudformation-coverage-roadmap#769).
	mode := deref(in.MfaConfiguration)
	if (mode == "ON" || mode == "OPTIONAL") && (in.SmsConfiguration == nil || !slices.Contains(in.AutoVerifiedAttributes, "phone_number")) {
		return nil, invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is %s", map[string]string{"ON": "required", "OPTIONAL": "optional"}[mode])
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	id := chosenID
	if chose {
		if regionOf(id) != c.region {
			return nil, invalidParameter("User pool ID %s is not in this request's Region %s.", id, c.region)
		}
		if s.pools[id] != nil {
			return nil, invalidParameter("User pool %s already exists.", id)
		}
	} else {
		for id == "" || s.pools[id] != nil {
			id = c.region + "_" + randomID(9, alnum)
		}
	}
	p := newPool(id, *in.PoolName, s.now())
	in.prerequisites.apply(p, false)
	p.setSignInAttributes(in.signInAttributes)
	if p.email == nil {
		p.email = &emailConfiguration{EmailSendingAccount: ptr("COGNITO_DEFAULT")}
	}
	p.policies = resolvePolicies(in.Policies)
	if in.UsernameConfiguration != nil && in.UsernameConfiguration.CaseSensitive != nil {
		p.caseInsensitive = !*in.UsernameConfiguration.CaseSensitive
	}
	for _, a := range in.Schema {
		if name := deref(a.Name); name != "" && !standardAttributes[name] {
			p.customAttrs["custom:"+strings.TrimPrefix(name, "custom:")] = true
		}
	}
	for k, val := range in.UserPoolTags {
		if k != PoolIDTag {
			if p.tags == nil {
				p.tags = map[string]string{}
			}
			p.tags[k] = val
		}
	}
	if mode == "ON" || mode == "OPTIONAL" {
		p.mfa = mfaConfig{MfaConfiguration: mode, SmsMfaConfiguration: &smsMfaConfig{}}
	}
	for _, m := range modelledPoolMembers {
		delete(raw, m)
	}
	if len(raw) > 0 {
		p.extra = raw
	}
	s.pools[id] = p
	s.changed()
	c.poolID = id
	return map[string]any{"UserPool": s.describePool(p)}, nil
}

// resolvePolicies fills in Cognito's defaults: passwords of at least 8
// characters with upper and lower case, numbers and symbols.
func resolvePolicies(pol *poolPolicies) poolPolicies {
	out := poolPolicies{PasswordPolicy: &passwordPolicy{
		MinimumLength: ptr(8), RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
	}}
	if pol == nil {
		return out
	}
	if pol.PasswordPolicy != nil {
		pp := *pol.PasswordPolicy
		if pp.MinimumLength == nil {
			pp.MinimumLength = ptr(8)
		}
		out.PasswordPolicy = &pp
	}
	out.SignInPolicy = pol.SignInPolicy
	return out
}

type userPoolView struct {
	Id                     string
	Name                   string
	Arn                    string
	CreationDate           epoch
	LastModifiedDate       epoch
	MfaConfiguration       string
	UserPoolTier           string
	EmailConfiguration     *emailConfiguration     `json:",omitempty"`
	SmsConfiguration       *smsConfiguration       `json:",omitempty"`
	AccountRecoverySetting *accountRecoverySetting `json:",omitempty"`
	AutoVerifiedAttributes []string                `json:",omitempty"`
	UsernameAttributes     []string                `json:",omitempty"`
	AliasAttributes        []string                `json:",omitempty"`
	Policies               poolPolicies
	EstimatedNumberOfUsers int
	UsernameConfiguration  struct{ CaseSensitive bool }
	SchemaAttributes       []schemaAttribute `json:",omitempty"`
	UserPoolTags           map[string]string `json:",omitempty"`
}

// describePool renders DescribeUserPool's UserPool, with the members the
// emulator does not model echoed as they were created.
func (s *Server) describePool(p *pool) json.RawMessage {
	view := userPoolView{
		Id: p.id, Name: p.name, Arn: p.arn,
		CreationDate: epoch(p.created), LastModifiedDate: epoch(p.modified),
		MfaConfiguration: p.mfa.MfaConfiguration, UserPoolTier: p.tier,
		EmailConfiguration: p.email, SmsConfiguration: p.sms, AccountRecoverySetting: p.recovery,
		AutoVerifiedAttributes: p.autoVerified, UsernameAttributes: p.usernameAttrs, AliasAttributes: p.aliasAttrs,
		Policies: p.policies, EstimatedNumberOfUsers: p.userCount(), UserPoolTags: p.tags,
	}
	view.UsernameConfiguration.CaseSensitive = !p.caseInsensitive
	for _, name := range sortedKeys(p.customAttrs) {
		view.SchemaAttributes = append(view.SchemaAttributes, schemaAttribute{Name: ptr(name), AttributeDataType: ptr("String")})
	}
	typed, _ := json.Marshal(view)
	if len(p.extra) == 0 {
		return typed
	}
	var merged map[string]json.RawMessage
	_ = json.Unmarshal(typed, &merged)
	for k, val := range p.extra {
		if _, ok := merged[k]; !ok {
			merged[k] = val
		}
	}
	out, _ := json.Marshal(merged)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func describeUserPool(s *Server, c *call) (any, error) {
	var in poolRef
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return map[string]any{"UserPool": s.describePool(p)}, nil
}

type updateUserPoolInput struct {
	prerequisites
	postureMembers
	poolRef
	MfaConfiguration *string
	PoolName         *string
	Policies         *poolPolicies
	UserPoolTags     map[string]string
}

// updateUserPool replaces the pool's settings. Like Cognito it replaces
// every member of the request: an omitted EmailConfiguration,
// SmsConfiguration, AccountRecoverySetting, password policy, tag set or
// stored member (storedUpdateMembers) returns to its default. Three
// choices where Cognito's behaviour is not documented: an omitted
// UserPoolTier and PoolName are kept, and so is the sign-in policy when
// Policies leaves it out (removing it was seen to be a no-op, cdkd). It
// refuses to change the MFA mode, which belongs to SetUserPoolMfaConfig,
// and threat protection below the PLUS tier.
func updateUserPool(s *Server, c *call) (any, error) {
	var in updateUserPoolInput
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var raw map[string]json.RawMessage
	_ = decode(c, &raw)
	if err := in.prerequisites.check(); err != nil {
		return nil, err
	}
	if m := deref(in.MfaConfiguration); m != "" && m != p.mfa.MfaConfiguration {
		if m == "ON" {
			return nil, invalidParameter("Cannot turn MFA functionality ON, once the user pool has been created.")
		}
		return nil, invalidParameter("Cannot change MfaConfiguration with UpdateUserPool; use SetUserPoolMfaConfig.")
	}
	next := *p
	in.prerequisites.apply(&next, true)
	if next.email == nil {
		next.email = &emailConfiguration{EmailSendingAccount: ptr("COGNITO_DEFAULT")}
	}
	if err := in.postureMembers.checkTier(next.tier); err != nil {
		return nil, err
	}
	// Keep the MFA factors that are on usable.
	if p.mfa.SmsMfaConfiguration != nil && next.sms == nil {
		return nil, invalidParameter("SMS configuration is required while SMS MFA is enabled for the user pool.")
	}
	if p.mfa.EmailMfaConfiguration != nil {
		if err := emailMFAPrerequisites(&next); err != nil {
			return nil, err
		}
	}
	if w := p.mfa.WebAuthnConfiguration; w != nil && deref(w.FactorConfiguration) == "MULTI_FACTOR_WITH_USER_VERIFICATION" && next.tier == tierLite {
		return nil, newError(CodeFeatureUnavailableInTier, "Passkeys as a multi-factor sign-in are not available in the LITE feature plan; the user pool must be on ESSENTIALS or PLUS.")
	}
	policies := resolvePolicies(in.Policies)
	if in.Policies == nil || in.Policies.SignInPolicy == nil {
		policies.SignInPolicy = p.policies.SignInPolicy
	}
	p.tier, p.email, p.sms, p.recovery, p.autoVerified = next.tier, next.email, next.sms, next.recovery, next.autoVerified
	p.policies = policies
	if in.PoolName != nil {
		p.name = *in.PoolName
	}
	p.tags = nil
	for k, val := range in.UserPoolTags {
		if k != PoolIDTag {
			if p.tags == nil {
				p.tags = map[string]string{}
			}
			p.tags[k] = val
		}
	}
	p.replaceStoredMembers(raw)
	p.modified = s.now()
	s.changed()
	return nil, nil
}

// emailMFAPrerequisites checks what email MFA needs from the pool.
func emailMFAPrerequisites(p *pool) error {
	if p.tier == tierLite {
		return newError(CodeFeatureUnavailableInTier, "Email MFA is not available in the LITE feature plan; the user pool must be on ESSENTIALS or PLUS.")
	}
	if p.email == nil || deref(p.email.EmailSendingAccount) != "DEVELOPER" {
		return invalidParameter("Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER (Amazon SES).")
	}
	if p.emailOnlyRecovery() {
		return invalidParameter("Email MFA cannot be enabled while email is the only account recovery mechanism.")
	}
	return nil
}

func listUserPools(s *Server, c *call) (any, error) {
	var in struct {
		MaxResults *int
		NextToken  *string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var pools []*pool
	for _, p := range s.pools {
		if regionOf(p.id) == c.region {
			pools = append(pools, p)
		}
	}
	sort.Slice(pools, func(i, j int) bool {
		if !pools[i].created.Equal(pools[j].created) {
			return pools[i].created.Before(pools[j].created)
		}
		return pools[i].id < pools[j].id
	})
	start := 0
	if in.NextToken != nil {
		after, err := decodeToken(*in.NextToken)
		if err != nil {
			return nil, err
		}
		// The token names the last pool of the previous page.
		start = slices.IndexFunc(pools, func(p *pool) bool { return p.id == after }) + 1
	}
	type item struct {
		Id, Name                       string
		CreationDate, LastModifiedDate epoch
	}
	out := struct {
		UserPools []item
		NextToken string `json:",omitempty"`
	}{UserPools: []item{}}
	end := min(start+*in.MaxResults, len(pools))
	for _, p := range pools[start:end] {
		out.UserPools = append(out.UserPools, item{p.id, p.name, epoch(p.created), epoch(p.modified)})
	}
	if end < len(pools) {
		out.NextToken = encodeToken(pools[end-1].id)
	}
	return out, nil
}

// Pagination tokens are opaque to clients: base64 of a position.
func encodeToken(pos string) string { return base64.RawURLEncoding.EncodeToString([]byte(pos)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) == 0 {
		return "", invalidParameter("Invalid pagination token.")
	}
	return string(b), nil
}

func getUserPoolMfaConfig(s *Server, c *call) (any, error) {
	var in poolRef
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return p.mfaView(), nil
}

// mfaView is the pool's MFA configuration as Get/SetUserPoolMfaConfig
// return it: only configured factors, SMS with the pool's SMS role.
func (p *pool) mfaView() mfaConfig {
	out := p.mfa
	if sms := out.SmsMfaConfiguration; sms != nil {
		cp := *sms
		cp.SmsConfiguration = p.sms
		out.SmsMfaConfiguration = &cp
	}
	return out
}

type setUserPoolMfaConfigInput struct {
	mfaConfig
	poolRef
}

// setUserPoolMfaConfig replaces the pool's whole MFA configuration: an
// omitted mode is OFF, an omitted factor block is that factor off.
func setUserPoolMfaConfig(s *Server, c *call) (any, error) {
	var in setUserPoolMfaConfigInput
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cfg := in.mfaConfig
	if err := checkMfaConfig(p, &cfg); err != nil {
		return nil, err
	}
	if sms := cfg.SmsMfaConfiguration; sms != nil {
		p.sms = sms.SmsConfiguration
		cfg.SmsMfaConfiguration = &smsMfaConfig{SmsAuthenticationMessage: sms.SmsAuthenticationMessage}
	}
	p.mfa = cfg
	p.modified = s.now()
	s.changed()
	return p.mfaView(), nil
}

// checkMfaConfig applies Cognito's rules for a new MFA configuration of p
// (already held to the model), defaulting an omitted mode to OFF. Seeds go
// through it too.
func checkMfaConfig(p *pool, cfg *mfaConfig) error {
	mode := cfg.MfaConfiguration
	if mode == "" {
		mode = "OFF"
		cfg.MfaConfiguration = mode
	}
	factors := cfg.SmsMfaConfiguration != nil || cfg.SoftwareTokenMfaConfiguration != nil || cfg.EmailMfaConfiguration != nil
	switch {
	case mode == "OFF" && factors:
		return invalidParameter("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.")
	case mode != "OFF" && !factors:
		return invalidParameter("Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.")
	case cfg.SmsMfaConfiguration == nil && (mode != "OFF" || p.smsOn()) && p.smsServesPhoneNumbers():
		return invalidParameter("Can't turn off SMS_MFA when SMS configuration is set for the user pool.")
	}
	if sms := cfg.SmsMfaConfiguration; sms != nil {
		sc := sms.SmsConfiguration
		if err := sc.check(); err != nil {
			return err
		}
		// Through SNS a role needs its external ID; End User Messaging
		// needs its CallerArn (required by the model).
		if sc == nil || (sc.EumsSms == nil && (deref(sc.SnsCallerArn) == "" || deref(sc.ExternalId) == "")) {
			return invalidParameter("Invalid SMS MFA configuration given, external id and a valid caller arn are required")
		}
	}
	if cfg.EmailMfaConfiguration != nil {
		if err := emailMFAPrerequisites(p); err != nil {
			return err
		}
	}
	if w := cfg.WebAuthnConfiguration; w != nil && deref(w.FactorConfiguration) == "MULTI_FACTOR_WITH_USER_VERIFICATION" && p.tier == tierLite {
		return newError(CodeFeatureUnavailableInTier, "Passkeys as a multi-factor sign-in are not available in the LITE feature plan; the user pool must be on ESSENTIALS or PLUS.")
	}
	if mode == "ON" && p.policies.SignInPolicy != nil {
		for _, f := range p.policies.SignInPolicy.AllowedFirstAuthFactors {
			switch {
			case f == "EMAIL_OTP" || f == "SMS_OTP":
				return invalidParameter("MFA cannot be ON while the sign-in policy allows %s as a first authentication factor.", f)
			case f == "WEB_AUTHN" && (cfg.WebAuthnConfiguration == nil || deref(cfg.WebAuthnConfiguration.FactorConfiguration) != "MULTI_FACTOR_WITH_USER_VERIFICATION"):
				return invalidParameter("MFA cannot be ON while the sign-in policy allows WEB_AUTHN as a first authentication factor unless WebAuthnConfiguration.FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION.")
			}
		}
	}
	return nil
}

// Pool-enabled factors, as sign-in and per-user preferences see them.
func (p *pool) smsOn() bool {
	return p.mfa.MfaConfiguration != "OFF" && p.mfa.SmsMfaConfiguration != nil
}
func (p *pool) totpOn() bool {
	return p.mfa.SoftwareTokenMfaConfiguration != nil && p.mfa.SoftwareTokenMfaConfiguration.Enabled
}
func (p *pool) emailOn() bool {
	return p.mfa.MfaConfiguration != "OFF" && p.mfa.EmailMfaConfiguration != nil
}

func (p *pool) setSignInAttributes(a signInAttributes) {
	p.usernameAttrs, p.aliasAttrs = slices.Clone(a.UsernameAttributes), slices.Clone(a.AliasAttributes)
}

func createGroup(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		GroupName, Description, RoleArn *string
		Precedence                      *int
	}
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := p.addGroup(*in.GroupName, deref(in.Description), deref(in.RoleArn), in.Precedence, s.now())
	if err != nil {
		return nil, err
	}
	s.changed()
	return map[string]any{"Group": groupView(p, g)}, nil
}

func (p *pool) addGroup(name, description, roleArn string, precedence *int, now time.Time) (*group, error) {
	if p.groups[name] != nil {
		return nil, newError(CodeGroupExists, "A group with the name %s already exists.", name)
	}
	g := &group{name: name, description: description, roleArn: roleArn, precedence: precedence, created: now, modified: now}
	p.groups[name] = g
	p.groupOrder = append(p.groupOrder, g)
	return g, nil
}

func groupView(p *pool, g *group) any {
	return struct {
		GroupName                      string
		UserPoolId                     string
		Description                    string `json:",omitempty"`
		RoleArn                        string `json:",omitempty"`
		Precedence                     *int   `json:",omitempty"`
		CreationDate, LastModifiedDate epoch
	}{g.name, p.id, g.description, g.roleArn, g.precedence, epoch(g.created), epoch(g.modified)}
}

func createUserPoolClient(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		ClientName        *string
		GenerateSecret    bool
		ExplicitAuthFlows []string
	}
	p, unlock, err := s.poolCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	flows, err := checkAuthFlows(in.ExplicitAuthFlows)
	if err != nil {
		return nil, err
	}
	cl := &client{poolID: p.id, name: *in.ClientName, flows: flows, created: s.now()}
	cl.modified = cl.created
	for cl.id == "" || s.clients[cl.id] != nil {
		cl.id = randomID(26, lowerAlnum)
	}
	if in.GenerateSecret {
		cl.secret = randomID(51, lowerAlnum)
	}
	var raw map[string]json.RawMessage
	_ = decode(c, &raw)
	for _, m := range []string{"UserPoolId", "ClientName", "GenerateSecret", "ExplicitAuthFlows"} {
		delete(raw, m)
	}
	if len(raw) > 0 {
		cl.extra = raw
	}
	s.clients[cl.id] = cl
	s.changed()
	return map[string]any{"UserPoolClient": clientView(cl)}, nil
}

// listUserPoolClients pages a pool's app clients, oldest first.
func listUserPoolClients(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		MaxResults *int
		NextToken  *string
	}
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var clients []*client
	for _, cl := range s.clients {
		if cl.poolID == p.id {
			clients = append(clients, cl)
		}
	}
	slices.SortFunc(clients, func(a, b *client) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	var v validation
	limit := checkLimit(&v, "MaxResults", in.MaxResults, maxClientPage)
	if err := v.err(); err != nil {
		return nil, err
	}
	start, err := pagePosition(in.NextToken, len(clients))
	if err != nil {
		return nil, err
	}
	end := min(start+limit, len(clients))
	page := make([]map[string]any, 0, end-start)
	for _, cl := range clients[start:end] {
		d := map[string]any{"ClientId": cl.id, "UserPoolId": p.id}
		if cl.name != "" {
			d["ClientName"] = cl.name
		}
		page = append(page, d)
	}
	out := map[string]any{"UserPoolClients": page}
	if end < len(clients) {
		out["NextToken"] = encodeToken(strconv.Itoa(end))
	}
	return out, nil
}

// maxClientPage is ListUserPoolClients' largest MaxResults (QueryLimit).
const maxClientPage = 60

// checkAuthFlows applies Cognito's defaults and refuses mixing the legacy
// flow names with the ALLOW_ ones.
func checkAuthFlows(flows []string) ([]string, error) {
	if len(flows) == 0 {
		return []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH"}, nil
	}
	legacy, allow := false, false
	for _, f := range flows {
		if strings.HasPrefix(f, "ALLOW_") {
			allow = true
		} else {
			legacy = true
		}
	}
	if legacy && allow {
		return nil, invalidParameter("ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.")
	}
	return flows, nil
}

func clientView(cl *client) json.RawMessage {
	typed, _ := json.Marshal(struct {
		UserPoolId, ClientName, ClientId string
		ClientSecret                     string `json:",omitempty"`
		ExplicitAuthFlows                []string
		CreationDate, LastModifiedDate   epoch
	}{cl.poolID, cl.name, cl.id, cl.secret, cl.flows, epoch(cl.created), epoch(cl.modified)})
	if len(cl.extra) == 0 {
		return typed
	}
	var merged map[string]json.RawMessage
	_ = json.Unmarshal(typed, &merged)
	for k, val := range cl.extra {
		merged[k] = val
	}
	out, _ := json.Marshal(merged)
	return out
}

func (c *client) allows(flow string) bool {
	return slices.Contains(c.flows, flow) || slices.Contains(c.flows, strings.TrimPrefix(flow, "ALLOW_"))
}
