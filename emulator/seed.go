package emulator

import (
	"bufio"
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// seedFile is the seed format, and also the state file's: the state file
// is a seed that carries what the emulator generated (subs, dates, the
// token key, unverified authenticators) so that a restart loses nothing.
type seedFile struct {
	Pools []seedPool
	// State only: the key that signs access tokens, so tokens survive a restart.
	TokenKey string `json:",omitempty"`
}

type seedPool struct {
	Id   string
	Name string `json:",omitempty"`
	prerequisites
	signInAttributes
	// MfaConfig has SetUserPoolMfaConfig's shape. An SMS block without
	// SmsConfiguration takes the pool's.
	MfaConfig             *mfaConfig        `json:",omitempty"`
	Policies              *poolPolicies     `json:",omitempty"`
	UsernameCaseSensitive *bool             `json:",omitempty"`
	CustomAttributes      []string          `json:",omitempty"` // names, with or without "custom:"
	UserPoolTags          map[string]string `json:",omitempty"`
	Groups                []seedGroup       `json:",omitempty"`
	Clients               []seedClient      `json:",omitempty"`
	Users                 seedUsers         `json:",omitzero"`
	// DeviceConfiguration has CreateUserPool's shape: with
	// ChallengeRequiredOnNewDevice, remembered devices skip SMS and TOTP
	// MFA (deviceSkipsMFA).
	DeviceConfiguration *deviceConfiguration `json:",omitempty"`

	// State only.
	CreationDate     *epoch                     `json:",omitempty"`
	LastModifiedDate *epoch                     `json:",omitempty"`
	Extra            map[string]json.RawMessage `json:",omitempty"`
	// RiskConfigurations are the pool's (key "") and its app clients'.
	RiskConfigurations map[string]*riskConfiguration `json:",omitempty"`
}

// seedUsers are a pool's users. A seed keeps them as the JSON array it
// read, and buildPools decodes one user at a time as it builds it: a seed
// of 1,000,000 users never holds them all twice, and no slice of them is
// grown while decoding (1.2 GB allocated for a million). A state file is
// written from list.
type seedUsers struct {
	raw  json.RawMessage // as read
	list []seedUser      // as dumped
}

func (us seedUsers) IsZero() bool { return len(us.raw) == 0 && len(us.list) == 0 }

func (us seedUsers) MarshalJSON() ([]byte, error) { return json.Marshal(us.list) }

func (us *seedUsers) UnmarshalJSON(b []byte) error {
	us.raw = append(json.RawMessage(nil), b...)
	return nil
}

// each calls f with every user in order, decoding them one by one, and
// stops at the first error, which names the user's index.
func (us seedUsers) each(f func(j int, su seedUser) error) error {
	for j, su := range us.list {
		if err := f(j, su); err != nil {
			return err
		}
	}
	if len(us.raw) == 0 || string(us.raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(us.raw))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fmt.Errorf("Users: want a list of users, not %s", us.raw[:min(len(us.raw), 20)])
	}
	for j := 0; dec.More(); j++ {
		var su seedUser
		if err := dec.Decode(&su); err != nil {
			return fmt.Errorf("Users[%d]: %w", j, err)
		}
		if err := f(j, su); err != nil {
			return err
		}
	}
	return nil
}

type seedGroup struct {
	GroupName   string
	Description string `json:",omitempty"`
	RoleArn     string `json:",omitempty"`
	Precedence  *int   `json:",omitempty"`
}

type seedClient struct {
	ClientId          string
	ClientName        string   `json:",omitempty"`
	ClientSecret      string   `json:",omitempty"`
	ExplicitAuthFlows []string `json:",omitempty"`
}

type seedUser struct {
	Username   string
	Attributes map[string]string `json:",omitempty"`
	// Password makes the user CONFIRMED unless Status says otherwise.
	Password string `json:",omitempty"`
	Status   string `json:",omitempty"` // CONFIRMED | FORCE_CHANGE_PASSWORD
	Enabled  *bool  `json:",omitempty"`
	// TotpSecret is a verified authenticator (base32, as AssociateSoftwareToken returns it).
	TotpSecret string `json:",omitempty"`
	// MfaSettings has AdminSetUserMFAPreference's shape and obeys its rules.
	MfaSettings *mfaPreference `json:",omitempty"`
	MFAOptions  []mfaOption    `json:",omitempty"`
	Groups      []string       `json:",omitempty"`
	// Devices are devices the user's app confirmed; remembered ones skip
	// SMS and TOTP MFA when the pool's DeviceConfiguration says so.
	Devices []seedDevice `json:",omitempty"`
	// Passkeys are the user's WebAuthn credentials.
	Passkeys []seedPasskey `json:",omitempty"`

	// State only.
	Sub               string `json:",omitempty"`
	PendingTotpSecret string `json:",omitempty"`
	UserCreateDate    *epoch `json:",omitempty"`
	LastModifiedDate  *epoch `json:",omitempty"`
}

// SeedFile loads pools and users from a YAML or JSON file (see Seed).
func (s *Server) SeedFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := s.Seed(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Seed adds the pools and users of a seed document, JSON or YAML, to the
// server. Everything in it obeys the same rules as the API calls that would
// create it; on any error nothing is added.
func (s *Server) Seed(r io.Reader) error {
	doc, err := readSeed(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pools, clients, err := s.buildPools(doc, false)
	if err != nil {
		return err
	}
	for _, p := range pools {
		s.pools[p.id] = p
	}
	for _, cl := range clients {
		s.clients[cl.id] = cl
	}
	s.changed()
	return nil
}

// readSeed decodes JSON, or YAML by way of JSON so that both formats
// share one set of field names and unknown fields are refused in both.
func readSeed(r io.Reader) (*seedFile, error) {
	data, err := io.ReadAll(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] != '{' {
		var generic any
		if err := yaml.Unmarshal(data, &generic); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if data, err = json.Marshal(generic); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	var doc seedFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return &doc, nil
}

// buildPools turns a seed document into pools and clients without touching
// the server, so that a bad seed leaves it unchanged. The caller holds s.mu.
func (s *Server) buildPools(doc *seedFile, state bool) ([]*pool, []*client, error) {
	var pools []*pool
	var clients []*client
	seenClients := map[string]bool{}
	for i, sp := range doc.Pools {
		where := fmt.Sprintf("seed: Pools[%d]", i)
		if sp.Id != "" {
			where += " (" + sp.Id + ")"
		}
		p, err := s.buildPool(sp, state)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", where, err)
		}
		if s.pools[p.id] != nil || pools != nil && containsPool(pools, p.id) {
			return nil, nil, fmt.Errorf("%s: user pool %s already exists", where, p.id)
		}
		for j, sc := range sp.Clients {
			cl, err := buildClient(p, sc)
			if err == nil && (s.clients[cl.id] != nil || seenClients[cl.id]) {
				err = fmt.Errorf("client %s already exists", cl.id)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s.Clients[%d]: %w", where, j, err)
			}
			seenClients[cl.id] = true
			clients = append(clients, cl)
		}
		err = sp.Users.each(func(j int, su seedUser) error {
			if err := s.buildUser(p, su, state); err != nil {
				return fmt.Errorf("Users[%d] (%s): %w", j, su.Username, err)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("%s.%w", where, err)
		}
		pools = append(pools, p)
	}
	return pools, clients, nil
}

func containsPool(pools []*pool, id string) bool {
	for _, p := range pools {
		if p.id == id {
			return true
		}
	}
	return false
}

func (s *Server) buildPool(sp seedPool, state bool) (*pool, error) {
	// A seed pool is held to the model as CreateUserPool would be.
	var v validation
	checkString(&v, "UserPoolIdType", "Id", sp.Id)
	if sp.Name != "" {
		checkString(&v, "UserPoolNameType", "Name", sp.Name)
	}
	checkValue(&v, "CreateUserPoolRequest", "", struct {
		PoolName string
		prerequisites
		signInAttributes
		Policies *poolPolicies `json:",omitempty"`
	}{sp.Id, sp.prerequisites, sp.signInAttributes, sp.Policies})
	if sp.MfaConfig != nil {
		checkValue(&v, "SetUserPoolMfaConfigRequest", "MfaConfig", setUserPoolMfaConfigInput{*sp.MfaConfig, poolRef{&sp.Id}})
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := sp.prerequisites.check(); err != nil {
		return nil, err
	}
	if err := sp.signInAttributes.check(); err != nil {
		return nil, err
	}
	name := sp.Name
	if name == "" {
		name = sp.Id
	}
	now := s.now()
	p := newPool(sp.Id, name, now)
	if sp.CreationDate != nil {
		p.created = time.Time(*sp.CreationDate)
	}
	p.modified = p.created
	if sp.LastModifiedDate != nil {
		p.modified = time.Time(*sp.LastModifiedDate)
	}
	sp.prerequisites.apply(p, false)
	p.setSignInAttributes(sp.signInAttributes)
	if p.email == nil {
		p.email = &emailConfiguration{EmailSendingAccount: ptr("COGNITO_DEFAULT")}
	}
	p.policies = resolvePolicies(sp.Policies)
	if sp.UsernameCaseSensitive != nil {
		p.caseInsensitive = !*sp.UsernameCaseSensitive
	}
	for _, a := range sp.CustomAttributes {
		p.customAttrs["custom:"+strings.TrimPrefix(a, "custom:")] = true
	}
	if len(sp.UserPoolTags) > 0 {
		p.tags = sp.UserPoolTags
	}
	p.extra = sp.Extra
	p.risk = sp.RiskConfigurations
	if sp.DeviceConfiguration != nil {
		raw, _ := json.Marshal(sp.DeviceConfiguration)
		p.extra = maps.Clone(p.extra)
		if p.extra == nil {
			p.extra = map[string]json.RawMessage{}
		}
		p.extra["DeviceConfiguration"] = raw
	}
	if sp.MfaConfig != nil {
		cfg := *sp.MfaConfig
		if sms := cfg.SmsMfaConfiguration; sms != nil && sms.SmsConfiguration == nil {
			cp := *sms
			cp.SmsConfiguration = p.sms
			cfg.SmsMfaConfiguration = &cp
		}
		if err := checkMfaConfig(p, &cfg); err != nil && !state {
			return nil, fmt.Errorf("MfaConfig: %w", err)
		}
		if sms := cfg.SmsMfaConfiguration; sms != nil {
			p.sms = sms.SmsConfiguration
			cfg.SmsMfaConfiguration = &smsMfaConfig{SmsAuthenticationMessage: sms.SmsAuthenticationMessage}
		}
		p.mfa = cfg
	}
	for j, sg := range sp.Groups {
		var gv validation
		checkString(&gv, "GroupNameType", "GroupName", sg.GroupName)
		if err := gv.err(); err != nil {
			return nil, fmt.Errorf("Groups[%d]: %w", j, err)
		}
		if _, err := p.addGroup(sg.GroupName, sg.Description, sg.RoleArn, sg.Precedence, p.created); err != nil {
			return nil, fmt.Errorf("Groups[%d]: %w", j, err)
		}
	}
	return p, nil
}

func buildClient(p *pool, sc seedClient) (*client, error) {
	var v validation
	checkString(&v, "ClientIdType", "ClientId", sc.ClientId)
	name := sc.ClientName
	if name == "" {
		name = sc.ClientId
	}
	checkString(&v, "ClientNameType", "ClientName", name)
	checkValue(&v, "ExplicitAuthFlowsListType", "ExplicitAuthFlows", sc.ExplicitAuthFlows)
	if err := v.err(); err != nil {
		return nil, err
	}
	flows, err := checkAuthFlows(sc.ExplicitAuthFlows)
	if err != nil {
		return nil, err
	}
	return &client{id: sc.ClientId, poolID: p.id, name: name, secret: sc.ClientSecret, flows: flows, created: p.created, modified: p.created}, nil
}

func (s *Server) buildUser(p *pool, su seedUser, state bool) error {
	var v validation
	checkString(&v, "UsernameType", "Username", su.Username)
	if err := v.err(); err != nil {
		return err
	}
	if p.user(su.Username) != nil {
		return errors.New("user already exists")
	}
	attrs := make([]attribute, 0, len(su.Attributes))
	for _, name := range sortedKeys(su.Attributes) {
		attrs = append(attrs, attribute{Name: name, Value: su.Attributes[name]})
	}
	for _, a := range attrs {
		checkString(&v, "AttributeNameType", "Attributes", a.Name)
		checkString(&v, "AttributeValueType", "Attributes", a.Value)
	}
	if len(su.MFAOptions) > 0 {
		checkValue(&v, "MFAOptionListType", "MFAOptions", su.MFAOptions)
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := p.checkAttributes(attrs); err != nil {
		return err
	}
	u := newUser(su.Username, attrs, p.created)
	if su.Sub != "" {
		u.sub = su.Sub
		u.attrs[0].Value = su.Sub
	}
	if su.UserCreateDate != nil {
		u.created = time.Time(*su.UserCreateDate)
	}
	u.modified = u.created
	if su.LastModifiedDate != nil {
		u.modified = time.Time(*su.LastModifiedDate)
	}
	u.password = su.Password
	switch {
	case su.Password == "":
		u.password = generatePassword()
	case !state:
		if err := p.checkPassword(su.Password); err != nil {
			return err
		}
	}
	u.status = su.Status
	switch su.Status {
	case "":
		u.status = "FORCE_CHANGE_PASSWORD"
		if su.Password != "" {
			u.status = "CONFIRMED"
		}
	case "CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED":
	default:
		return fmt.Errorf("Status %q: want CONFIRMED, FORCE_CHANGE_PASSWORD or RESET_REQUIRED", su.Status)
	}
	if su.Enabled != nil {
		u.enabled = *su.Enabled
	}
	for _, secret := range []string{su.TotpSecret, su.PendingTotpSecret} {
		if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret)); err != nil {
			return fmt.Errorf("TotpSecret: not base32: %v", err)
		}
	}
	u.totpSecret, u.pendingTotpSecret = strings.ToUpper(su.TotpSecret), su.PendingTotpSecret
	if err := checkLegacyOptions(u, su.MFAOptions); err != nil {
		return fmt.Errorf("MFAOptions: %w", err)
	}
	u.legacy = su.MFAOptions
	if err := buildDevices(u, su.Devices, p.remembersOnConfirm(), u.created); err != nil {
		return err
	}
	if err := buildPasskeys(u, su.Passkeys, u.created); err != nil {
		return err
	}
	switch {
	case su.MfaSettings != nil && state:
		// A state file holds what the API allowed at the time, even if the
		// pool has since switched a factor off: restore it as it was.
		restorePreference(u, *su.MfaSettings)
	case su.MfaSettings != nil:
		legacy := u.legacy
		if err := setMFAPreference(p, u, *su.MfaSettings); err != nil {
			return fmt.Errorf("MfaSettings: %w", err)
		}
		// In a seed, MFAOptions and MfaSettings describe one state together.
		u.legacy = legacy
	}
	p.addUser(u)
	for _, name := range su.Groups {
		g := p.groups[name]
		if g == nil {
			return fmt.Errorf("Groups: no group %q in the pool's Groups", name)
		}
		if err := addToGroup(u, g); err != nil {
			return err
		}
	}
	return nil
}

// SaveState writes the whole state to path atomically: a temporary file in
// the same directory, synced, then renamed over path.
func (s *Server) SaveState(path string) error {
	s.mu.RLock()
	doc := s.dump()
	s.mu.RUnlock()
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// LoadState replaces the server's pools, users and clients with those of a
// state file written by SaveState.
func (s *Server) LoadState(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := readSeed(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	key, err := base64.StdEncoding.DecodeString(doc.TokenKey)
	if err != nil || len(key) < 32 {
		return fmt.Errorf("%s: TokenKey: want the base64 of at least 32 bytes", path)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, oldClients := s.pools, s.clients
	s.pools, s.clients = map[string]*pool{}, map[string]*client{}
	pools, clients, err := s.buildPools(doc, true)
	if err != nil {
		s.pools, s.clients = old, oldClients
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, p := range pools {
		s.pools[p.id] = p
	}
	for _, cl := range clients {
		s.clients[cl.id] = cl
	}
	s.key = key
	s.sessions = map[string]*authSession{}
	s.changed()
	return nil
}

// dump renders the state as a seed document. The caller holds s.mu.
func (s *Server) dump() *seedFile {
	doc := &seedFile{TokenKey: base64.StdEncoding.EncodeToString(s.key)}
	clientsByPool := map[string][]seedClient{}
	for _, id := range sortedKeys(s.clients) {
		cl := s.clients[id]
		clientsByPool[cl.poolID] = append(clientsByPool[cl.poolID], seedClient{
			ClientId: cl.id, ClientName: cl.name, ClientSecret: cl.secret, ExplicitAuthFlows: cl.flows,
		})
	}
	for _, id := range sortedKeys(s.pools) {
		p := s.pools[id]
		created, modified := epoch(p.created), epoch(p.modified)
		sp := seedPool{
			Id: p.id, Name: p.name,
			prerequisites: prerequisites{UserPoolTier: ptr(p.tier), EmailConfiguration: p.email,
				SmsConfiguration: p.sms, AccountRecoverySetting: p.recovery, AutoVerifiedAttributes: p.autoVerified},
			signInAttributes:      signInAttributes{UsernameAttributes: p.usernameAttrs, AliasAttributes: p.aliasAttrs},
			Policies:              &p.policies,
			UsernameCaseSensitive: ptr(!p.caseInsensitive),
			CustomAttributes:      sortedKeys(p.customAttrs),
			UserPoolTags:          p.tags,
			Clients:               clientsByPool[p.id],
			CreationDate:          &created, LastModifiedDate: &modified,
			Extra: p.extra, RiskConfigurations: p.risk,
		}
		if p.mfa.MfaConfiguration != "OFF" || p.mfa.WebAuthnConfiguration != nil {
			cfg := p.mfaView()
			sp.MfaConfig = &cfg
		}
		for _, g := range p.groupOrder {
			sp.Groups = append(sp.Groups, seedGroup{GroupName: g.name, Description: g.description, RoleArn: g.roleArn, Precedence: g.precedence})
		}
		sp.Users.list = make([]seedUser, 0, p.userCount())
		for _, u := range p.order {
			if !u.deleted {
				sp.Users.list = append(sp.Users.list, dumpUser(u))
			}
		}
		doc.Pools = append(doc.Pools, sp)
	}
	return doc
}

func restorePreference(u *user, pref mfaPreference) {
	set := func(f *factorSettings, enabled *bool, factor string) {
		if f != nil {
			*enabled = f.Enabled
			if f.PreferredMfa {
				u.preferred = factor
			}
		}
	}
	set(pref.SMSMfaSettings, &u.sms, factorSMS)
	set(pref.SoftwareTokenMfaSettings, &u.totp, factorTOTP)
	set(pref.EmailMfaSettings, &u.email, factorEmail)
	if pref.WebAuthnMfaSettings != nil {
		u.webAuthn = pref.WebAuthnMfaSettings.Enabled
	}
}

func dumpUser(u *user) seedUser {
	created, modified := epoch(u.created), epoch(u.modified)
	su := seedUser{
		Username: u.username, Password: u.password, Status: u.status, Enabled: ptr(u.enabled),
		TotpSecret: u.totpSecret, PendingTotpSecret: u.pendingTotpSecret, MFAOptions: u.legacy,
		Sub: u.sub, UserCreateDate: &created, LastModifiedDate: &modified,
		Devices: dumpDevices(u), Passkeys: dumpPasskeys(u),
	}
	if len(u.attrs) > 1 {
		su.Attributes = make(map[string]string, len(u.attrs)-1)
		for _, a := range u.attrs[1:] {
			su.Attributes[a.Name] = a.Value
		}
	}
	if u.sms || u.totp || u.email || u.webAuthn {
		pref := mfaPreference{}
		if u.sms {
			pref.SMSMfaSettings = &factorSettings{Enabled: true, PreferredMfa: u.preferred == factorSMS}
		}
		if u.totp {
			pref.SoftwareTokenMfaSettings = &factorSettings{Enabled: true, PreferredMfa: u.preferred == factorTOTP}
		}
		if u.email {
			pref.EmailMfaSettings = &factorSettings{Enabled: true, PreferredMfa: u.preferred == factorEmail}
		}
		if u.webAuthn {
			pref.WebAuthnMfaSettings = &struct{ Enabled bool }{true}
		}
		su.MfaSettings = &pref
	}
	for _, g := range u.groups {
		su.Groups = append(su.Groups, g.name)
	}
	return su
}
