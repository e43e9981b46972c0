package cognito

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/mfactl/mfactl/internal/state"
)

// Recovering a user who lost a factor: the admin calls besides the MFA
// preference (sign-out, remembered devices, password reset), the user's own
// passkey calls, and who is making the calls, for the audit log.

// recoveryAPI is the part of the SDK client these calls use. It is apart
// from API so that the fakes of the plan-and-apply tests need not grow.
type recoveryAPI interface {
	AdminUserGlobalSignOut(ctx context.Context, in *cip.AdminUserGlobalSignOutInput, optFns ...func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error)
	AdminListDevices(ctx context.Context, in *cip.AdminListDevicesInput, optFns ...func(*cip.Options)) (*cip.AdminListDevicesOutput, error)
	AdminForgetDevice(ctx context.Context, in *cip.AdminForgetDeviceInput, optFns ...func(*cip.Options)) (*cip.AdminForgetDeviceOutput, error)
	AdminResetUserPassword(ctx context.Context, in *cip.AdminResetUserPasswordInput, optFns ...func(*cip.Options)) (*cip.AdminResetUserPasswordOutput, error)
	ListWebAuthnCredentials(ctx context.Context, in *cip.ListWebAuthnCredentialsInput, optFns ...func(*cip.Options)) (*cip.ListWebAuthnCredentialsOutput, error)
	DeleteWebAuthnCredential(ctx context.Context, in *cip.DeleteWebAuthnCredentialInput, optFns ...func(*cip.Options)) (*cip.DeleteWebAuthnCredentialOutput, error)
}

var _ recoveryAPI = (*cip.Client)(nil)

// The recovery operations, by Cognito's names.
const (
	opAdminUserGlobalSignOut   = "AdminUserGlobalSignOut"
	opAdminListDevices         = "AdminListDevices"
	opAdminForgetDevice        = "AdminForgetDevice"
	opAdminResetUserPassword   = "AdminResetUserPassword"
	opListWebAuthnCredentials  = "ListWebAuthnCredentials"
	opDeleteWebAuthnCredential = "DeleteWebAuthnCredential"
)

// recovery returns the client's API as a recoveryAPI.
func recovery(api API) (recoveryAPI, error) {
	r, ok := api.(recoveryAPI)
	if !ok {
		return nil, errors.New("this Cognito client cannot make recovery calls")
	}
	return r, nil
}

// recoveryCall sends one admin recovery call about a user, as execute does.
func (c *Client) recoveryCall(ctx context.Context, operation, poolID, username string, send func(context.Context, recoveryAPI) error) error {
	return c.execute(ctx, operation, poolID, username, nil, func(ctx context.Context, api API) error {
		r, err := recovery(api)
		if err != nil {
			return err
		}
		return send(ctx, r)
	})
}

// ListDevices lists the user's tracked devices, page by page.
func (c *Client) ListDevices(ctx context.Context, poolID, username string) ([]state.Device, error) {
	var devices []state.Device
	var next *string
	for {
		var out *cip.AdminListDevicesOutput
		err := c.recoveryCall(ctx, opAdminListDevices, poolID, username, func(ctx context.Context, api recoveryAPI) (err error) {
			out, err = api.AdminListDevices(ctx, &cip.AdminListDevicesInput{
				UserPoolId: aws.String(poolID), Username: aws.String(username), Limit: aws.Int32(60), PaginationToken: next,
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, d := range out.Devices {
			dev := state.Device{Key: aws.ToString(d.DeviceKey), LastAuthenticated: aws.ToTime(d.DeviceLastAuthenticatedDate)}
			for _, a := range d.DeviceAttributes {
				switch aws.ToString(a.Name) {
				case "device_name":
					dev.Name = aws.ToString(a.Value)
				case "dev:device_remembered_status":
					dev.Remembered = aws.ToString(a.Value) == "remembered"
				}
			}
			devices = append(devices, dev)
		}
		if aws.ToString(out.PaginationToken) == "" {
			return devices, nil
		}
		next = out.PaginationToken
	}
}

// ForgetDevice forgets one of the user's devices: it no longer skips MFA.
func (c *Client) ForgetDevice(ctx context.Context, poolID, username, deviceKey string) error {
	err := c.recoveryCall(ctx, opAdminForgetDevice, poolID, username, func(ctx context.Context, api recoveryAPI) error {
		_, err := api.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{
			UserPoolId: aws.String(poolID), Username: aws.String(username), DeviceKey: aws.String(deviceKey),
		})
		return err
	})
	// The pool was just read: a missing resource is the device.
	var ce *CallError
	if errors.As(err, &ce) && ce.Code == "ResourceNotFoundException" {
		ce.Meaning = "the user has no such device (already forgotten?); run reset-mfa again to read the devices afresh"
	}
	return err
}

// GlobalSignOut revokes the user's tokens (AdminUserGlobalSignOut).
func (c *Client) GlobalSignOut(ctx context.Context, poolID, username string) error {
	return c.recoveryCall(ctx, opAdminUserGlobalSignOut, poolID, username, func(ctx context.Context, api recoveryAPI) error {
		_, err := api.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
		return err
	})
}

// ResetPassword deactivates the user's password and has Cognito send them
// a reset code (AdminResetUserPassword).
func (c *Client) ResetPassword(ctx context.Context, poolID, username string) error {
	return c.recoveryCall(ctx, opAdminResetUserPassword, poolID, username, func(ctx context.Context, api recoveryAPI) error {
		_, err := api.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
		return err
	})
}

// ListPasskeys lists the token's user's passkeys, page by page.
func (c *Client) ListPasskeys(ctx context.Context) ([]state.Passkey, error) {
	var keys []state.Passkey
	var next *string
	for {
		var out *cip.ListWebAuthnCredentialsOutput
		err := c.selfCall(ctx, opListWebAuthnCredentials, func(ctx context.Context, api API) error {
			r, err := recovery(api)
			if err != nil {
				return err
			}
			out, err = r.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(c.token.Value()), NextToken: next})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, k := range out.Credentials {
			keys = append(keys, state.Passkey{
				CredentialId: aws.ToString(k.CredentialId), Name: aws.ToString(k.FriendlyCredentialName),
				RelyingPartyId: aws.ToString(k.RelyingPartyId), Attachment: aws.ToString(k.AuthenticatorAttachment),
				Transports: k.AuthenticatorTransports, CreatedAt: aws.ToTime(k.CreatedAt),
			})
		}
		if aws.ToString(out.NextToken) == "" {
			return keys, nil
		}
		next = out.NextToken
	}
}

// DeletePasskey deletes one of the token's user's passkeys.
func (c *Client) DeletePasskey(ctx context.Context, credentialID string) error {
	err := c.selfCall(ctx, opDeleteWebAuthnCredential, func(ctx context.Context, api API) error {
		r, err := recovery(api)
		if err != nil {
			return err
		}
		_, err = r.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(c.token.Value()), CredentialId: aws.String(credentialID)})
		return err
	})
	// Here the resource is the credential, not the pool.
	var ce *CallError
	if errors.As(err, &ce) && ce.Code == "ResourceNotFoundException" {
		ce.Meaning = "you have no passkey with that credential ID (mfactl passkey list shows them); nothing was deleted"
	}
	return err
}

// callerLookup finds who the client's credentials are.
type callerLookup func(ctx context.Context) (state.Caller, error)

// newCallerLookup asks STS's GetCallerIdentity, which needs no IAM
// permission but can be blocked by an SCP or a network policy; when it
// fails, the access key ID stands in. STS goes where Cognito requests go
// when those are redirected (--endpoint-url, AWS_ENDPOINT_URL_*), so that a
// run against an emulator never reaches AWS; AWS_ENDPOINT_URL_STS wins.
func newCallerLookup(cfg aws.Config, cognitoEndpoint string) callerLookup {
	return func(ctx context.Context) (state.Caller, error) {
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return state.Caller{}, fmt.Errorf("reading the AWS credentials: %w", err)
		}
		caller := state.Caller{AccessKeyID: creds.AccessKeyID}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		client := sts.NewFromConfig(cfg, func(o *sts.Options) {
			if cognitoEndpoint != "" && os.Getenv("AWS_ENDPOINT_URL_STS") == "" {
				o.BaseEndpoint = aws.String(cognitoEndpoint)
			}
			if o.Region == "" {
				o.Region = "us-east-1" // pools name their Region; STS answers in any
			}
			o.RetryMaxAttempts = 2
		})
		if out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
			caller.ARN = aws.ToString(out.Arn)
		}
		return caller, nil
	}
}

// Caller says who the client's calls are made as. A self-service client
// has no AWS identity.
func (c *Client) Caller(ctx context.Context) (state.Caller, error) {
	if c.caller == nil {
		return state.Caller{}, errors.New("this Cognito client has no AWS credentials to name")
	}
	return c.caller(ctx)
}

// cognitoEndpoint is where Cognito requests go when redirected: the flag,
// else the SDK's endpoint variables (unless configured endpoints are off).
func cognitoEndpoint(flag string) string {
	if flag != "" || strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return flag
	}
	return firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"), os.Getenv("AWS_ENDPOINT_URL"))
}
