package cognito

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"sort"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Our SDK (v1.61.0) drops without a word any member of a response that is
// newer than its model. For a read that only informs a plan that is a
// gap; for UpdateUserPool, which resets every member the request omits, it
// would silently erase what the SDK could not read. So DescribeUserPool's
// raw answer is kept and compared, member by member, with what the SDK's
// types can hold.

// captureBody is a per-call option that keeps the raw body of a successful
// response in *into (the last attempt's). It sits innermost in the
// deserialize step, so it reads the body before the SDK's deserializer and
// hands it on unchanged.
func captureBody(into *[]byte) func(*cip.Options) {
	return func(o *cip.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("mfactlCaptureBody",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleDeserialize(ctx, in)
					if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil && resp.StatusCode < 300 {
						b, readErr := io.ReadAll(resp.Body)
						_ = resp.Body.Close()
						resp.Body = io.NopCloser(bytes.NewReader(b))
						if readErr == nil {
							*into = b
						}
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

// unrepresentable returns the members of a raw JSON response that the SDK
// type of its output cannot hold, as paths ("UserPool.SmsConfiguration.EumsSms"),
// sorted. A body that is not JSON gives nil: the SDK's own decoding
// reports that.
func unrepresentable(raw []byte, output any) []string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	walkMembers(v, reflect.TypeOf(output), "", &out)
	sort.Strings(out)
	return out
}

func walkMembers(v any, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch val := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for k, item := range val {
				walkMembers(item, t.Elem(), joinMember(path, k), out)
			}
		case reflect.Struct:
			for k, item := range val {
				f, ok := t.FieldByName(k)
				if !ok || !f.IsExported() {
					*out = append(*out, joinMember(path, k))
					continue
				}
				walkMembers(item, f.Type, joinMember(path, k), out)
			}
		}
	case []any:
		if t.Kind() == reflect.Slice {
			for _, item := range val {
				walkMembers(item, t.Elem(), path, out)
			}
		}
	}
}

func joinMember(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
