package cognito

// Cognito operations and members newer than the SDK mfactl is built with
// (cognitoidentityprovider v1.61.0, generated from the API model of
// 2026-06-01). Each is sent through an SDK operation's own middleware stack,
// re-aimed: the same credentials and SigV4 signer, endpoint resolution
// (--endpoint-url, AWS_ENDPOINT_URL_*), HTTP client, retryer and quota
// buckets, and the same error decoding, as every other call. Only the
// X-Amz-Target header and the JSON body are ours. When the SDK learns an
// operation, its entry here goes and the SDK's method replaces it: each one
// names the SDK version expected to bring it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// targetPrefix is the X-Amz-Target prefix of every Cognito user-pool call.
const targetPrefix = "AWSCognitoIdentityProviderService."

// The newer operations. Replace each with the SDK's method when go.mod
// reaches the version named.
const (
	opGetProvisionedLimit      = "GetProvisionedLimit"      // model 2026-07-02; SDK cognitoidentityprovider > v1.61.0
	opUpdateProvisionedLimit   = "UpdateProvisionedLimit"   // model 2026-07-02; SDK cognitoidentityprovider > v1.61.0
	opAdminGetUserAuthFactors  = "AdminGetUserAuthFactors"  // model 2026-07-24; SDK cognitoidentityprovider > v1.61.0
	opAdminDeleteSoftwareToken = "AdminDeleteSoftwareToken" // after the 2026-07-24 model; SDK cognitoidentityprovider > v1.61.0
)

// errNotServed is what a newer call returns when the API in use cannot send
// it (a test fake without the SDK's middleware stack): the same code
// Cognito gives an operation it does not know.
var errNotServed = &smithy.GenericAPIError{Code: "UnknownOperationException", Message: "this client cannot send operations newer than its SDK"}

// sdkClient is the SDK's client, whose middleware stack the newer calls use.
type sdkClient interface{ Options() cip.Options }

// invokeNewer sends operation with the JSON of in, through api's
// DescribeUserPool stack re-aimed at it, and decodes the answer into out
// (nil: the answer is ignored). Errors come back as the SDK decodes
// Cognito's errors: smithy.APIError with Cognito's code.
func invokeNewer(ctx context.Context, api API, operation string, in, out any) error {
	if _, sdk := api.(sdkClient); !sdk {
		return errNotServed
	}
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encoding the %s request: %w", operation, err)
	}
	var raw []byte
	_, err = api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{}, func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, reaim(operation, body), keepRawBody(&raw))
	})
	if err != nil {
		return err
	}
	if raw == nil {
		return errNotServed
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding the %s answer: %w", operation, err)
	}
	return nil
}

// reaim turns the stack of the operation it is given to into operation
// with body: the operation name the retryer and quota buckets see, no input
// validation of the SDK operation's input, then its target and body.
func reaim(operation string, body []byte) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		_, _ = stack.Initialize.Remove("OperationInputValidation")
		rename := middleware.InitializeMiddlewareFunc("mfactl:OperationName", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(middleware.WithOperationName(ctx, operation), in)
		})
		if err := stack.Initialize.Add(rename, middleware.Before); err != nil {
			return err
		}
		return stack.Serialize.Insert(replaceBody(operation, body), "OperationSerializer", middleware.After)
	}
}

// replaceBody sets the serialised request's target and body.
func replaceBody(operation string, body []byte) middleware.SerializeMiddleware {
	return middleware.SerializeMiddlewareFunc("mfactl:ReplaceBody", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
		req, ok := in.Request.(*smithyhttp.Request)
		if !ok {
			return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected request type %T", in.Request)
		}
		req.Header.Set("X-Amz-Target", targetPrefix+operation)
		req, err := req.SetStream(bytes.NewReader(body))
		if err != nil {
			return middleware.SerializeOutput{}, middleware.Metadata{}, err
		}
		in.Request = req
		return next.HandleSerialize(ctx, in)
	})
}

// patchBody edits the JSON body the SDK serialised, for a member the SDK
// cannot carry (EumsSms in SetUserPoolMfaConfig).
//
//lint:ignore U1000 for EumsSms requests, which the desired-state format does not carry yet
func patchBody(edit func(body map[string]any)) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		patch := middleware.SerializeMiddlewareFunc("mfactl:PatchBody", func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
			req, ok := in.Request.(*smithyhttp.Request)
			if !ok {
				return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("unexpected request type %T", in.Request)
			}
			var body map[string]any
			if s := req.GetStream(); s != nil {
				if err := json.NewDecoder(s).Decode(&body); err != nil {
					return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("re-reading the serialised request: %w", err)
				}
			}
			if body == nil {
				body = map[string]any{}
			}
			edit(body)
			encoded, err := json.Marshal(body)
			if err != nil {
				return middleware.SerializeOutput{}, middleware.Metadata{}, err
			}
			if req, err = req.SetStream(bytes.NewReader(encoded)); err != nil {
				return middleware.SerializeOutput{}, middleware.Metadata{}, err
			}
			in.Request = req
			return next.HandleSerialize(ctx, in)
		})
		return stack.Serialize.Insert(patch, "OperationSerializer", middleware.After)
	}
}

// keepRawBody stores the body of each successful answer in *raw before the
// SDK decodes it, so that what the SDK dropped can be told (readable.go)
// and newer members decoded.
func keepRawBody(raw *[]byte) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		keep := middleware.DeserializeMiddlewareFunc("mfactl:KeepRawBody", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if err != nil {
				return out, md, err
			}
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.StatusCode < 300 && resp.Body != nil {
				body, readErr := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if readErr != nil {
					return out, md, readErr
				}
				*raw = body
				resp.Body = io.NopCloser(bytes.NewReader(body))
			}
			return out, md, err
		})
		return stack.Deserialize.Insert(keep, "OperationDeserializer", middleware.After)
	}
}

// withRawBody is the option that keeps an SDK call's raw answer in *raw.
//
//lint:ignore U1000 for reading EumsSms, which the desired-state format does not carry yet
func withRawBody(raw *[]byte) func(*cip.Options) {
	return func(o *cip.Options) { o.APIOptions = append(o.APIOptions, keepRawBody(raw)) }
}

// AdminDeleteSoftwareToken removes a user's registered authenticator and
// any TOTP preference (IAM-signed; UserResourceUpdate). It is paced and
// retried like every other call; a failure is a *CallError.
func (c *Client) AdminDeleteSoftwareToken(ctx context.Context, poolID, username string) error {
	api, err := c.api(poolID)
	if err != nil {
		return newCallError(opAdminDeleteSoftwareToken, poolID, username, err)
	}
	in := struct{ UserPoolId, Username string }{poolID, username}
	err = c.withRetries(ctx, opAdminDeleteSoftwareToken, poolID, username, func() error {
		return invokeNewer(ctx, api, opAdminDeleteSoftwareToken, in, nil)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return newCallError(opAdminDeleteSoftwareToken, poolID, username, err)
	}
	return nil
}

// UserAuthFactors is an AdminGetUserAuthFactors answer.
type UserAuthFactors struct {
	Username                  string
	PreferredMfaSetting       string   `json:",omitempty"`
	UserMFASettingList        []string `json:",omitempty"`
	ConfiguredUserAuthFactors []string `json:",omitempty"`
}

// AdminGetUserAuthFactors reads which sign-in and MFA factors a user has
// set up (IAM-signed; UserRead). A failure is a *CallError.
func (c *Client) AdminGetUserAuthFactors(ctx context.Context, poolID, username string) (*UserAuthFactors, error) {
	api, err := c.api(poolID)
	if err != nil {
		return nil, newCallError(opAdminGetUserAuthFactors, poolID, username, err)
	}
	in := struct{ UserPoolId, Username string }{poolID, username}
	var out UserAuthFactors
	err = c.withRetries(ctx, opAdminGetUserAuthFactors, poolID, username, func() error {
		return invokeNewer(ctx, api, opAdminGetUserAuthFactors, in, &out)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, newCallError(opAdminGetUserAuthFactors, poolID, username, err)
	}
	return &out, nil
}

// limitDefinition names a request-rate quota: one API category.
type limitDefinition struct {
	LimitClass string
	Attributes map[string]string
}

func apiCategory(c Category) limitDefinition {
	return limitDefinition{LimitClass: "API_CATEGORY", Attributes: map[string]string{"Category": string(c)}}
}

// ProvisionedLimit is a category's quota in an account and Region, in
// requests per second: Provisioned is the one Cognito enforces, Free the
// default included at no cost.
type ProvisionedLimit struct {
	Region      string
	Category    Category
	Provisioned int
	Free        int
}

type limitAnswer struct {
	Limit struct {
		LimitDefinition       limitDefinition
		ProvisionedLimitValue int
		FreeLimitValue        int
	}
}

func (a limitAnswer) limit(region string, c Category) ProvisionedLimit {
	return ProvisionedLimit{Region: region, Category: c, Provisioned: a.Limit.ProvisionedLimitValue, Free: a.Limit.FreeLimitValue}
}

// GetProvisionedLimit reads a category's quota in a Region. A failure is a
// *CallError (UserPoolId empty: the quota is the account's).
func (c *Client) GetProvisionedLimit(ctx context.Context, region string, category Category) (ProvisionedLimit, error) {
	var out limitAnswer
	err := c.limitCall(ctx, opGetProvisionedLimit, region, struct{ LimitDefinition limitDefinition }{apiCategory(category)}, &out)
	return out.limit(region, category), err
}

// UpdateProvisionedLimit sets a category's enforced quota in a Region,
// between the default and the account's Service Quotas maximum.
func (c *Client) UpdateProvisionedLimit(ctx context.Context, region string, category Category, rps int) (ProvisionedLimit, error) {
	var out limitAnswer
	in := struct {
		LimitDefinition     limitDefinition
		RequestedLimitValue int
	}{apiCategory(category), rps}
	err := c.limitCall(ctx, opUpdateProvisionedLimit, region, in, &out)
	return out.limit(region, category), err
}

func (c *Client) limitCall(ctx context.Context, operation, region string, in, out any) error {
	api := c.apiIn(region)
	err := c.withRetries(ctx, operation, "", "", func() error {
		return invokeNewer(ctx, api, operation, in, out)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return newCallError(operation, "", "", err)
	}
	return nil
}

// sendEumsSms adds the pool's EumsSms configuration to a
// SetUserPoolMfaConfig request, which the SDK cannot carry.
//
//lint:ignore U1000 for EumsSms requests, which the desired-state format does not carry yet
func sendEumsSms(eums any) func(*cip.Options) {
	return func(o *cip.Options) {
		// v1.61's validation requires SnsCallerArn, which an EUMS sender
		// must not have.
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			_, _ = stack.Initialize.Remove("OperationInputValidation")
			return nil
		}, patchBody(func(body map[string]any) {
			sms, _ := body["SmsMfaConfiguration"].(map[string]any)
			if sms == nil {
				sms = map[string]any{}
				body["SmsMfaConfiguration"] = sms
			}
			sc, _ := sms["SmsConfiguration"].(map[string]any)
			if sc == nil {
				sc = map[string]any{}
				sms["SmsConfiguration"] = sc
			}
			sc["EumsSms"] = eums
		}))
	}
}

// TOTPRegistrations asks AdminGetUserAuthFactors, for each of a pool's
// users, whether they registered an authenticator (SOFTWARE_TOKEN among
// ConfiguredUserAuthFactors), concurrently and paced as UserRead. Users it
// could not ask are absent from registered. When Cognito denies the call
// or does not know it, asking stops, and skipped says why in one line;
// any other failure is returned.
func (c *Client) TOTPRegistrations(ctx context.Context, poolID string, usernames []string) (registered map[string]bool, asked int, skipped string, err error) {
	registered = map[string]bool{}
	if c.token != nil {
		return registered, 0, "AdminGetUserAuthFactors needs AWS credentials, not an access token; TOTP enables stay uncertain", nil
	}
	var (
		mu       sync.Mutex
		failures []error
		stop     atomic.Bool
	)
	jobs := make(chan string)
	var workers sync.WaitGroup
	for range min(c.concurrency, len(usernames)) {
		workers.Go(func() {
			for name := range jobs {
				if stop.Load() {
					continue
				}
				factors, err := c.AdminGetUserAuthFactors(ctx, poolID, name)
				mu.Lock()
				switch {
				case err == nil:
					asked++
					registered[name] = slices.Contains(factors.ConfiguredUserAuthFactors, "SOFTWARE_TOKEN")
				case ctx.Err() != nil:
				case authFactorsUnavailable(err):
					asked++
					if skipped == "" {
						skipped = fmt.Sprintf("AdminGetUserAuthFactors is not available for pool %s (%s); TOTP enables stay uncertain", poolID, errorCodeOf(err))
					}
					stop.Store(true)
				default:
					asked++
					failures = append(failures, err)
				}
				mu.Unlock()
			}
		})
	}
	for _, name := range usernames {
		select {
		case jobs <- name:
		case <-ctx.Done():
		}
	}
	close(jobs)
	workers.Wait()
	if ctx.Err() != nil {
		return nil, asked, "", ctx.Err()
	}
	if len(failures) > 0 {
		return registered, asked, skipped, errors.Join(failures...)
	}
	return registered, asked, skipped, nil
}

// authFactorsUnavailable: the credentials may not call the operation, or
// this Cognito (an older endpoint, a fake) does not know it.
func authFactorsUnavailable(err error) bool {
	switch errorCodeOf(err) {
	case "AccessDeniedException", "NotAuthorizedException", "UnknownOperationException", "UnrecognizedOperationException", "OperationNotEnabledException":
		return true
	}
	return false
}

// errorCodeOf is Cognito's error code of err, a *CallError or an SDK error.
func errorCodeOf(err error) string {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return errorCode(err)
}
