package views

import (
	"strings"

	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/plan"
)

// groupAtLeast is how many users must change the same way before a
// compact plan shows them as one group instead of one by one.
const groupAtLeast = 4

// groupNamesShown is how many usernames a group lists before "and N more".
const groupNamesShown = 10

// userGroup is users of one pool whose changes are the same: the same
// change lines, and the same reason their live settings are unknown.
// Label names what the users have in common besides the change: the
// policies that give them their settings ("policy admins-use-totp"),
// empty for users the files name. It is part of what groups them, so that
// two policies that happen to change alike stay apart.
type userGroup struct {
	Label   string
	Unknown string
	Lines   []fieldDiff
	Users   []plan.UserChange
}

// poolUsers is the user changes of one pool as a plan shows them.
type poolUsers struct {
	userCalls map[userKey]*plan.Call
}

func newPoolUsers(p *plan.Plan) poolUsers {
	pu := poolUsers{userCalls: map[userKey]*plan.Call{}}
	for i := range p.Calls {
		if c := &p.Calls[i]; c.UserRequest != nil {
			pu.userCalls[userKey{c.UserPoolId, c.Username}] = c
		}
	}
	return pu
}

// lines is what changes for one user: a line per block the call sends.
func (pu poolUsers) lines(poolID string, uc plan.UserChange) []fieldDiff {
	var out []fieldDiff
	if m := uc.MFAOptions; m != nil {
		out = append(out, fieldDiff{kind: '~', key: "MFAOptions", from: describeOptions(m.Live), to: describeOptions(m.Desired)})
	}
	call := pu.userCalls[userKey{poolID, uc.Username}]
	if call == nil {
		return out
	}
	for _, f := range state.MFAFactors {
		sent := f.User(*call.UserRequest)
		if sent == nil {
			continue
		}
		was := enabledOrNil(f.User(uc.Live))
		from, to := describeFactor(was), describeFactor(sent)
		if uc.Unknown != "" {
			from = "unknown"
		}
		kind := byte('~')
		switch {
		case uc.Unknown == "" && was == nil && sent.Enabled:
			kind = '+'
		case uc.Unknown == "" && was != nil && !sent.Enabled:
			kind = '-'
		}
		out = append(out, fieldDiff{kind: kind, key: f.UserBlock, from: from, to: to})
	}
	if w := call.UserRequest.WebAuthnMfaSettings; w != nil {
		to := "disabled"
		if w.Enabled {
			to = "enabled"
		}
		out = append(out, fieldDiff{kind: '~', key: "WebAuthnMfaSettings", from: "(cannot be read)", to: to})
	}
	if call.Uncertain != "" {
		out = append(out, fieldDiff{kind: '!', to: call.Uncertain})
	}
	return out
}

// groups returns the user changes of pc grouped by what changes, in order
// of each group's first user.
func (pu poolUsers) groups(pc plan.PoolChange) []*userGroup {
	var out []*userGroup
	byKey := map[string]*userGroup{}
	for _, uc := range pc.Users {
		lines := pu.lines(pc.UserPoolId, uc)
		var key strings.Builder
		key.WriteString(uc.Policy + "\x00" + uc.Unknown)
		for _, l := range lines {
			to := l.to
			if l.kind == '!' {
				to = strings.ReplaceAll(to, uc.Username, "\x00") // the same note about another user
			}
			key.WriteString("\x00" + string(l.kind) + l.key + "\x00" + l.from + "\x00" + to)
		}
		g := byKey[key.String()]
		if g == nil {
			g = &userGroup{Unknown: uc.Unknown, Lines: lines}
			if uc.Policy != "" {
				g.Label = "policy " + uc.Policy
			}
			byKey[key.String()] = g
			out = append(out, g)
		}
		g.Users = append(g.Users, uc)
	}
	return out
}

// groupLines is what a group's users share: its lines, with a note about
// one user (an uncertain call) said of each of them.
func (g *userGroup) groupLines() []fieldDiff {
	out := make([]fieldDiff, len(g.Lines))
	for i, l := range g.Lines {
		if l.kind == '!' {
			l.to = strings.ReplaceAll(l.to, g.Users[0].Username, "each of them")
		}
		out[i] = l
	}
	return out
}

// anyLarge reports whether some group is large enough to be shown as one.
func anyLarge(groups []*userGroup) bool {
	for _, g := range groups {
		if len(g.Users) >= groupAtLeast {
			return true
		}
	}
	return false
}

// names lists a group's usernames, at most groupNamesShown of them.
func (g *userGroup) names() string { return g.namesUpTo(groupNamesShown) }

// namesUpTo lists a group's usernames, at most limit of them (all when
// limit is 0).
func (g *userGroup) namesUpTo(limit int) string {
	names := make([]string, len(g.Users))
	for i, u := range g.Users {
		names[i] = u.Username
	}
	return NameList(names, limit)
}
