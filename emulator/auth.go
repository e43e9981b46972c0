package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const (
	accessTokenLifetime = time.Hour
	sessionLifetime     = 3 * time.Minute
)

// tokenClaims are what the emulator's access tokens carry. Tokens are JWTs
// signed with HMAC-SHA256 and a key of this server, so a forged or altered
// token is refused.
type tokenClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Username string `json:"username"`
	ClientID string `json:"client_id"`
	TokenUse string `json:"token_use"`
	Scope    string `json:"scope,omitempty"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	ID       string `json:"jti"`
	PoolID   string `json:"-"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

func (s *Server) signToken(claims tokenClaims) string {
	payload, _ := json.Marshal(claims)
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

var (
	errInvalidToken = newError(CodeNotAuthorized, "Invalid Access Token")
	errExpiredToken = newError(CodeNotAuthorized, "Access Token has expired")
	errRevokedToken = newError(CodeNotAuthorized, "Access Token has been revoked")
	errTokenScope   = newError(CodeNotAuthorized, "Access Token does not have required scopes")
)

// adminScope is the scope Cognito requires of an access token for the
// user's own operations (GetUser, SetUserMFAPreference, the software-token
// calls, GlobalSignOut).
const adminScope = "aws.cognito.signin.user.admin"

// parseAccessToken verifies an access token's signature, use and expiry.
func (s *Server) parseAccessToken(token string) (tokenClaims, error) {
	var claims tokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims, errInvalidToken
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return claims, errInvalidToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims.TokenUse != "access" {
		return claims, errInvalidToken
	}
	if s.now().Unix() >= claims.Expires {
		return claims, errExpiredToken
	}
	claims.PoolID = claims.Issuer[strings.LastIndex(claims.Issuer, "/")+1:]
	return claims, nil
}

// userFromToken resolves an AccessToken member to its pool and user. The
// caller holds s.mu.
func (s *Server) userFromToken(token *string) (*pool, *user, error) {
	claims, err := s.parseAccessToken(*token)
	if err != nil {
		return nil, nil, err
	}
	p := s.pools[claims.PoolID]
	if p == nil {
		return nil, nil, errInvalidToken
	}
	u := p.subs[claims.Subject]
	if u == nil {
		return nil, nil, userNotFound()
	}
	if claims.IssuedAt <= u.signedOutAt {
		return nil, nil, errRevokedToken
	}
	if !slices.Contains(strings.Fields(claims.Scope), adminScope) {
		return nil, nil, errTokenScope
	}
	return p, u, nil
}

// IssueAccessToken signs an access token for a user of a pool, as a
// sign-in would, for tests that need one without a sign-in flow. The token
// carries scopes, or aws.cognito.signin.user.admin when none are given (a
// token without it is what an OAuth client limited to other scopes gets).
func (s *Server) IssueAccessToken(poolID, username string, scopes ...string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.pools[poolID]
	if p == nil {
		return "", fmt.Errorf("no user pool %s", poolID)
	}
	u := p.user(username)
	if u == nil {
		return "", fmt.Errorf("no user %s in user pool %s", username, poolID)
	}
	if len(scopes) == 0 {
		scopes = []string{adminScope}
	}
	return s.accessToken(p, u, "emulator", strings.Join(scopes, " ")), nil
}

// accessToken signs an access token for u; the caller holds s.mu.
func (s *Server) accessToken(p *pool, u *user, clientID, scope string) string {
	now := s.now()
	return s.signToken(tokenClaims{
		Issuer:  fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", regionOf(p.id), p.id),
		Subject: u.sub, Username: u.username, ClientID: clientID, TokenUse: "access",
		Scope: scope, IssuedAt: issuedAt(u, now), Expires: now.Add(accessTokenLifetime).Unix(), ID: newUUID(),
	})
}

// issuedAt is a new token's iat. Tokens are dated in seconds and a
// sign-out revokes those issued up to its second, so a token issued later
// in that same second is dated the next one: a sign-in right after a
// sign-out works, as it does with Cognito.
func issuedAt(u *user, now time.Time) int64 {
	return max(now.Unix(), u.signedOutAt+1)
}

// globalSignOut revokes every token the user holds: tokens issued up to
// now are refused from then on ("Access Token has been revoked").
func globalSignOut(s *Server, c *call) (any, error) {
	var in struct{ AccessToken *string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.userFromToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	u.signedOutAt = s.now().Unix()
	s.changed()
	return nil, nil
}

// authSession is a sign-in waiting for a challenge response.
type authSession struct {
	poolID, username, clientID string
	sub                        string
	challenge                  string
	code                       string // the code sent for SMS_MFA and EMAIL_OTP
	expires                    time.Time
}

// Message is an SMS or email the emulator would have sent: a sign-in code,
// or a password-reset code (AdminResetUserPassword).
// Tests read codes from Server.Messages to answer SMS_MFA and EMAIL_OTP
// challenges.
type Message struct {
	UserPoolId  string
	Username    string
	Medium      string // SMS | EMAIL
	Destination string
	Code        string
}

// maxOutbox caps Messages; the oldest half is dropped when it is full.
const maxOutbox = 10_000

// Messages returns the codes sent so far, oldest first (at most the last 10,000).
func (s *Server) Messages() []Message {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Message(nil), s.outbox...)
}

// newSession starts a challenge; the caller holds s.mu for writing.
func (s *Server) newSession(p *pool, u *user, clientID, challenge string) string {
	now := s.now()
	if len(s.sessions) > 1000 {
		for id, sess := range s.sessions {
			if now.After(sess.expires) {
				delete(s.sessions, id)
			}
		}
	}
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	s.sessions[id] = &authSession{
		poolID: p.id, username: u.username, sub: u.sub, clientID: clientID,
		challenge: challenge, expires: now.Add(sessionLifetime),
	}
	return id
}

func (s *Server) issueTokens(p *pool, u *user, clientID string) map[string]any {
	now := s.now()
	access := s.accessToken(p, u, clientID, adminScope)
	id := s.signToken(tokenClaims{
		Issuer:  fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", regionOf(p.id), p.id),
		Subject: u.sub, Username: u.username, ClientID: clientID, TokenUse: "id",
		IssuedAt: issuedAt(u, now), Expires: now.Add(accessTokenLifetime).Unix(), ID: newUUID(),
	})
	refresh := make([]byte, 64)
	_, _ = rand.Read(refresh)
	return map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": access, "IdToken": id, "TokenType": "Bearer",
		"ExpiresIn": int(accessTokenLifetime / time.Second), "RefreshToken": base64.RawURLEncoding.EncodeToString(refresh),
	}}
}

func initiateAuth(s *Server, c *call) (any, error) {
	var in struct {
		AuthFlow, ClientId *string
		AuthParameters     map[string]string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if *in.AuthFlow != "USER_PASSWORD_AUTH" {
		return nil, invalidParameter("The mfactl emulator supports only the USER_PASSWORD_AUTH flow.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cl := s.clients[*in.ClientId]
	if cl == nil {
		return nil, newError(CodeResourceNotFound, "User pool client %s does not exist.", *in.ClientId)
	}
	if !cl.allows("ALLOW_USER_PASSWORD_AUTH") {
		return nil, invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
	}
	username, password := in.AuthParameters["USERNAME"], in.AuthParameters["PASSWORD"]
	switch {
	case username == "":
		return nil, invalidParameter("Missing required parameter USERNAME")
	case password == "":
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	if err := checkSecretHash(cl, username, in.AuthParameters["SECRET_HASH"]); err != nil {
		return nil, err
	}
	p := s.pools[cl.poolID]
	u := p.user(username)
	switch {
	case u == nil:
		return nil, userNotFound()
	case !u.enabled:
		return nil, newError(CodeNotAuthorized, "User is disabled.")
	case subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) != 1:
		return nil, newError(CodeNotAuthorized, "Incorrect username or password.")
	case u.status == "RESET_REQUIRED":
		return nil, newError(CodePasswordResetRequired, "Password reset required for the user")
	case u.status == "FORCE_CHANGE_PASSWORD":
		return s.challenge(p, u, cl.id, "NEW_PASSWORD_REQUIRED", map[string]string{
			"userAttributes": "{}", "requiredAttributes": "[]",
		}), nil
	}
	// A remembered device may replace the MFA challenge. Cognito proves the
	// device with a DEVICE_SRP_AUTH challenge; the emulator takes
	// DEVICE_KEY at its word.
	name, params := mfaChallenge(p, u)
	if d := p.deviceSkipsMFA(u, in.AuthParameters["DEVICE_KEY"], name, params); d != nil {
		d.lastAuthenticated = s.now()
		return s.issueTokens(p, u, cl.id), nil
	}
	if name == "" {
		return s.issueTokens(p, u, cl.id), nil
	}
	return s.challenge(p, u, cl.id, name, params), nil
}

// checkSecretHash verifies SECRET_HASH for clients with a secret:
// Base64(HMAC-SHA256(secret, username + clientId)).
func checkSecretHash(cl *client, username, got string) error {
	if cl.secret == "" {
		return nil
	}
	if got == "" {
		return newError(CodeNotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", cl.id)
	}
	mac := hmac.New(sha256.New, []byte(cl.secret))
	mac.Write([]byte(username + cl.id))
	if !hmac.Equal([]byte(got), []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil)))) {
		return newError(CodeNotAuthorized, "Unable to verify secret hash for client %s", cl.id)
	}
	return nil
}

// signIn finishes a password sign-in: tokens, or the MFA challenge the
// pool's mode and the user's factors call for.
func (s *Server) signIn(p *pool, u *user, clientID string) map[string]any {
	name, params := mfaChallenge(p, u)
	if name == "" {
		return s.issueTokens(p, u, clientID)
	}
	return s.challenge(p, u, clientID, name, params)
}

func (s *Server) challenge(p *pool, u *user, clientID, name string, params map[string]string) map[string]any {
	if params == nil {
		params = map[string]string{}
	}
	params["USER_ID_FOR_SRP"] = u.username
	session := s.newSession(p, u, clientID, name)
	if medium := params["CODE_DELIVERY_DELIVERY_MEDIUM"]; medium != "" {
		code := randomID(6, "0123456789")
		s.sessions[session].code = code
		attr := "phone_number"
		if medium == "EMAIL" {
			attr = "email"
		}
		dest, _ := u.attr(attr)
		s.send(Message{UserPoolId: p.id, Username: u.username, Medium: medium, Destination: dest, Code: code})
	}
	return map[string]any{
		"ChallengeName":       name,
		"Session":             session,
		"ChallengeParameters": params,
	}
}

func respondToAuthChallenge(s *Server, c *call) (any, error) {
	var in struct {
		ClientId, ChallengeName, Session *string
		ChallengeResponses               map[string]string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cl := s.clients[*in.ClientId]
	if cl == nil {
		return nil, newError(CodeResourceNotFound, "User pool client %s does not exist.", *in.ClientId)
	}
	sess := s.sessions[deref(in.Session)]
	if sess == nil || s.now().After(sess.expires) || sess.clientID != cl.id {
		return nil, newError(CodeNotAuthorized, "Invalid session for the user, session is expired.")
	}
	if *in.ChallengeName != sess.challenge {
		return nil, invalidParameter("Session is for challenge %s, not %s.", sess.challenge, *in.ChallengeName)
	}
	p := s.pools[sess.poolID]
	var u *user
	if p != nil {
		u = p.subs[sess.sub]
	}
	if u == nil {
		return nil, userNotFound()
	}
	r := in.ChallengeResponses
	if err := checkSecretHash(cl, r["USERNAME"], r["SECRET_HASH"]); err != nil {
		return nil, err
	}
	delete(s.sessions, *in.Session) // a session answers one challenge
	mismatch := newError(CodeCodeMismatch, "Invalid code or auth state for the user.")
	switch sess.challenge {
	case factorTOTP:
		code := r["SOFTWARE_TOKEN_MFA_CODE"]
		if code == u.lastTotpCode {
			return nil, newError(CodeCodeMismatch, "Your software token has already been used once.")
		}
		if ok, _ := validTOTP(code, u.totpSecret, s.now()); !ok || u.totpSecret == "" {
			return nil, mismatch
		}
		u.lastTotpCode = code
	case factorSMS, factorEmail:
		key := "SMS_MFA_CODE"
		if sess.challenge == factorEmail {
			key = "EMAIL_OTP_CODE"
		}
		if subtle.ConstantTimeCompare([]byte(r[key]), []byte(sess.code)) != 1 {
			return nil, mismatch
		}
	case "SELECT_MFA_TYPE":
		answer := r["ANSWER"]
		name, params := mfaChallenge(p, u)
		if name != "SELECT_MFA_TYPE" || !strings.Contains(params["MFAS_CAN_CHOOSE"], `"`+answer+`"`) {
			return nil, invalidParameter("ANSWER must be one of the factors offered: %s.", params["MFAS_CAN_CHOOSE"])
		}
		return s.challenge(p, u, cl.id, answer, deliveryParams(u, answer)), nil
	case "NEW_PASSWORD_REQUIRED":
		password := r["NEW_PASSWORD"]
		if err := p.checkPassword(password); err != nil {
			return nil, err
		}
		u.password, u.status, u.modified = password, "CONFIRMED", s.now()
		s.changed()
		return s.signIn(p, u, cl.id), nil
	case "MFA_SETUP":
		// Cognito finishes MFA_SETUP once the user verified an authenticator
		// (AssociateSoftwareToken and VerifySoftwareToken with the session).
		if u.totpSecret == "" {
			return nil, invalidParameter("Verify a software token before answering MFA_SETUP.")
		}
	default:
		return nil, invalidParameter("The mfactl emulator does not answer %s challenges.", sess.challenge)
	}
	return s.issueTokens(p, u, cl.id), nil
}

// mfaChallenge decides the MFA challenge at sign-in ("" for none).
//
// A factor counts when the pool has it on and the user enabled it (legacy
// MFAOptions SMS counts as SMS). Under OPTIONAL a user with no such factor
// signs in without MFA. Under ON such a user is challenged with a factor
// the pool has on and the user can receive — a verified authenticator, a
// phone_number, an email — and only with none of those gets MFA_SETUP.
// Several factors: the preferred one, else SELECT_MFA_TYPE.
func mfaChallenge(p *pool, u *user) (string, map[string]string) {
	mode := p.mfa.MfaConfiguration
	if mode == "OFF" {
		return "", nil
	}
	var factors []string
	if p.smsOn() && (u.sms || u.legacySMS()) {
		factors = append(factors, factorSMS)
	}
	if p.totpOn() && u.totp && u.totpSecret != "" {
		factors = append(factors, factorTOTP)
	}
	if p.emailOn() && u.email {
		factors = append(factors, factorEmail)
	}
	if len(factors) == 0 && mode == "ON" {
		switch {
		case p.totpOn() && u.totpSecret != "":
			factors = []string{factorTOTP}
		case p.smsOn() && u.hasAttr("phone_number"):
			factors = []string{factorSMS}
		case p.emailOn() && u.hasAttr("email"):
			factors = []string{factorEmail}
		default:
			var canSetup []string
			if p.totpOn() {
				canSetup = append(canSetup, factorTOTP)
			}
			if p.emailOn() {
				canSetup = append(canSetup, factorEmail)
			}
			if p.smsOn() {
				canSetup = append(canSetup, factorSMS)
			}
			return "MFA_SETUP", map[string]string{"MFAS_CAN_SETUP": jsonList(canSetup)}
		}
	}
	switch {
	case len(factors) == 0:
		return "", nil
	case len(factors) == 1:
		return factors[0], deliveryParams(u, factors[0])
	}
	for _, f := range factors {
		if f == u.preferred {
			return f, deliveryParams(u, f)
		}
	}
	return "SELECT_MFA_TYPE", map[string]string{"MFAS_CAN_CHOOSE": jsonList(factors)}
}

func jsonList(items []string) string {
	b, _ := json.Marshal(items)
	return string(b)
}

// deliveryParams say where a code went, masked as Cognito masks it.
func deliveryParams(u *user, factor string) map[string]string {
	switch factor {
	case factorSMS:
		phone, _ := u.attr("phone_number")
		return map[string]string{"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": maskTail(phone, 4)}
	case factorEmail:
		email, _ := u.attr("email")
		return map[string]string{"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": maskEmail(email)}
	}
	return map[string]string{}
}

func maskTail(s string, keep int) string {
	if len(s) <= keep {
		return s
	}
	return strings.Repeat("*", len(s)-keep) + s[len(s)-keep:]
}

func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}

func getUser(s *Server, c *call) (any, error) {
	var in struct{ AccessToken *string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, u, err := s.userFromToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	return u.selfView(), nil
}

func setUserMFAPreference(s *Server, c *call) (any, error) {
	var in struct {
		mfaPreference
		AccessToken *string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.userFromToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	return nil, s.changeMFAPreference(p, u, in.mfaPreference)
}

// userFromTokenOrSession resolves the AccessToken or Session member of the
// software-token operations; exactly one of them must be given.
func (s *Server) userFromTokenOrSession(token, session *string) (*pool, *user, *authSession, error) {
	switch {
	case token != nil && session != nil:
		return nil, nil, nil, invalidParameter("Provide either AccessToken or Session, not both.")
	case token != nil:
		p, u, err := s.userFromToken(token)
		return p, u, nil, err
	case session != nil:
		sess := s.sessions[*session]
		if sess == nil || s.now().After(sess.expires) {
			return nil, nil, nil, newError(CodeNotAuthorized, "Invalid session for the user, session is expired.")
		}
		p := s.pools[sess.poolID]
		if p == nil || p.subs[sess.sub] == nil {
			return nil, nil, nil, userNotFound()
		}
		return p, p.subs[sess.sub], sess, nil
	}
	return nil, nil, nil, invalidParameter("Either AccessToken or Session is required.")
}

func associateSoftwareToken(s *Server, c *call) (any, error) {
	var in struct{ AccessToken, Session *string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, sess, err := s.userFromTokenOrSession(in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if !p.totpOn() {
		return nil, newError(CodeSoftwareTokenMFANotFound, "Software Token MFA has not been enabled by the userPool.")
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	// The old authenticator stops working now, not when the new one is
	// verified (amplify-js#1226, #3844): TOTP is unusable until then, while
	// UserMFASettingList may still list it.
	u.totpSecret = ""
	u.pendingTotpSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	s.changed()
	out := map[string]any{"SecretCode": u.pendingTotpSecret}
	if sess != nil {
		out["Session"] = s.newSession(p, u, sess.clientID, sess.challenge)
	}
	return out, nil
}

func verifySoftwareToken(s *Server, c *call) (any, error) {
	var in struct{ AccessToken, Session, UserCode, FriendlyDeviceName *string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, sess, err := s.userFromTokenOrSession(in.AccessToken, in.Session)
	if err != nil {
		return nil, err
	}
	if u.pendingTotpSecret == "" {
		return nil, newError(CodeSoftwareTokenMFANotFound, "Software token has not been associated with the user; call AssociateSoftwareToken first.")
	}
	ok, err := validTOTP(*in.UserCode, u.pendingTotpSecret, s.now())
	if err != nil || !ok {
		return nil, newError(CodeEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
	}
	u.totpSecret, u.pendingTotpSecret, u.lastTotpCode = u.pendingTotpSecret, "", *in.UserCode
	u.modified = s.now()
	s.changed()
	out := map[string]any{"Status": "SUCCESS"}
	if sess != nil {
		out["Session"] = s.newSession(p, u, sess.clientID, sess.challenge)
	}
	return out, nil
}

// validTOTP checks an RFC 6238 code (30 s steps, 6 digits, SHA-1), one step
// of clock skew either way, as authenticator apps produce them.
func validTOTP(code, secret string, now time.Time) (bool, error) {
	ok, err := totp.ValidateCustom(code, secret, now, totp.ValidateOpts{
		Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return false, errors.New("invalid TOTP secret")
	}
	return ok, nil
}
