package cognito

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

// postureAPI is the part of the SDK's client that reads and writes a pool's
// MFA posture. It is apart from API so that the fakes of the MFA calls need
// not grow; *cip.Client satisfies both.
type postureAPI interface {
	UpdateUserPool(ctx context.Context, in *cip.UpdateUserPoolInput, optFns ...func(*cip.Options)) (*cip.UpdateUserPoolOutput, error)
	DescribeRiskConfiguration(ctx context.Context, in *cip.DescribeRiskConfigurationInput, optFns ...func(*cip.Options)) (*cip.DescribeRiskConfigurationOutput, error)
	SetRiskConfiguration(ctx context.Context, in *cip.SetRiskConfigurationInput, optFns ...func(*cip.Options)) (*cip.SetRiskConfigurationOutput, error)
	ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsInput, optFns ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error)
}

var _ postureAPI = (*cip.Client)(nil)

// The posture operations, by Cognito's names.
const (
	opUpdateUserPool            = "UpdateUserPool"
	opSetRiskConfiguration      = "SetRiskConfiguration"
	opDescribeRiskConfiguration = "DescribeRiskConfiguration"
	opDescribeUserPool          = "DescribeUserPool"
	opListUserPoolClients       = "ListUserPoolClients"
)

// livePosture is the posture DescribeUserPool reports (risk
// configurations are read apart, with ReadRisk).
func livePosture(up *types.UserPoolType) state.Posture {
	var p state.Posture
	if up == nil {
		return p
	}
	p.UserPoolTier = string(up.UserPoolTier)
	if d := up.DeviceConfiguration; d != nil {
		p.DeviceConfiguration = &state.DeviceConfiguration{ChallengeRequiredOnNewDevice: d.ChallengeRequiredOnNewDevice, DeviceOnlyRememberedOnUserPrompt: d.DeviceOnlyRememberedOnUserPrompt}
	}
	if up.Policies != nil && up.Policies.SignInPolicy != nil {
		p.SignInPolicy = &state.SignInPolicy{AllowedFirstAuthFactors: []string{}}
		for _, f := range up.Policies.SignInPolicy.AllowedFirstAuthFactors {
			p.SignInPolicy.AllowedFirstAuthFactors = append(p.SignInPolicy.AllowedFirstAuthFactors, string(f))
		}
	}
	if a := up.UserPoolAddOns; a != nil {
		p.UserPoolAddOns = &state.UserPoolAddOns{AdvancedSecurityMode: string(a.AdvancedSecurityMode)}
		if f := a.AdvancedSecurityAdditionalFlows; f != nil && f.CustomAuthMode != "" {
			p.UserPoolAddOns.AdvancedSecurityAdditionalFlows = &state.AdvancedSecurityAdditionalFlows{CustomAuthMode: string(f.CustomAuthMode)}
		}
	}
	return p
}

// updateRequest builds the UpdateUserPool request that keeps the pool as
// DescribeUserPool described it: every member of the request, copied from
// the member of the same name in the description (PoolName from Name). A
// member of the request that the description has no counterpart for is
// refused by name: sending the request without it would reset it.
func updateRequest(poolID string, up *types.UserPoolType) (*cip.UpdateUserPoolInput, error) {
	if up == nil {
		return nil, fmt.Errorf("UpdateUserPool for pool %s: DescribeUserPool returned no pool", poolID)
	}
	in := &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolID), PoolName: up.Name}
	dst, src := reflect.ValueOf(in).Elem(), reflect.ValueOf(up).Elem()
	var missing []string
	for i := range dst.NumField() {
		f := dst.Type().Field(i)
		if !f.IsExported() || f.Name == "UserPoolId" || f.Name == "PoolName" {
			continue
		}
		from, ok := src.Type().FieldByName(f.Name)
		if !ok || from.Type != f.Type {
			missing = append(missing, f.Name)
			continue
		}
		dst.Field(i).Set(src.FieldByIndex(from.Index))
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("UpdateUserPool for pool %s: refusing: the request has member %s, which DescribeUserPool does not return, so mfactl cannot keep its current value (UpdateUserPool resets what a request omits)", poolID, strings.Join(missing, ", "))
	}
	return in, nil
}

// UpdateRequestMembers lists the members of the UpdateUserPool request the
// SDK can send, in its field order (for the test against the API model).
func UpdateRequestMembers() []string {
	t := reflect.TypeOf(cip.UpdateUserPoolInput{})
	var out []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			out = append(out, f.Name)
		}
	}
	return out
}

// requestJSON is a request as the SDK sends it, in AWS's JSON: the SDK's
// field names are the members' names, and like the SDK's serializers it
// leaves out absent members (nil, "") and plain booleans and numbers at
// their zero value.
func requestJSON(in any) map[string]any {
	b, err := json.Marshal(in)
	if err != nil {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	prune(m)
	return m
}

// prune drops null, empty-string, false and zero members, recursively.
func prune(m map[string]any) {
	for k, v := range m {
		switch val := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if val == "" {
				delete(m, k)
			}
		case bool:
			if !val {
				delete(m, k)
			}
		case float64:
			if val == 0 {
				delete(m, k)
			}
		case map[string]any:
			prune(val) // an object left empty stays: the SDK sends it as {}
		case []any:
			for _, item := range val {
				if o, ok := item.(map[string]any); ok {
					prune(o)
				}
			}
		}
	}
}

// PatchedMembers names the members of UpdateUserPool that a posture sets
// (SignInPolicy as Policies.SignInPolicy), in request order.
func PatchedMembers(p state.Posture) []string {
	var out []string
	if p.DeviceConfiguration != nil {
		out = append(out, "DeviceConfiguration")
	}
	if p.SignInPolicy != nil {
		out = append(out, "Policies.SignInPolicy")
	}
	if p.UserPoolAddOns != nil {
		out = append(out, "UserPoolAddOns")
	}
	if p.UserPoolTier != "" {
		out = append(out, "UserPoolTier")
	}
	return out
}

// patch sets the members p declares on a complete request.
func patch(in *cip.UpdateUserPoolInput, p state.Posture) {
	if p.UserPoolTier != "" {
		in.UserPoolTier = types.UserPoolTierType(p.UserPoolTier)
	}
	if d := p.DeviceConfiguration; d != nil {
		in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: d.ChallengeRequiredOnNewDevice, DeviceOnlyRememberedOnUserPrompt: d.DeviceOnlyRememberedOnUserPrompt}
	}
	if s := p.SignInPolicy; s != nil {
		pol := types.UserPoolPolicyType{}
		if in.Policies != nil {
			pol = *in.Policies
		}
		pol.SignInPolicy = &types.SignInPolicyType{}
		for _, f := range s.AllowedFirstAuthFactors {
			pol.SignInPolicy.AllowedFirstAuthFactors = append(pol.SignInPolicy.AllowedFirstAuthFactors, types.AuthFactorType(f))
		}
		in.Policies = &pol
	}
	if a := p.UserPoolAddOns; a != nil {
		in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeType(a.AdvancedSecurityMode)}
		if f := a.AdvancedSecurityAdditionalFlows; f != nil && f.CustomAuthMode != "" {
			in.UserPoolAddOns.AdvancedSecurityAdditionalFlows = &types.AdvancedSecurityAdditionalFlowsType{CustomAuthMode: types.AdvancedSecurityEnabledModeType(f.CustomAuthMode)}
		}
	}
}

// UpdateRequest is the complete UpdateUserPool request a posture call sends
// for a pool whose current request is base (LivePool.UpdateBase): base with
// the members p declares set. Views print it (-o cli).
func UpdateRequest(poolID string, base map[string]any, p state.Posture) map[string]any {
	var in cip.UpdateUserPoolInput
	b, _ := json.Marshal(base)
	_ = json.Unmarshal(b, &in)
	in.UserPoolId = aws.String(poolID)
	patch(&in, p)
	return requestJSON(&in)
}

// members splits a request's JSON into the members compared after an
// update: the top-level ones, with Policies split into its two parts
// (only the sign-in policy is ever managed).
func members(req map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range req {
		if k == "Policies" {
			if pol, ok := v.(map[string]any); ok {
				for pk, pv := range pol {
					out["Policies."+pk] = pv
				}
			}
			continue
		}
		out[k] = v
	}
	return out
}

// differing lists the members whose values differ between two requests,
// except those in skip, sorted.
func differing(a, b map[string]any, skip []string) []string {
	ma, mb := members(a), members(b)
	var out []string
	for k := range ma {
		if _, ok := mb[k]; !ok {
			mb[k] = nil
		}
	}
	for k, v := range mb {
		if slices.Contains(skip, k) {
			continue
		}
		if !reflect.DeepEqual(ma[k], v) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// describe reads a pool with DescribeUserPool for UpdateUserPool, and
// names what of the answer that request could not carry: the members the
// SDK drops (droppedMembers) and those mfactl decodes itself but the SDK's
// UpdateUserPoolInput cannot send (EumsSms).
func (c *Client) describe(ctx context.Context, api API, poolID string) (*types.UserPoolType, []string, error) {
	var out *cip.DescribeUserPoolOutput
	var raw []byte
	err := c.withRetries(ctx, opDescribeUserPool, poolID, "", func() (err error) {
		out, err = api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)}, withRawBody(&raw))
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	cannot := droppedMembers(raw, reflect.TypeFor[cip.DescribeUserPoolOutput]())
	if eumsFromDescribe(raw) != nil {
		cannot = append(cannot, "UserPool.SmsConfiguration.EumsSms")
	}
	return out.UserPool, cannot, nil
}

// UpdateUserPool sets the members p declares and nothing else. Cognito's
// UpdateUserPool resets every member a request omits, so the request is
// the pool's complete current description with those members changed:
//
//  1. DescribeUserPool; refuse if the answer holds a member the SDK cannot
//     represent, or the request has one the answer lacks (by name);
//  2. build the request; DescribeUserPool again right before sending and
//     refuse if anything changed in between;
//  3. send it; DescribeUserPool afterwards and fail, naming them, if any
//     member p does not declare is not exactly as before.
func (c *Client) UpdateUserPool(ctx context.Context, poolID string, p state.Posture) error {
	api, err := c.api(poolID)
	if err != nil {
		return &CallError{Operation: opUpdateUserPool, UserPoolId: poolID, Message: err.Error()}
	}
	papi, ok := api.(postureAPI)
	if !ok {
		return fmt.Errorf("UpdateUserPool for pool %s: this client cannot make posture calls", poolID)
	}
	read := func(step string) (map[string]any, error) {
		up, unreadable, err := c.describe(ctx, api, poolID)
		if err != nil {
			return nil, fmt.Errorf("UpdateUserPool for pool %s: %s: %w", poolID, step, newCallError(opDescribeUserPool, poolID, "", err))
		}
		if len(unreadable) > 0 {
			return nil, fmt.Errorf("UpdateUserPool for pool %s: refusing: DescribeUserPool returned %s, which mfactl's AWS SDK cannot represent; UpdateUserPool would reset it", poolID, strings.Join(unreadable, ", "))
		}
		in, err := updateRequest(poolID, up)
		if err != nil {
			return nil, err
		}
		return requestJSON(in), nil
	}
	before, err := read("reading the pool")
	if err != nil {
		return err
	}
	want := UpdateRequest(poolID, before, p)
	again, err := read("reading the pool again before sending")
	if err != nil {
		return err
	}
	if moved := differing(before, again, nil); len(moved) > 0 {
		return fmt.Errorf("UpdateUserPool for pool %s: refusing: %s changed while the request was prepared (another writer); nothing was sent, run mfactl again", poolID, strings.Join(moved, ", "))
	}
	var in cip.UpdateUserPoolInput
	b, _ := json.Marshal(want)
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("UpdateUserPool for pool %s: %w", poolID, err)
	}
	// The request carries the pool's SMS role with its ExternalId: never
	// let an error message quote it.
	var secrets []string
	if sms, ok := want["SmsConfiguration"].(map[string]any); ok {
		if id, ok := sms["ExternalId"].(string); ok {
			secrets = append(secrets, id)
		}
	}
	err = c.execute(ctx, opUpdateUserPool, poolID, "", secrets, func(ctx context.Context, _ API) error {
		_, err := papi.UpdateUserPool(ctx, &in)
		return err
	})
	if err != nil {
		return err
	}
	after, err := read("applied; reading the pool to verify")
	if err != nil {
		return err
	}
	if changed := differing(before, after, PatchedMembers(p)); len(changed) > 0 {
		return fmt.Errorf("UpdateUserPool for pool %s: applied, but members mfactl does not manage changed: %s; compare them with DescribeUserPool", poolID, strings.Join(changed, ", "))
	}
	if off := differing(want, after, nil); len(off) > 0 {
		return fmt.Errorf("UpdateUserPool for pool %s: applied, but %s did not take the value sent", poolID, strings.Join(off, ", "))
	}
	return nil
}

// SetRiskConfiguration replaces the risk configuration of a pool (clientID
// "") or of one of its app clients with rc.
func (c *Client) SetRiskConfiguration(ctx context.Context, poolID, clientID string, rc state.RiskConfiguration) error {
	in := &cip.SetRiskConfigurationInput{}
	b, _ := json.Marshal(rc)
	if err := json.Unmarshal(b, in); err != nil {
		return fmt.Errorf("SetRiskConfiguration for pool %s: %w", poolID, err)
	}
	in.UserPoolId = aws.String(poolID)
	if clientID != "" {
		in.ClientId = aws.String(clientID)
	}
	return c.execute(ctx, opSetRiskConfiguration, poolID, "", nil, func(ctx context.Context, api API) error {
		papi, ok := api.(postureAPI)
		if !ok {
			return fmt.Errorf("this client cannot make posture calls")
		}
		_, err := papi.SetRiskConfiguration(ctx, in)
		return err
	})
}

// ReadRisk reads the risk configuration of a pool (when pool is set) and of
// each of clientIDs into lp.Posture. A pool without threat protection
// (UserPoolAddOnNotEnabledException) has none; a client Cognito does not
// know is recorded with Exists false.
func (c *Client) ReadRisk(ctx context.Context, lp *state.LivePool, pool bool, clientIDs []string) error {
	api, err := c.api(lp.UserPoolId)
	if err != nil {
		return newCallError(opDescribeRiskConfiguration, lp.UserPoolId, "", err)
	}
	papi, ok := api.(postureAPI)
	if !ok {
		return fmt.Errorf("DescribeRiskConfiguration for pool %s: this client cannot read risk configurations", lp.UserPoolId)
	}
	read := func(clientID string) (*state.RiskConfiguration, bool, error) {
		in := &cip.DescribeRiskConfigurationInput{UserPoolId: aws.String(lp.UserPoolId)}
		if clientID != "" {
			in.ClientId = aws.String(clientID)
		}
		var out *cip.DescribeRiskConfigurationOutput
		err := c.withRetries(ctx, opDescribeRiskConfiguration, lp.UserPoolId, "", func() (err error) {
			out, err = papi.DescribeRiskConfiguration(ctx, in)
			return err
		})
		switch code := errorCode(err); {
		case code == "UserPoolAddOnNotEnabledException":
			return nil, true, nil
		case code == "ResourceNotFoundException" && clientID != "":
			return nil, false, nil
		case err != nil:
			return nil, false, newCallError(opDescribeRiskConfiguration, lp.UserPoolId, "", err)
		}
		if clientID != "" && out.RiskConfiguration != nil && aws.ToString(out.RiskConfiguration.ClientId) != "" && aws.ToString(out.RiskConfiguration.ClientId) != clientID {
			// Another configuration stands in for the client's (the pool's,
			// if Cognito answers with it): the client has none of its own.
			return nil, true, nil
		}
		return liveRisk(out.RiskConfiguration), true, nil
	}
	if pool {
		rc, _, err := read("")
		if err != nil {
			return err
		}
		lp.Posture.RiskConfiguration = rc
	}
	for _, id := range clientIDs {
		rc, exists, err := read(id)
		if err != nil {
			return err
		}
		lp.Posture.AppClients = append(lp.Posture.AppClients, state.AppClientPosture{ClientId: id, RiskConfiguration: rc, Exists: exists})
	}
	return nil
}

// ListAppClients returns the IDs of a pool's app clients, in Cognito's
// order (ListUserPoolClients, a page of 60 at a time): import reads their
// risk configurations.
func (c *Client) ListAppClients(ctx context.Context, poolID string) ([]string, error) {
	api, err := c.api(poolID)
	if err != nil {
		return nil, newCallError(opListUserPoolClients, poolID, "", err)
	}
	papi, ok := api.(postureAPI)
	if !ok {
		return nil, fmt.Errorf("ListUserPoolClients for pool %s: this client cannot list app clients", poolID)
	}
	in := &cip.ListUserPoolClientsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(clientPageSize)}
	var ids []string
	for {
		var out *cip.ListUserPoolClientsOutput
		err := c.withRetries(ctx, opListUserPoolClients, poolID, "", func() (err error) {
			out, err = papi.ListUserPoolClients(ctx, in)
			return err
		})
		if err != nil {
			return nil, failure(ctx, opListUserPoolClients, poolID, "", err)
		}
		for _, cl := range out.UserPoolClients {
			ids = append(ids, aws.ToString(cl.ClientId))
		}
		if aws.ToString(out.NextToken) == "" {
			return ids, nil
		}
		in.NextToken = out.NextToken
	}
}

// clientPageSize is ListUserPoolClients' largest page.
const clientPageSize = 60

// liveRisk converts a RiskConfigurationType; nil when it has no block.
func liveRisk(rc *types.RiskConfigurationType) *state.RiskConfiguration {
	if rc == nil || (rc.AccountTakeoverRiskConfiguration == nil && rc.CompromisedCredentialsRiskConfiguration == nil && rc.RiskExceptionConfiguration == nil) {
		return nil
	}
	m := requestJSON(rc)
	delete(m, "UserPoolId")
	delete(m, "ClientId")
	delete(m, "LastModifiedDate")
	var out state.RiskConfiguration
	b, _ := json.Marshal(m)
	_ = json.Unmarshal(b, &out)
	return &out
}
