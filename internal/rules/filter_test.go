package rules

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	for in, want := range map[string]Filter{
		`email ^= "support-"`:               {"email", "^=", "support-"},
		`username="carol"`:                  {"username", "=", "carol"},
		`  family_name  =  "Reddy" `:        {"family_name", "=", "Reddy"},
		`name = "Ann \"the fixer\""`:        {"name", "=", `Ann "the fixer"`},
		`name = "back\\slash"`:              {"name", "=", `back\slash`},
		`cognito:user_status = "CONFIRMED"`: {"cognito:user_status", "=", "CONFIRMED"},
		`status = ""`:                       {"status", "=", ""},
	} {
		got, err := ParseFilter(in)
		if err != nil || got != want {
			t.Errorf("ParseFilter(%s) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, summary := range map[string]string{
		``:                          "the filter is empty",
		`= "x"`:                     "does not start with an attribute",
		`email "x"`:                 "no operator after email",
		`email != "x"`:              "operator != is not one Cognito has",
		`email == "x"`:              "operator == is not one Cognito has",
		`email is "x"`:              "operator is is not one Cognito has",
		`emial = "x"`:               "attribute emial cannot be searched",
		`custom:team = "x"`:         "attribute custom:team cannot be searched",
		`locale = "en"`:             "attribute locale cannot be searched",
		`email = x`:                 "not in double quotes",
		`email = 'x'`:               "not in double quotes",
		`email = "x`:                "no closing double quote",
		`email = "x\"`:              "no closing double quote",
		`email = "a" or name = "b"`: `goes on after its value: or name = "b"`,
	} {
		_, err := ParseFilter(in)
		var fe *FilterError
		if !errors.As(err, &fe) || !strings.Contains(fe.Summary, summary) || fe.Detail == "" {
			t.Errorf("ParseFilter(%s) error = %v; want a summary with %q and a detail", in, err, summary)
		}
	}
	_, err := ParseFilter(`custom:team = "x"`)
	if fe := err.(*FilterError); fe.Attribute != "custom:team" || !strings.Contains(fe.Detail, "cannot search custom attributes") {
		t.Errorf("custom attribute: %+v", fe)
	}
}
