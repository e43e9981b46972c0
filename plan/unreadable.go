package plan

import (
	"fmt"
	"strings"
)

// unreadableRemedy is what to do about a member mfactl cannot read.
const unreadableRemedy = "upgrade mfactl (or the AWS SDK it is built with) to a version that knows it; until then mfactl changes nothing here"

// refuseUnreadable refuses every call to a pool or user whose reading is
// not complete: Cognito answered with members the SDK mfactl is built with
// dropped (LivePool.Unreadable, LiveUser.Unreadable), and a write built on
// a partial reading can undo what was not seen (SetUserPoolMfaConfig
// replaces the whole configuration). With no call to refuse, it warns: the
// plan may miss a difference it cannot see.
func (pp *poolPlan) refuseUnreadable() {
	if len(pp.lp.Unreadable) > 0 {
		members := strings.Join(pp.lp.Unreadable, ", ")
		if len(pp.calls) > 0 {
			pp.errorf("not-fully-readable", "", pp.dp.Pos, pp.dp.Path,
				fmt.Sprintf("user pool %s is not fully readable: Cognito's answer holds %s, which mfactl cannot read; nothing is written to it", pp.dp.UserPoolId, members),
				unreadableRemedy)
		} else {
			pp.warnf("partly-read", "", pp.dp.Pos, pp.dp.Path,
				fmt.Sprintf("user pool %s is not fully readable: Cognito's answer holds %s, which mfactl cannot read; the plan cannot show a difference there", pp.dp.UserPoolId, members),
				unreadableRemedy)
		}
	}
	refused := map[string]bool{}
	for _, c := range pp.calls {
		if c.Username == "" || refused[c.Username] {
			continue
		}
		lu := pp.lp.Users[c.Username]
		if lu == nil || len(lu.Unreadable) == 0 {
			continue
		}
		refused[c.Username] = true
		for _, up := range pp.users {
			if up.du.Username == c.Username {
				pp.errorf("not-fully-readable", c.Username, up.du.Pos, up.du.Path,
					fmt.Sprintf("user %s of user pool %s is not fully readable: Cognito's answer holds %s, which mfactl cannot read; nothing is written to the user", c.Username, pp.dp.UserPoolId, strings.Join(lu.Unreadable, ", ")),
					unreadableRemedy)
			}
		}
	}
}
