package emulator

import (
	"strconv"
	"strings"
)

// The read side of groups: GetGroup, ListGroups and AdminListGroupsForUser.
// CreateGroup, AdminAddUserToGroup and ListUsersInGroup live with the pool
// and user operations they share state with.

func getGroup(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		GroupName *string
	}
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := lookupGroup(p, in.GroupName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Group": groupView(p, g)}, nil
}

// listGroups pages the pool's groups in creation order; the token names the
// next group.
func listGroups(s *Server, c *call) (any, error) {
	var in struct {
		poolRef
		NextToken *string
		Limit     *int
	}
	p, unlock, err := s.poolCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	limit := pageLimit(in.Limit)
	start, err := groupsFrom(p.groupOrder, in.NextToken)
	if err != nil {
		return nil, err
	}
	return groupPage(p, p.groupOrder, start, limit), nil
}

// adminListGroupsForUser pages the groups a user belongs to, in the order
// the user joined them.
func adminListGroupsForUser(s *Server, c *call) (any, error) {
	var in struct {
		userRef
		NextToken *string
		Limit     *int
	}
	p, u, unlock, err := s.userCall(c, &in, reads)
	if err != nil {
		return nil, err
	}
	defer unlock()
	limit := pageLimit(in.Limit)
	start, err := groupsFrom(u.groups, in.NextToken)
	if err != nil {
		return nil, err
	}
	return groupPage(p, u.groups, start, limit), nil
}

// groupsFrom returns where a page of groups starts: the group a token
// names, or the end when that group is gone.
func groupsFrom(groups []*group, token *string) (int, error) {
	if token == nil {
		return 0, nil
	}
	name, err := decodeToken(*token)
	if err != nil {
		return 0, err
	}
	for i, g := range groups {
		if g.name == name {
			return i, nil
		}
	}
	return len(groups), nil
}

func groupPage(p *pool, groups []*group, start, limit int) any {
	out := struct {
		Groups    []any
		NextToken string `json:",omitempty"`
	}{Groups: []any{}}
	end := min(start+limit, len(groups))
	for _, g := range groups[start:end] {
		out.Groups = append(out.Groups, groupView(p, g))
	}
	if end < len(groups) {
		out.NextToken = encodeToken(groups[end].name)
	}
	return out
}

// filterValue is the value a ListUsers filter compares for one attribute,
// and whether Cognito compares it ignoring case (cognito:user_status).
func filterValue(u *user, name string) (value string, foldCase bool) {
	switch name {
	case "username":
		return u.username, false
	case "cognito:user_status":
		return u.status, true
	case "status":
		if u.enabled {
			return "Enabled", false
		}
		return "Disabled", false
	}
	v, _ := u.attr(name)
	return v, false
}

// unquoteFilterValue undoes the backslash escapes of a quoted filter
// value: Cognito's documentation escapes quotation marks (and so
// backslashes) with a backslash.
func unquoteFilterValue(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", strconv.ErrSyntax
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}
