package plan

// HasChanges reports whether applying p would call Cognito.
func (p *Plan) HasChanges() bool { return len(p.Calls) > 0 }

// CallCounts returns how many calls p makes of each operation.
func (p *Plan) CallCounts() map[Operation]int {
	counts := map[Operation]int{}
	for _, c := range p.Calls {
		counts[c.Operation]++
	}
	return counts
}

// UncertainCalls returns how many of p's calls Cognito may refuse for a
// reason reads cannot show (Call.Uncertain).
func (p *Plan) UncertainCalls() int {
	n := 0
	for _, c := range p.Calls {
		if c.Uncertain != "" {
			n++
		}
	}
	return n
}

// UsersInSync returns how many declared users need no call.
func (p *Plan) UsersInSync() int {
	n := 0
	for _, pc := range p.Pools {
		n += pc.UsersInSync
	}
	return n
}

// PoolsInSync returns how many pools need no call at all.
func (p *Plan) PoolsInSync() int {
	n := 0
	for _, pc := range p.Pools {
		if pc.InSync() {
			n++
		}
	}
	return n
}

// InSync reports whether neither the pool nor any of its declared users
// changes.
func (pc PoolChange) InSync() bool {
	return pc.Desired == nil && pc.Posture == nil && len(pc.Users) == 0 && (pc.LegacyMigration == nil || pc.LegacyMigration.Migrated == 0)
}

// Changing returns how many pools' configurations and how many users p's
// calls change: a pool called twice (widened, then narrowed) counts once.
func (p *Plan) Changing() (pools, users int) {
	seenPools := map[string]bool{}
	seenUsers := map[[2]string]bool{}
	for _, c := range p.Calls {
		if c.Username == "" {
			seenPools[c.UserPoolId] = true
		} else {
			seenUsers[[2]string{c.UserPoolId, c.Username}] = true
		}
	}
	return len(seenPools), len(seenUsers)
}
