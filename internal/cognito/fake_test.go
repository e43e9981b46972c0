package cognito

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// fakeCognito is an in-memory Cognito shared by the fake API of every
// Region. Unknown pools answer ResourceNotFoundException and unknown users
// UserNotFoundException, as Cognito does.
type fakeCognito struct {
	mu        sync.Mutex
	mfa       map[string]*cip.GetUserPoolMfaConfigOutput
	described map[string]*types.UserPoolType
	users     map[string]map[string]*cip.AdminGetUserOutput
	groups    map[string]map[string][]string // pool → group → members, in order
	// failures queues errors per "Operation pool [user]" key, returned one
	// per call before the call succeeds.
	failures map[string][]error
	calls    []string // "Region Operation pool [user]", in order
	setPool  []*cip.SetUserPoolMfaConfigInput
	setUser  []*cip.AdminSetUserMFAPreferenceInput
	// delay, when set, is how long each call takes (or until ctx ends).
	delay                 time.Duration
	inFlight, maxInFlight int
	regions               []string // Regions for which an API was created
}

func newFakeCognito() *fakeCognito {
	return &fakeCognito{
		mfa:       map[string]*cip.GetUserPoolMfaConfigOutput{},
		described: map[string]*types.UserPoolType{},
		users:     map[string]map[string]*cip.AdminGetUserOutput{},
		failures:  map[string][]error{},
	}
}

// addPool adds a pool with the given MFA configuration.
func (f *fakeCognito) addPool(id string, mfa *cip.GetUserPoolMfaConfigOutput, pool *types.UserPoolType) {
	if pool == nil {
		pool = &types.UserPoolType{}
	}
	f.mfa[id] = mfa
	f.described[id] = pool
	f.users[id] = map[string]*cip.AdminGetUserOutput{}
}

func (f *fakeCognito) addUser(pool, name string, out *cip.AdminGetUserOutput) {
	f.users[pool][name] = out
}

// failNext queues errors for the next calls of an operation on a target.
func (f *fakeCognito) failNext(key string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[key] = append(f.failures[key], errs...)
}

func (f *fakeCognito) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// client returns a Client over f whose retries do not sleep; slept records
// each delay asked for.
func (f *fakeCognito) client(opts Options) (*Client, *[]time.Duration) {
	c := NewWithAPI(func(region string) API {
		f.mu.Lock()
		f.regions = append(f.regions, region)
		f.mu.Unlock()
		return &fakeAPI{f: f, region: region}
	}, opts)
	var slept []time.Duration
	var mu sync.Mutex
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, &slept
}

func apiError(code, message string) error {
	return &smithy.GenericAPIError{Code: code, Message: message}
}

type fakeAPI struct {
	f      *fakeCognito
	region string
}

// begin logs a call and returns its queued failure, if any.
func (a *fakeAPI) begin(ctx context.Context, op, pool, user string) error {
	key := op + " " + pool
	if user != "" {
		key += " " + user
	}
	f := a.f
	f.mu.Lock()
	f.calls = append(f.calls, a.region+" "+key)
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	var err error
	if q := f.failures[key]; len(q) > 0 {
		err, f.failures[key] = q[0], q[1:]
	}
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
	return err
}

func (a *fakeAPI) GetUserPoolMfaConfig(ctx context.Context, in *cip.GetUserPoolMfaConfigInput, _ ...func(*cip.Options)) (*cip.GetUserPoolMfaConfigOutput, error) {
	if err := a.begin(ctx, "GetUserPoolMfaConfig", *in.UserPoolId, ""); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	out, ok := a.f.mfa[*in.UserPoolId]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("User pool " + *in.UserPoolId + " does not exist.")}
	}
	return out, nil
}

func (a *fakeAPI) DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, _ ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
	if err := a.begin(ctx, "DescribeUserPool", *in.UserPoolId, ""); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	pool, ok := a.f.described[*in.UserPoolId]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("User pool " + *in.UserPoolId + " does not exist.")}
	}
	return &cip.DescribeUserPoolOutput{UserPool: pool}, nil
}

func (a *fakeAPI) AdminGetUser(ctx context.Context, in *cip.AdminGetUserInput, _ ...func(*cip.Options)) (*cip.AdminGetUserOutput, error) {
	if err := a.begin(ctx, "AdminGetUser", *in.UserPoolId, *in.Username); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	users, ok := a.f.users[*in.UserPoolId]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("User pool does not exist.")}
	}
	out, ok := users[*in.Username]
	if !ok {
		return nil, &types.UserNotFoundException{Message: aws.String("User does not exist.")}
	}
	return out, nil
}

func (a *fakeAPI) SetUserPoolMfaConfig(ctx context.Context, in *cip.SetUserPoolMfaConfigInput, _ ...func(*cip.Options)) (*cip.SetUserPoolMfaConfigOutput, error) {
	if err := a.begin(ctx, "SetUserPoolMfaConfig", *in.UserPoolId, ""); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	a.f.setPool = append(a.f.setPool, in)
	return &cip.SetUserPoolMfaConfigOutput{}, nil
}

func (a *fakeAPI) AdminSetUserMFAPreference(ctx context.Context, in *cip.AdminSetUserMFAPreferenceInput, _ ...func(*cip.Options)) (*cip.AdminSetUserMFAPreferenceOutput, error) {
	if err := a.begin(ctx, "AdminSetUserMFAPreference", *in.UserPoolId, *in.Username); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	a.f.setUser = append(a.f.setUser, in)
	return &cip.AdminSetUserMFAPreferenceOutput{}, nil
}

// ListUsers pages the pool's users in sorted order; the token is the index
// of the next user.
func (a *fakeAPI) ListUsers(ctx context.Context, in *cip.ListUsersInput, _ ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	if err := a.begin(ctx, "ListUsers", *in.UserPoolId, aws.ToString(in.PaginationToken)); err != nil {
		return nil, err
	}
	users, next, err := a.page(*in.UserPoolId, nil, in.PaginationToken, in.Limit)
	if err != nil {
		return nil, err
	}
	return &cip.ListUsersOutput{Users: users, PaginationToken: next}, nil
}

// ListUsersInGroup pages the users of f.groups[pool][group].
func (a *fakeAPI) ListUsersInGroup(ctx context.Context, in *cip.ListUsersInGroupInput, _ ...func(*cip.Options)) (*cip.ListUsersInGroupOutput, error) {
	if err := a.begin(ctx, "ListUsersInGroup", *in.UserPoolId, aws.ToString(in.NextToken)); err != nil {
		return nil, err
	}
	a.f.mu.Lock()
	members, ok := a.f.groups[*in.UserPoolId][*in.GroupName]
	a.f.mu.Unlock()
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Group not found.")}
	}
	users, next, err := a.page(*in.UserPoolId, members, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	return &cip.ListUsersInGroupOutput{Users: users, NextToken: next}, nil
}

func (a *fakeAPI) page(pool string, names []string, token *string, limit *int32) ([]types.UserType, *string, error) {
	a.f.mu.Lock()
	defer a.f.mu.Unlock()
	users, ok := a.f.users[pool]
	if !ok {
		return nil, nil, &types.ResourceNotFoundException{Message: aws.String("User pool does not exist.")}
	}
	if names == nil {
		for name := range users {
			names = append(names, name)
		}
		sort.Strings(names)
	}
	start, _ := strconv.Atoi(aws.ToString(token))
	end := min(start+int(aws.ToInt32(limit)), len(names))
	var out []types.UserType
	for _, n := range names[start:end] {
		out = append(out, types.UserType{Username: aws.String(n)})
	}
	var next *string
	if end < len(names) {
		next = aws.String(strconv.Itoa(end))
	}
	return out, next, nil
}

// user builds an AdminGetUser answer.
func user(list []string, preferred string, attrs ...string) *cip.AdminGetUserOutput {
	out := &cip.AdminGetUserOutput{UserMFASettingList: list}
	if preferred != "" {
		out.PreferredMfaSetting = aws.String(preferred)
	}
	for _, a := range attrs {
		name, value, _ := strings.Cut(a, "=")
		out.UserAttributes = append(out.UserAttributes, types.AttributeType{Name: aws.String(name), Value: aws.String(value)})
	}
	return out
}

// dump renders a value as JSON for failure messages.
func dump(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// Groups' precedence is tested against the emulator (list_test.go).
func (a *fakeAPI) GetGroup(context.Context, *cip.GetGroupInput, ...func(*cip.Options)) (*cip.GetGroupOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "UnknownOperationException", Message: "the fake does not read groups"}
}
