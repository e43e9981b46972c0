package rules

import (
	"fmt"
	"slices"
	"strings"
)

// FilterAttributes are the attributes a ListUsers filter may name, as
// Cognito's API reference lists them; custom attributes cannot be searched.
var FilterAttributes = []string{
	"username", "email", "phone_number", "name", "given_name", "family_name",
	"preferred_username", "cognito:user_status", "status", "sub",
}

// Filter is a parsed ListUsers filter: Attribute Operator "Value".
type Filter struct {
	Attribute string
	Operator  string // "=" (equals) or "^=" (starts with)
	Value     string // unescaped
}

// FilterError says why a ListUsers filter is one Cognito refuses.
// Attribute is set when the attribute is the problem, so that a caller can
// suggest the nearest allowed one.
type FilterError struct {
	Summary, Detail string
	Attribute       string
}

func (e *FilterError) Error() string { return e.Summary + ": " + e.Detail }

const filterForm = `write one condition, attribute = "value" (equals) or attribute ^= "prefix" (starts with), such as email ^= "support-"`

// ParseFilter reads a ListUsers filter the way Cognito does: one attribute
// of FilterAttributes, = or ^= (spaces around it optional), and a value in
// double quotes in which a backslash escapes the next character. It checks
// offline what Cognito would refuse with "Error while parsing filter." or
// "Invalid search attribute".
func ParseFilter(s string) (Filter, error) {
	rest := strings.TrimLeft(s, " ")
	if rest == "" {
		return Filter{}, &FilterError{Summary: "the filter is empty", Detail: filterForm}
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !isAttributeChar(r) })
	if end < 0 {
		end = len(rest)
	}
	attr := rest[:end]
	rest = strings.TrimLeft(rest[end:], " ")
	var f Filter
	switch {
	case attr == "":
		return Filter{}, &FilterError{Summary: "the filter does not start with an attribute name", Detail: filterForm}
	case strings.HasPrefix(rest, "^="):
		f.Operator, rest = "^=", rest[2:]
	case strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "=="):
		f.Operator, rest = "=", rest[1:]
	default:
		op := rest
		if i := strings.IndexAny(op, ` "`); i >= 0 {
			op = op[:i]
		}
		if op == "" {
			return Filter{}, &FilterError{Summary: fmt.Sprintf("the filter has no operator after %s", attr), Detail: filterForm}
		}
		return Filter{}, &FilterError{Summary: fmt.Sprintf("the filter's operator %s is not one Cognito has", op),
			Detail: "Cognito filters with = (equals) or ^= (starts with) only; " + filterForm}
	}
	if !slices.Contains(FilterAttributes, attr) {
		detail := "Cognito searches only " + strings.Join(FilterAttributes, ", ")
		if strings.HasPrefix(attr, "custom:") {
			detail = "Cognito cannot search custom attributes; it searches only " + strings.Join(FilterAttributes, ", ")
		}
		return Filter{}, &FilterError{Summary: fmt.Sprintf("the filter's attribute %s cannot be searched", attr), Detail: detail, Attribute: attr}
	}
	f.Attribute = attr
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, `"`) {
		return Filter{}, &FilterError{Summary: "the filter's value is not in double quotes",
			Detail: fmt.Sprintf(`write it as %s %s "value"; in YAML, put the whole filter in single quotes`, attr, f.Operator)}
	}
	var value strings.Builder
	i := 1
	for ; i < len(rest) && rest[i] != '"'; i++ {
		if rest[i] == '\\' {
			i++
			if i == len(rest) {
				break
			}
		}
		value.WriteByte(rest[i])
	}
	if i >= len(rest) {
		return Filter{}, &FilterError{Summary: "the filter's value has no closing double quote",
			Detail: `end the value with "; write \" for a quotation mark inside it`}
	}
	if trailing := strings.TrimSpace(rest[i+1:]); trailing != "" {
		return Filter{}, &FilterError{Summary: fmt.Sprintf("the filter goes on after its value: %s", trailing),
			Detail: "Cognito takes one condition per filter, with no and or or: write one policy per condition"}
	}
	f.Value = value.String()
	return f, nil
}

func isAttributeChar(r rune) bool {
	return r == '_' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
