package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/emulator"
	"github.com/mfactl/mfactl/emulator/apimodel"
)

// Operations and members newer than the Go SDK (model of 2026-07-24) are
// sent as raw signed JSON 1.1 requests.

// call sends op with body as a signed request and decodes the answer.
func call(t *testing.T, url, op, body string) (status int, out map[string]any) {
	t.Helper()
	req, _ := emulator.NewRequest(t.Context(), url, "us-east-1", op, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s answered %q: %v", op, data, err)
	}
	return resp.StatusCode, out
}

func wantRaw(t *testing.T, status int, out map[string]any, code, message string) {
	t.Helper()
	if status != 400 || out["__type"] != code {
		t.Fatalf("want %s, got %d %v", code, status, out)
	}
	if message != "" && out["message"] != message {
		t.Fatalf("%s message:\n got %q\nwant %q", code, out["message"], message)
	}
}

func TestValidationComesBeforeLookupAndReportsEverything(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	// An unknown pool with an invalid Username: the validation error wins.
	status, out := call(t, e.url, "AdminGetUser", `{"UserPoolId":"us-east-1_missing","Username":""}`)
	wantRaw(t, status, out, "InvalidParameterException",
		"1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1")
	// Every violation in one message, members in the model's order.
	status, out = call(t, e.url, "ListUsers", `{"UserPoolId":"bad id","Limit":61,"AttributesToGet":["","`+strings.Repeat("a", 33)+`","a\u0000"]}`)
	wantRaw(t, status, out, "InvalidParameterException", "5 validation errors detected: "+
		"Value '' at 'attributesToGet.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
		"Value '"+strings.Repeat("a", 33)+"' at 'attributesToGet.2.member' failed to satisfy constraint: Member must have length less than or equal to 32; "+
		"Value 'a\x00' at 'attributesToGet.3.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+; "+
		"Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60; "+
		"Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")
	// A required member of a list element, and a sensitive Session.
	status, out = call(t, e.url, "CreateUserPool", `{"PoolName":"p","AccountRecoverySetting":{"RecoveryMechanisms":[{"Name":"verified_email"}]}}`)
	wantRaw(t, status, out, "InvalidParameterException",
		"1 validation error detected: Value null at 'accountRecoverySetting.recoveryMechanisms.1.member.priority' failed to satisfy constraint: Member must not be null")
	status, out = call(t, e.url, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","Session":"short"}`)
	wantRaw(t, status, out, "InvalidParameterException",
		"1 validation error detected: Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20")
	// A value of the wrong JSON type is a serialization error.
	status, out = call(t, e.url, "ListUsers", `{"UserPoolId":"us-east-1_x","Limit":"ten"}`)
	wantRaw(t, status, out, "SerializationException", "")
}

// Values the model allows are not refused as validation errors, although
// the emulator used to (fidelity finding D7).
func TestModelValidValuesAreAccepted(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	id := e.pool("shop")
	must[*cip.SetUserPoolMfaConfigOutput](t)(e.c.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: &id, MfaConfiguration: types.UserPoolMfaTypeOptional,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Subject: aws.String(strings.Repeat("s", 141))},
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost:8443")},
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{
			SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns"), ExternalId: aws.String("x"), SnsRegion: aws.String("us east 1")}},
	}))
	e.user(id, "ann", "phone_number", "+15555550100")
	// AttributeName may hold a space: refused by the rule on MFAOptions, not by validation.
	_, err := e.c.AdminSetUserSettings(e.ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &id, Username: aws.String("ann"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone number")}}})
	wantError(t, err, "InvalidParameterException", "Only SMS to the phone_number attribute is supported in MFAOptions.")
}

func TestProvisionedLimits(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	userRead := `{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"UserRead"}}`
	status, out := call(t, e.url, "GetProvisionedLimit", userRead+`}`)
	limit, _ := out["Limit"].(map[string]any)
	if status != 200 || limit["ProvisionedLimitValue"] != 120.0 || limit["FreeLimitValue"] != 120.0 {
		t.Fatalf("GetProvisionedLimit: %d %v", status, out)
	}
	status, out = call(t, e.url, "UpdateProvisionedLimit", userRead+`,"RequestedLimitValue":480}`)
	limit, _ = out["Limit"].(map[string]any)
	if status != 200 || limit["ProvisionedLimitValue"] != 480.0 || limit["FreeLimitValue"] != 120.0 {
		t.Fatalf("UpdateProvisionedLimit: %d %v", status, out)
	}
	status, out = call(t, e.url, "GetProvisionedLimit", userRead+`}`)
	if limit, _ = out["Limit"].(map[string]any); status != 200 || limit["ProvisionedLimitValue"] != 480.0 {
		t.Fatalf("GetProvisionedLimit after the raise: %d %v", status, out)
	}
	status, out = call(t, e.url, "UpdateProvisionedLimit", userRead+`,"RequestedLimitValue":10}`)
	wantRaw(t, status, out, "InvalidParameterException", "RequestedLimitValue 10 is below the free limit of 120 for UserRead.")
	status, out = call(t, e.url, "GetProvisionedLimit", `{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"Nope"}}}`)
	wantRaw(t, status, out, "InvalidParameterException", "")
	status, out = call(t, e.url, "GetProvisionedLimit", `{"LimitDefinition":{"LimitClass":"ACCOUNT","Attributes":{}}}`)
	wantRaw(t, status, out, "InvalidParameterException",
		"1 validation error detected: Value 'ACCOUNT' at 'limitDefinition.limitClass' failed to satisfy constraint: Member must satisfy enum value set: [API_CATEGORY]")
}

// A raised limit is the category's quota at once.
func TestRaisedLimitIsTheQuota(t *testing.T) {
	// A seeded pool: creating one through the API would spend the
	// UserPoolUpdate quota (one call at this scale) UpdateProvisionedLimit needs.
	e := newEnv(t, emulator.Options{QuotaScale: 0.05})
	id := "us-east-1_Limits"
	if err := e.s.Seed(strings.NewReader(`{"Pools":[{"Id":"` + id + `"}]}`)); err != nil {
		t.Fatal(err)
	}
	// How many of 20 quick UserRead calls pass the category quota (users
	// that do not exist have no per-user quota).
	passed := func() int {
		n := 0
		for i := range 20 {
			_, err := e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("nobody" + string(rune('a'+i)))})
			if err != nil && !strings.Contains(err.Error(), "TooManyRequests") {
				n++
			}
		}
		return n
	}
	if n := passed(); n > 9 {
		t.Fatalf("%d of 20 calls passed a quota of 6 per second", n)
	}
	status, out := call(t, e.url, "UpdateProvisionedLimit", `{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"UserRead"}},"RequestedLimitValue":480}`)
	if status != 200 {
		t.Fatalf("UpdateProvisionedLimit: %d %v", status, out)
	}
	if n := passed(); n < 20 {
		t.Fatalf("%d of 20 calls passed a raised quota of 24 per second", n)
	}
}

// totpSeed is a pool with TOTP (and SMS, in OPTIONAL pools) on, with one
// user holding a verified authenticator with TOTP enabled and preferred.
func totpSeed(t *testing.T, mode string, sms bool, attrs string) (*env, string) {
	t.Helper()
	e := newEnv(t, emulator.Options{})
	mfa := `"SoftwareTokenMfaConfiguration":{"Enabled":true}`
	settings := `"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}`
	if sms {
		mfa += `,"SmsMfaConfiguration":{}`
		settings += `,"SMSMfaSettings":{"Enabled":true}`
	}
	if err := e.s.Seed(strings.NewReader(`{"Pools":[{"Id":"us-east-1_Totp",
		"SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","ExternalId":"x"},
		"MfaConfig":{"MfaConfiguration":"` + mode + `",` + mfa + `},
		"Users":[{"Username":"tess","Password":"` + testPassword + `","Attributes":{` + attrs + `},
			"TotpSecret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP","MfaSettings":{` + settings + `}}]}]}`)); err != nil {
		t.Fatal(err)
	}
	return e, "us-east-1_Totp"
}

func TestAdminGetUserAuthFactors(t *testing.T) {
	e, id := totpSeed(t, "OPTIONAL", false, `"email":"tess@example.com"`)
	e.user(id, "noah")
	status, out := call(t, e.url, "AdminGetUserAuthFactors", `{"UserPoolId":"`+id+`","Username":"tess"}`)
	if status != 200 || out["Username"] != "tess" || out["PreferredMfaSetting"] != "SOFTWARE_TOKEN_MFA" ||
		!equalJSON(out["ConfiguredUserAuthFactors"], []string{"PASSWORD", "SOFTWARE_TOKEN"}) ||
		!equalJSON(out["UserMFASettingList"], []string{"SOFTWARE_TOKEN_MFA"}) {
		t.Fatalf("tess: %d %v", status, out)
	}
	status, out = call(t, e.url, "AdminGetUserAuthFactors", `{"UserPoolId":"`+id+`","Username":"noah"}`)
	if status != 200 || !equalJSON(out["ConfiguredUserAuthFactors"], []string{"PASSWORD"}) || out["UserMFASettingList"] != nil {
		t.Fatalf("noah: %d %v", status, out)
	}
	status, out = call(t, e.url, "AdminGetUserAuthFactors", `{"UserPoolId":"`+id+`","Username":"ghost"}`)
	wantRaw(t, status, out, "UserNotFoundException", "User does not exist.")
}

func equalJSON(got any, want []string) bool {
	list, _ := got.([]any)
	strs := make([]string, len(list))
	for i, x := range list {
		strs[i], _ = x.(string)
	}
	return slices.Equal(strs, want)
}

func TestAdminDeleteSoftwareToken(t *testing.T) {
	t.Run("ON with no other factor: MFA_SETUP", func(t *testing.T) {
		e, id := totpSeed(t, "ON", false, "")
		if out := e.initiate(id, "tess"); out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("before: %q", out.ChallengeName)
		}
		status, out := call(t, e.url, "AdminDeleteSoftwareToken", `{"UserPoolId":"`+id+`","Username":"tess"}`)
		if status != 200 || len(out) != 0 {
			t.Fatalf("AdminDeleteSoftwareToken: %d %v", status, out)
		}
		u := must[*cip.AdminGetUserOutput](t)(e.c.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: &id, Username: aws.String("tess")}))
		if u.UserMFASettingList != nil || u.PreferredMfaSetting != nil {
			t.Fatalf("after delete: %v %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
		}
		if out := e.initiate(id, "tess"); out.ChallengeName != types.ChallengeNameTypeMfaSetup {
			t.Fatalf("after delete: %q", out.ChallengeName)
		}
		// Enabling TOTP again needs a new authenticator.
		_, err := e.c.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &id, Username: aws.String("tess"),
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
		wantError(t, err, "InvalidParameterException", "User has not verified software token mfa")
	})
	t.Run("another factor: sign-in falls back to it", func(t *testing.T) {
		e, id := totpSeed(t, "OPTIONAL", true, `"phone_number":"+15555550100"`)
		call(t, e.url, "AdminDeleteSoftwareToken", `{"UserPoolId":"`+id+`","Username":"tess"}`)
		if out := e.initiate(id, "tess"); out.ChallengeName != types.ChallengeNameTypeSmsMfa {
			t.Fatalf("after delete: %q", out.ChallengeName)
		}
	})
}

// Re-associating without verifying stops the old authenticator at once
// (fidelity finding D1): password only under OPTIONAL, MFA_SETUP under ON,
// and TOTP preference calls are refused until the new one is verified.
func TestReassociatingStopsTheOldAuthenticator(t *testing.T) {
	for mode, want := range map[string]types.ChallengeNameType{"OPTIONAL": "", "ON": types.ChallengeNameTypeMfaSetup} {
		t.Run(mode, func(t *testing.T) {
			e, id := totpSeed(t, mode, false, "")
			token, err := e.s.IssueAccessToken(id, "tess")
			if err != nil {
				t.Fatal(err)
			}
			must[*cip.AssociateSoftwareTokenOutput](t)(e.c.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: &token}))
			if out := e.initiate(id, "tess"); out.ChallengeName != want || (want == "" && out.AuthenticationResult == nil) {
				t.Fatalf("sign-in after re-associating: %q", out.ChallengeName)
			}
			_, err = e.c.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &token,
				SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
			wantError(t, err, "InvalidParameterException", "User has not verified software token mfa")
		})
	}
}

func TestEumsSms(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	status, out := call(t, e.url, "CreateUserPool", `{"PoolName":"eums","UserPoolTags":{"`+emulator.PoolIDTag+`":"us-east-1_Eums"},
		"SmsConfiguration":{"EumsSms":{"CallerArn":"arn:aws:iam::123456789012:role/eums","ExternalId":"x","OriginationIdentity":"+15555550199"}}}`)
	if status != 200 {
		t.Fatalf("CreateUserPool: %d %v", status, out)
	}
	eums := `{"CallerArn":"arn:aws:iam::123456789012:role/eums","ExternalId":"x","OriginationIdentity":"+15555550199"}`
	set := `{"UserPoolId":"us-east-1_Eums","MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{"SmsConfiguration":{"EumsSms":` + eums + `}}}`
	for _, op := range []string{"SetUserPoolMfaConfig", "GetUserPoolMfaConfig"} {
		status, out = call(t, e.url, op, set)
		got, _ := json.Marshal(out["SmsMfaConfiguration"])
		if status != 200 || string(got) != `{"SmsConfiguration":{"EumsSms":`+eums+`}}` {
			t.Fatalf("%s: %d %s", op, status, got)
		}
	}
	status, out = call(t, e.url, "DescribeUserPool", `{"UserPoolId":"us-east-1_Eums"}`)
	got, _ := json.Marshal(out["UserPool"].(map[string]any)["SmsConfiguration"])
	if status != 200 || string(got) != `{"EumsSms":`+eums+`}` {
		t.Fatalf("DescribeUserPool: %d %s", status, got)
	}
	// Either SnsCallerArn or EumsSms, not both; CallerArn is required.
	status, out = call(t, e.url, "SetUserPoolMfaConfig", `{"UserPoolId":"us-east-1_Eums","MfaConfiguration":"OPTIONAL",
		"SmsMfaConfiguration":{"SmsConfiguration":{"SnsCallerArn":"arn:aws:iam::123456789012:role/sns","ExternalId":"x","EumsSms":`+eums+`}}}`)
	wantRaw(t, status, out, "InvalidParameterException", "SmsConfiguration can have SnsCallerArn or EumsSms, not both.")
	status, out = call(t, e.url, "SetUserPoolMfaConfig", `{"UserPoolId":"us-east-1_Eums","MfaConfiguration":"OPTIONAL",
		"SmsMfaConfiguration":{"SmsConfiguration":{"EumsSms":{"ExternalId":"x"}}}}`)
	wantRaw(t, status, out, "InvalidParameterException",
		"1 validation error detected: Value null at 'smsMfaConfiguration.smsConfiguration.eumsSms.callerArn' failed to satisfy constraint: Member must not be null")
}

// Every operation the emulator serves is in the model, so every request is
// validated before its handler runs.
func TestEveryOperationIsInTheModel(t *testing.T) {
	m := apimodel.Load()
	for _, op := range emulator.Operations() {
		if m.Input(op) == nil {
			t.Errorf("%s is not in the API model", op)
		}
	}
}

// A seed file can name an End User Messaging configuration, and it
// survives the state file.
func TestEumsSmsFromASeedSurvivesRestart(t *testing.T) {
	e := newEnv(t, emulator.Options{})
	eums := `{"CallerArn":"arn:aws:iam::123456789012:role/eums","Region":"eu-west-1"}`
	if err := e.s.Seed(strings.NewReader(`{"Pools":[{"Id":"us-east-1_Eums","SmsConfiguration":{"EumsSms":` + eums + `},
		"MfaConfig":{"MfaConfiguration":"OPTIONAL","SmsMfaConfiguration":{}}}]}`)); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/state.json"
	if err := e.s.SaveState(path); err != nil {
		t.Fatal(err)
	}
	restarted, url := emulator.NewTestServer(t, emulator.Options{})
	if err := restarted.LoadState(path); err != nil {
		t.Fatal(err)
	}
	status, out := call(t, url, "GetUserPoolMfaConfig", `{"UserPoolId":"us-east-1_Eums"}`)
	got, _ := json.Marshal(out["SmsMfaConfiguration"])
	if status != 200 || string(got) != `{"SmsConfiguration":{"EumsSms":`+eums+`}}` {
		t.Fatalf("after restart: %d %s", status, got)
	}
}
