package cognito

import (
	"context"
	"errors"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// The fake serves the calls ReadLive and the plan calls make; the legacy
// and self-service calls are tested against the emulator instead.
var errNotFaked = errors.New("fakeAPI: not faked; tested against the emulator")

func (a *fakeAPI) AdminSetUserSettings(context.Context, *cip.AdminSetUserSettingsInput, ...func(*cip.Options)) (*cip.AdminSetUserSettingsOutput, error) {
	return nil, errNotFaked
}

func (a *fakeAPI) GetUser(context.Context, *cip.GetUserInput, ...func(*cip.Options)) (*cip.GetUserOutput, error) {
	return nil, errNotFaked
}

func (a *fakeAPI) SetUserMFAPreference(context.Context, *cip.SetUserMFAPreferenceInput, ...func(*cip.Options)) (*cip.SetUserMFAPreferenceOutput, error) {
	return nil, errNotFaked
}

func (a *fakeAPI) AssociateSoftwareToken(context.Context, *cip.AssociateSoftwareTokenInput, ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error) {
	return nil, errNotFaked
}

func (a *fakeAPI) VerifySoftwareToken(context.Context, *cip.VerifySoftwareTokenInput, ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error) {
	return nil, errNotFaked
}
