package emulator

// Operations and members Cognito added after the SDK mfactl is built with,
// served minimally so mfactl's end-to-end tests can use them:
// GetProvisionedLimit and UpdateProvisionedLimit (2026-07-02), EumsSms in
// SmsConfigurationType (2026-07-17), AdminGetUserAuthFactors (2026-07-24)
// and AdminDeleteSoftwareToken (later). Shapes as in the API model of
// 2026-07-24.

import (
	"sync"
)

func init() {
	operations["GetProvisionedLimit"] = operation{getProvisionedLimit, true}
	operations["UpdateProvisionedLimit"] = operation{updateProvisionedLimit, true}
	operations["AdminGetUserAuthFactors"] = operation{adminGetUserAuthFactors, true}
	operations["AdminDeleteSoftwareToken"] = operation{adminDeleteSoftwareToken, true}
	// The quotas page does not list the limit operations yet; the
	// emulator counts them as pool reads and updates.
	operationCategories["GetProvisionedLimit"] = UserPoolRead
	operationCategories["UpdateProvisionedLimit"] = UserPoolUpdate
	operationCategories["AdminGetUserAuthFactors"] = UserRead
	operationCategories["AdminDeleteSoftwareToken"] = UserResourceUpdate
	userWrites["AdminDeleteSoftwareToken"] = true
}

// eumsSmsConfiguration is SMS through AWS End User Messaging.
type eumsSmsConfiguration struct {
	CallerArn            *string `json:",omitempty"`
	ExternalId           *string `json:",omitempty"`
	OriginationIdentity  *string `json:",omitempty"`
	ConfigurationSetName *string `json:",omitempty"`
	InEntityId           *string `json:",omitempty"`
	InTemplateId         *string `json:",omitempty"`
	Region               *string `json:",omitempty"`
}

// provisionedLimits are the request rates raised with
// UpdateProvisionedLimit, per Region and category; the zero value has none.
type provisionedLimits struct {
	mu     sync.Mutex
	raised map[[2]string]float64
}

// rate is the enforced rate of a category in a Region.
func (l *provisionedLimits) rate(region, category string) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.raised[[2]string{region, category}]; ok {
		return r
	}
	return categoryRates[category]
}

func (l *provisionedLimits) set(region, category string, rps float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.raised == nil {
		l.raised = map[[2]string]float64{}
	}
	l.raised[[2]string{region, category}] = rps
}

type limitDefinition struct {
	LimitClass *string           `json:",omitempty"`
	Attributes map[string]string `json:",omitempty"`
}

type limitView struct {
	Limit struct {
		LimitDefinition       limitDefinition
		ProvisionedLimitValue int
		FreeLimitValue        int
	}
}

// apiCategory checks a LimitDefinition and returns the category it names.
func apiCategory(d *limitDefinition) (string, error) {
	if d == nil || d.LimitClass == nil || d.Attributes == nil {
		return "", invalidParameter("LimitDefinition with LimitClass and Attributes is required.")
	}
	if *d.LimitClass != "API_CATEGORY" {
		return "", invalidParameter("LimitDefinition.LimitClass must be API_CATEGORY.")
	}
	category := d.Attributes["Category"]
	if _, ok := categoryRates[category]; !ok {
		return "", invalidParameter("LimitDefinition.Attributes.Category %q is not an API category.", category)
	}
	return category, nil
}

func (s *Server) limitView(region, category string) limitView {
	var out limitView
	class := "API_CATEGORY"
	out.Limit.LimitDefinition = limitDefinition{LimitClass: &class, Attributes: map[string]string{"Category": category}}
	out.Limit.ProvisionedLimitValue = int(s.provisioned.rate(region, category))
	out.Limit.FreeLimitValue = int(categoryRates[category])
	return out
}

func getProvisionedLimit(s *Server, c *call) (any, error) {
	var in struct{ LimitDefinition *limitDefinition }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	category, err := apiCategory(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	return s.limitView(c.region, category), nil
}

// maxProvisionedFactor bounds a raised rate, standing in for the account's
// Service Quotas maximum.
const maxProvisionedFactor = 100

func updateProvisionedLimit(s *Server, c *call) (any, error) {
	var in struct {
		LimitDefinition     *limitDefinition
		RequestedLimitValue *int
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	category, err := apiCategory(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	if in.RequestedLimitValue == nil {
		return nil, invalidParameter("RequestedLimitValue is required.")
	}
	free := categoryRates[category]
	if v := float64(*in.RequestedLimitValue); v < free || v > free*maxProvisionedFactor {
		return nil, invalidParameter("RequestedLimitValue must be between the default limit %v and %v.", free, free*maxProvisionedFactor)
	}
	s.provisioned.set(c.region, category, float64(*in.RequestedLimitValue))
	return s.limitView(c.region, category), nil
}

func adminGetUserAuthFactors(s *Server, c *call) (any, error) {
	var in userRef
	_, u, unlock, err := s.userCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	configured := []string{}
	if u.password != "" {
		configured = append(configured, "PASSWORD")
	}
	if _, ok := u.attr("email"); ok {
		configured = append(configured, "EMAIL_OTP")
	}
	if _, ok := u.attr("phone_number"); ok {
		configured = append(configured, "SMS_OTP")
	}
	if u.totpSecret != "" {
		configured = append(configured, "SOFTWARE_TOKEN")
	}
	return struct {
		Username                  string
		PreferredMfaSetting       string   `json:",omitempty"`
		UserMFASettingList        []string `json:",omitempty"`
		ConfiguredUserAuthFactors []string
	}{u.username, u.preferred, u.mfaSettingList(), configured}, nil
}

func adminDeleteSoftwareToken(s *Server, c *call) (any, error) {
	var in userRef
	_, u, unlock, err := s.userCall(c, &in, writes)
	if err != nil {
		return nil, err
	}
	defer unlock()
	u.totpSecret, u.pendingTotpSecret, u.lastTotpCode = "", "", ""
	u.totp = false
	if u.preferred == "SOFTWARE_TOKEN_MFA" {
		u.preferred = ""
	}
	u.modified = s.now()
	s.changed()
	return struct{}{}, nil
}
