package cognito

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// apiModel is the Cognito API model of 2026-07-24 (testdata; documentation
// removed), newer than the SDK's.
type apiModel struct {
	Operations map[string]struct{ Output string }
	Shapes     map[string]struct {
		Type    string
		Members map[string]struct{ Shape string }
		Member  *struct{ Shape string }
		Value   *struct{ Shape string }
	}
}

func loadModel(t *testing.T) apiModel {
	t.Helper()
	b, err := os.ReadFile("testdata/cognito-idp-model-2026-07-24.json")
	if err != nil {
		t.Fatal(err)
	}
	var m apiModel
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// modelMembers lists every member path reachable from shape that the Go
// type t (with newerMembers) has no field for: what droppedMembers would
// report of a complete answer.
func modelMembers(m apiModel, shape string, t reflect.Type, path string, seen map[string]bool, missing *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	s := m.Shapes[shape]
	switch s.Type {
	case "list":
		modelMembers(m, s.Member.Shape, t, path+"[]", seen, missing)
	case "map":
		modelMembers(m, s.Value.Shape, t, path+"{}", seen, missing)
	case "structure":
		if seen[shape] {
			return
		}
		seen[shape] = true
		for name, member := range s.Members {
			p := join(path, name)
			if f, ok := t.FieldByName(name); ok {
				modelMembers(m, member.Shape, f.Type, p, seen, missing)
			} else if nt, ok := newerMembers[t][name]; ok {
				modelMembers(m, member.Shape, nt, p, seen, missing)
			} else {
				*missing = append(*missing, p)
			}
		}
	}
}

// The reflection that tells what the SDK knows agrees with the model: for
// each read mfactl makes, every member of the newer model is an SDK field
// or one mfactl decodes itself, so a complete answer of today's Cognito is
// fully readable, and a member the SDK lacks is found.
func TestSDKKnowsTodaysReadMembers(t *testing.T) {
	m := loadModel(t)
	for op, out := range map[string]reflect.Type{
		"GetUserPoolMfaConfig": reflect.TypeFor[cip.GetUserPoolMfaConfigOutput](),
		"DescribeUserPool":     reflect.TypeFor[cip.DescribeUserPoolOutput](),
		"AdminGetUser":         reflect.TypeFor[cip.AdminGetUserOutput](),
	} {
		var missing []string
		modelMembers(m, m.Operations[op].Output, out, "", map[string]bool{}, &missing)
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: members of the 2026-07-24 model mfactl cannot read: %v", op, missing)
		}
	}
	// Without the EumsSms entry, the SDK alone misses exactly it.
	saved := newerMembers
	t.Cleanup(func() { newerMembers = saved })
	newerMembers = nil
	var missing []string
	modelMembers(m, m.Operations["GetUserPoolMfaConfig"].Output, reflect.TypeFor[cip.GetUserPoolMfaConfigOutput](), "", map[string]bool{}, &missing)
	if want := []string{"SmsMfaConfiguration.SmsConfiguration.EumsSms"}; !slices.Equal(missing, want) {
		t.Errorf("the SDK alone misses %v; want %v", missing, want)
	}
}

func TestDroppedMembers(t *testing.T) {
	mfa := reflect.TypeFor[cip.GetUserPoolMfaConfigOutput]()
	for _, tc := range []struct {
		name, raw string
		want      []string
	}{
		{"known", `{"MfaConfiguration":"ON","SoftwareTokenMfaConfiguration":{"Enabled":true}}`, nil},
		{"EumsSms is decoded by mfactl", `{"SmsMfaConfiguration":{"SmsConfiguration":{"EumsSms":{"CallerArn":"arn:aws:iam::1:role/r","Region":"eu-west-1"}}}}`, nil},
		{"a future member", `{"SmsMfaConfiguration":{"SmsConfiguration":{"SnsCallerArn":"a","FutureSender":{"X":1}}},"Future":true}`,
			[]string{"Future", "SmsMfaConfiguration.SmsConfiguration.FutureSender"}},
		{"inside EumsSms", `{"SmsMfaConfiguration":{"SmsConfiguration":{"EumsSms":{"CallerArn":"a","Priority":1}}}}`,
			[]string{"SmsMfaConfiguration.SmsConfiguration.EumsSms.Priority"}},
		{"nothing kept", ``, nil},
	} {
		if got := droppedMembers([]byte(tc.raw), mfa); !slices.Equal(got, tc.want) {
			t.Errorf("%s: dropped %v; want %v", tc.name, got, tc.want)
		}
	}
	user := reflect.TypeFor[cip.AdminGetUserOutput]()
	raw := `{"Username":"u","UserAttributes":[{"Name":"sub","Value":"1","Verified":true}],"MFAOptions":[{"DeliveryMedium":"SMS"}]}`
	if got := droppedMembers([]byte(raw), user); !slices.Equal(got, []string{"UserAttributes[].Verified"}) {
		t.Errorf("user: dropped %v; want the list element's member", got)
	}
}
