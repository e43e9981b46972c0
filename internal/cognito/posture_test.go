package cognito

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// modelShapeMembers returns the members of one shape of the Cognito API
// model (the newest, newer than our SDK).
func modelShapeMembers(t *testing.T, shape string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/cognito-idp-model-2026-07-24.json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct{ Members map[string]json.RawMessage }
	}
	if err := json.Unmarshal(data, &model); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range model.Shapes[shape].Members {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		t.Fatalf("the model has no shape %s", shape)
	}
	return names
}

// TestUpdateRequestCarriesEveryModelMember ranges over UpdateUserPoolRequest
// in the API model: every member must be one the SDK can send and one that
// updateRequest copies from DescribeUserPool's answer, so that no member,
// including one added to the API later, is dropped (UpdateUserPool would
// reset it).
func TestUpdateRequestCarriesEveryModelMember(t *testing.T) {
	var pool types.UserPoolType
	fill(reflect.ValueOf(&pool).Elem(), 0)
	in, err := updateRequest("eu-west-1_Abc", &pool)
	if err != nil {
		t.Fatal(err)
	}
	sent := requestJSON(in)
	sdk := UpdateRequestMembers()
	described := modelShapeMembers(t, "UserPoolType")
	for _, m := range modelShapeMembers(t, "UpdateUserPoolRequest") {
		if !slices.Contains(sdk, m) {
			t.Errorf("UpdateUserPoolRequest member %s: the SDK cannot send it", m)
		}
		if _, ok := sent[m]; !ok {
			t.Errorf("UpdateUserPoolRequest member %s: not copied from DescribeUserPool into the request", m)
		}
		source := map[string]string{"UserPoolId": "Id", "PoolName": "Name"}[m]
		if source == "" {
			source = m
		}
		if !slices.Contains(described, source) {
			t.Errorf("UpdateUserPoolRequest member %s: DescribeUserPool (UserPoolType) does not return %s", m, source)
		}
	}
}

// fill sets every exported field of v to a value that is not zero.
func fill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		val := reflect.New(v.Type().Elem()).Elem()
		fill(val, depth+1)
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), val)
		v.Set(m)
	}
}
