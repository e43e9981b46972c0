// Package cognito is mfactl's only link to Amazon Cognito: it reads live MFA
// state (ReadLive) and executes a plan's calls (Execute) through the AWS SDK,
// pacing every request under Cognito's per-category quotas and retrying what
// is worth retrying. It is the only production package that imports the SDK.
package cognito

import (
	"context"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// API is the part of the Cognito user-pool API that mfactl uses. The SDK's
// client satisfies it; tests substitute a fake.
type API interface {
	GetUserPoolMfaConfig(ctx context.Context, in *cip.GetUserPoolMfaConfigInput, optFns ...func(*cip.Options)) (*cip.GetUserPoolMfaConfigOutput, error)
	DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, optFns ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	AdminGetUser(ctx context.Context, in *cip.AdminGetUserInput, optFns ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
	ListUsers(ctx context.Context, in *cip.ListUsersInput, optFns ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	ListUsersInGroup(ctx context.Context, in *cip.ListUsersInGroupInput, optFns ...func(*cip.Options)) (*cip.ListUsersInGroupOutput, error)
	GetGroup(ctx context.Context, in *cip.GetGroupInput, optFns ...func(*cip.Options)) (*cip.GetGroupOutput, error)
	SetUserPoolMfaConfig(ctx context.Context, in *cip.SetUserPoolMfaConfigInput, optFns ...func(*cip.Options)) (*cip.SetUserPoolMfaConfigOutput, error)
	AdminSetUserMFAPreference(ctx context.Context, in *cip.AdminSetUserMFAPreferenceInput, optFns ...func(*cip.Options)) (*cip.AdminSetUserMFAPreferenceOutput, error)

	// Legacy MFAOptions: found in ListUsers pages, cleared or set with
	// AdminSetUserSettings.
	AdminSetUserSettings(ctx context.Context, in *cip.AdminSetUserSettingsInput, optFns ...func(*cip.Options)) (*cip.AdminSetUserSettingsOutput, error)

	// Self-service: authorised by the user's access token, not by IAM.
	GetUser(ctx context.Context, in *cip.GetUserInput, optFns ...func(*cip.Options)) (*cip.GetUserOutput, error)
	SetUserMFAPreference(ctx context.Context, in *cip.SetUserMFAPreferenceInput, optFns ...func(*cip.Options)) (*cip.SetUserMFAPreferenceOutput, error)
	AssociateSoftwareToken(ctx context.Context, in *cip.AssociateSoftwareTokenInput, optFns ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *cip.VerifySoftwareTokenInput, optFns ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error)
}

var _ API = (*cip.Client)(nil)
