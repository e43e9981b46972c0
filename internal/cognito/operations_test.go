package cognito

import (
	"reflect"
	"testing"
	"time"

	"github.com/mfactl/mfactl/internal/operations"
)

// Every method of API (and recoveryAPI) is an operation of the table, and
// every operation of the table that is not sent raw is a method of one: a call added to
// one and not the other fails here. Each is paced by a quota with a
// default rate, so none goes out unpaced.
func TestAPIMethodsAreTheOperationTable(t *testing.T) {
	methods := map[string]bool{}
	for _, api := range []reflect.Type{reflect.TypeFor[API](), reflect.TypeFor[recoveryAPI](), reflect.TypeFor[postureAPI]()} {
		for i := range api.NumMethod() {
			methods[api.Method(i).Name] = true
		}
	}
	for name := range methods {
		op, ok := operations.Lookup(name)
		switch {
		case !ok:
			t.Errorf("API.%s has no entry in internal/operations.Table (quota, IAM action, CLI command)", name)
		case op.Raw:
			t.Errorf("API.%s is marked Raw in the operation table, but the SDK has the method", name)
		}
	}
	limits := newLimits(DefaultRates(), time.Now)
	for _, op := range operations.Table {
		if limits.bucket("eu-west-1", op.Name) == nil {
			t.Errorf("%s goes out unpaced: the pacer has no bucket for it", op.Name)
		}
		if !methods[op.Name] && !op.Raw {
			t.Errorf("%s is in the operation table but not in API, recoveryAPI or postureAPI, and is not marked Raw", op.Name)
		}
		if CategoryOf(op.Name) != op.Category {
			t.Errorf("CategoryOf(%s) = %q; the table says %q", op.Name, CategoryOf(op.Name), op.Category)
		}
		if _, ok := defaultRates[op.Category]; !ok {
			t.Errorf("%s: quota category %q has no default rate, so it would go out unpaced", op.Name, op.Category)
		}
	}
}
