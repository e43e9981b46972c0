package plan

import (
	"fmt"

	"github.com/mfactl/mfactl/internal/state"
)

// Self-service: a file's Self, resolved (state.Desired.ResolveSelf) to one
// pool marked Self with one user, is planned by the same machinery as any
// pool's users. What differs: the pool's configuration is neither read nor
// written (that needs IAM credentials), so no pool call is planned and the
// checks that need it are left to Cognito; the user's call is
// SetUserMFAPreference, with the user's access token.

// selfService returns the SelfService of a plan for desired, or nil when
// it declares no self-service pool.
func selfService(desired state.Desired, live state.Live) *SelfService {
	for _, dp := range desired.Pools {
		if !dp.Self || len(dp.Users) != 1 {
			continue
		}
		return &SelfService{
			UserPoolId:  dp.UserPoolId,
			Username:    dp.Users[0].Username,
			Issuer:      Issuer(dp.UserPoolId),
			AccessToken: AccessTokenMarker,
		}
	}
	return nil
}

// Issuer is the issuer claim of a pool's tokens.
func Issuer(poolID string) string {
	return fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", state.Region(poolID), poolID)
}
