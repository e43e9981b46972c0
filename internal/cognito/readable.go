package cognito

// Never act on what cannot be seen. The SDK decodes Cognito's answers into
// the types of the model it was generated from, and silently drops every
// member that model did not have: v1.61.0 reads an EUMS pool's
// SmsConfiguration as empty, so its SMS MFA looks off, and a plan built on
// that reading would switch it off. So every read keeps the answer's raw
// JSON, and droppedMembers compares it with the SDK's types (what the SDK
// knows, by reflection: its field names are the model's member names) plus
// the members mfactl decodes itself (newerMembers). A member in neither
// makes the pool or user not fully readable, and plans refuse to change it.

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/mfactl/mfactl/internal/state"
)

// newerMembers are members newer than the SDK that mfactl decodes from the
// raw answer itself, by the SDK type that lacks them: name -> the Go type
// their JSON is decoded into. Remove an entry with the SDK version that has
// the member.
var newerMembers = map[reflect.Type]map[string]reflect.Type{
	// 2026-07-17; SDK cognitoidentityprovider > v1.61.0.
	reflect.TypeFor[types.SmsConfigurationType](): {"EumsSms": reflect.TypeFor[state.EumsSms]()},
}

// droppedMembers returns the dotted paths of the members of the JSON answer
// raw that neither the Go type t (the SDK's output type) nor newerMembers
// know, sorted; nil when raw is empty (nothing was kept: a test fake) or
// every member is known. List elements are written "[]", map values "{}".
func droppedMembers(raw []byte, t reflect.Type) []string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"(an answer that is not JSON)"}
	}
	var dropped []string
	walkMembers(v, t, "", &dropped)
	sort.Strings(dropped)
	return dropped
}

var timeType = reflect.TypeFor[time.Time]()

func walkMembers(v any, t reflect.Type, path string, dropped *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		switch {
		case t.Kind() == reflect.Map:
			for _, child := range v {
				walkMembers(child, t.Elem(), path+"{}", dropped)
			}
		case t.Kind() == reflect.Struct && t != timeType:
			for name, child := range v {
				childPath := join(path, name)
				if f, ok := t.FieldByName(name); ok && f.IsExported() {
					walkMembers(child, f.Type, childPath, dropped)
				} else if nt, ok := newerMembers[t][name]; ok {
					walkMembers(child, nt, childPath, dropped)
				} else {
					*dropped = append(*dropped, childPath)
				}
			}
		case t.Kind() == reflect.Interface:
			// A document or union the SDK keeps whole.
		default:
			*dropped = append(*dropped, path+" (an object where the SDK expects a "+t.Kind().String()+")")
		}
	case []any:
		if t.Kind() == reflect.Slice {
			for _, child := range v {
				walkMembers(child, t.Elem(), path+"[]", dropped)
			}
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// unreadable describes the dropped members of one read for a message:
// "GetUserPoolMfaConfig: SmsMfaConfiguration.SmsConfiguration.X".
func unreadable(operation string, dropped []string) []string {
	out := make([]string, len(dropped))
	for i, d := range dropped {
		out[i] = operation + ": " + d
	}
	return out
}

// newerSmsConfiguration is the part of SmsConfigurationType the SDK cannot
// decode.
type newerSmsConfiguration struct {
	EumsSms *state.EumsSms
}

// eumsFromMfaConfig decodes EumsSms from a raw GetUserPoolMfaConfig answer.
func eumsFromMfaConfig(raw []byte) *state.EumsSms {
	var v struct {
		SmsMfaConfiguration *struct{ SmsConfiguration *newerSmsConfiguration }
	}
	if json.Unmarshal(raw, &v) != nil || v.SmsMfaConfiguration == nil || v.SmsMfaConfiguration.SmsConfiguration == nil {
		return nil
	}
	return v.SmsMfaConfiguration.SmsConfiguration.EumsSms
}

// eumsFromDescribe decodes EumsSms from a raw DescribeUserPool answer.
func eumsFromDescribe(raw []byte) *state.EumsSms {
	var v struct {
		UserPool *struct{ SmsConfiguration *newerSmsConfiguration }
	}
	if json.Unmarshal(raw, &v) != nil || v.UserPool == nil || v.UserPool.SmsConfiguration == nil {
		return nil
	}
	return v.UserPool.SmsConfiguration.EumsSms
}
