package cognito

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

const opAdminSetUserSettings = "AdminSetUserSettings"

// AdminSetUserSettings replaces a user's legacy MFAOptions with opts: an
// empty list clears them (what Cognito does then is not documented; see
// docs/cognito.md), an SMS entry sets them. AWS calls the operation no
// longer supported, and serves it. Errors as AdminSetUserMFAPreference.
func (c *Client) AdminSetUserSettings(ctx context.Context, poolID, username string, opts []state.MFAOption) error {
	if username == "" {
		return fmt.Errorf("AdminSetUserSettings for pool %s: the call names no user", poolID)
	}
	// The SDK sends a nil list as no member at all, which Cognito refuses
	// (MFAOptions is required): an empty list must be sent as [].
	in := &cip.AdminSetUserSettingsInput{UserPoolId: aws.String(poolID), Username: aws.String(username), MFAOptions: []types.MFAOptionType{}}
	for _, o := range opts {
		in.MFAOptions = append(in.MFAOptions, types.MFAOptionType{DeliveryMedium: types.DeliveryMediumType(o.DeliveryMedium), AttributeName: aws.String(o.AttributeName)})
	}
	return c.execute(ctx, opAdminSetUserSettings, poolID, username, nil, func(ctx context.Context, api API) error {
		_, err := api.AdminSetUserSettings(ctx, in)
		return err
	})
}
