package apply

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// recordingCognito records which method each call reached.
type recordingCognito struct{ calls []string }

func (r *recordingCognito) SetUserPoolMfaConfig(_ context.Context, poolID string, cfg state.PoolConfig) error {
	r.calls = append(r.calls, "pool "+poolID+" "+string(cfg.MfaConfiguration))
	return nil
}

func (r *recordingCognito) AdminSetUserMFAPreference(_ context.Context, poolID, username string, s state.UserSettings) error {
	r.calls = append(r.calls, "user "+poolID+" "+username)
	return nil
}

func (r *recordingCognito) SetUserMFAPreference(_ context.Context, poolID string, s state.UserSettings) error {
	r.calls = append(r.calls, "self "+poolID)
	return nil
}

func (r *recordingCognito) AdminSetUserSettings(_ context.Context, poolID, username string, opts []state.MFAOption) error {
	r.calls = append(r.calls, fmt.Sprintf("legacy %s %s %d", poolID, username, len(opts)))
	return nil
}

func (r *recordingCognito) UpdateUserPool(_ context.Context, poolID string, set state.Posture) error {
	r.calls = append(r.calls, fmt.Sprintf("update %s %s", poolID, set.UserPoolTier))
	return nil
}

func (r *recordingCognito) SetRiskConfiguration(_ context.Context, poolID, clientID string, _ state.RiskConfiguration) error {
	r.calls = append(r.calls, fmt.Sprintf("risk %s %s", poolID, clientID))
	return nil
}

func TestDispatchCallsTheMethodOfEachOperation(t *testing.T) {
	r := &recordingCognito{}
	ex := Dispatch(r)
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOff}
	for _, call := range []plan.Call{
		{Operation: plan.SetUserPoolMfaConfig, UserPoolId: "eu-west-1_A", PoolRequest: &cfg},
		{Operation: plan.AdminSetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice", UserRequest: &state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true}}},
		{Operation: plan.SetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "bob", UserRequest: &state.UserSettings{SMSMfaSettings: &state.FactorSettings{Enabled: true}}},
		{Operation: plan.AdminSetUserSettings, UserPoolId: "eu-west-1_A", Username: "carol", LegacyRequest: &[]state.MFAOption{}},
		{Operation: plan.UpdateUserPool, UserPoolId: "eu-west-1_A", PostureRequest: &state.Posture{UserPoolTier: "PLUS"}},
		{Operation: plan.SetRiskConfiguration, UserPoolId: "eu-west-1_A", ClientId: "client1", RiskRequest: &state.RiskConfiguration{}},
	} {
		if err := ex.Execute(context.Background(), call); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"pool eu-west-1_A OFF", "user eu-west-1_A alice", "self eu-west-1_A", "legacy eu-west-1_A carol 0", "update eu-west-1_A PLUS", "risk eu-west-1_A client1"}; !slices.Equal(r.calls, want) {
		t.Errorf("calls = %q; want %q", r.calls, want)
	}
}

func TestDispatchRefusesMalformedCallsWithoutCalling(t *testing.T) {
	r := &recordingCognito{}
	ex := Dispatch(r)
	cfg := state.PoolConfig{MfaConfiguration: state.ModeOff}
	for name, call := range map[string]plan.Call{
		"unknown operation":        {Operation: "DeleteUserPool", UserPoolId: "eu-west-1_A"},
		"pool call without config": {Operation: plan.SetUserPoolMfaConfig, UserPoolId: "eu-west-1_A"},
		"pool call with user part": {Operation: plan.SetUserPoolMfaConfig, UserPoolId: "eu-west-1_A", PoolRequest: &cfg, UserRequest: &state.UserSettings{}},
		"user call without config": {Operation: plan.AdminSetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice"},
		"user call with pool part": {Operation: plan.AdminSetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice", PoolRequest: &cfg, UserRequest: &state.UserSettings{}},
		"self call without config": {Operation: plan.SetUserMFAPreference, UserPoolId: "eu-west-1_A", Username: "alice"},
		"legacy call without list": {Operation: plan.AdminSetUserSettings, UserPoolId: "eu-west-1_A", Username: "alice"},
		"legacy call with user part": {Operation: plan.AdminSetUserSettings, UserPoolId: "eu-west-1_A", Username: "alice",
			LegacyRequest: &[]state.MFAOption{}, UserRequest: &state.UserSettings{}},
		"update without members":     {Operation: plan.UpdateUserPool, UserPoolId: "eu-west-1_A"},
		"risk without configuration": {Operation: plan.SetRiskConfiguration, UserPoolId: "eu-west-1_A"},
	} {
		if err := ex.Execute(context.Background(), call); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if len(r.calls) != 0 {
		t.Errorf("Cognito was called: %q", r.calls)
	}
}
