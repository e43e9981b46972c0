package emulator

// Most handlers start the same way: decode the request, take s.mu, and find
// the pool, or the pool and the user, that the request names. poolCall and
// userCall do that, so each handler states only how it uses the state.

// access is how a handler uses the server's state while it holds s.mu.
type access int

const (
	reads  access = iota // shared: s.mu.RLock
	writes               // exclusive: s.mu.Lock; call s.changed() after a change
)

// lock takes s.mu for a and returns the matching unlock.
func (s *Server) lock(a access) (unlock func()) {
	if a == writes {
		s.mu.Lock()
		return s.mu.Unlock
	}
	s.mu.RLock()
	return s.mu.RUnlock
}

// poolRef and userRef are the members that name what a request is about.
// A request struct embeds one of them, which gives it the methods that
// poolCall and userCall read the names through.
type (
	poolRef struct{ UserPoolId *string }
	userRef struct{ UserPoolId, Username *string }
)

func (r poolRef) poolID() *string   { return r.UserPoolId }
func (r userRef) poolID() *string   { return r.UserPoolId }
func (r userRef) username() *string { return r.Username }

type poolRequest interface{ poolID() *string }

type userRequest interface {
	poolRequest
	username() *string
}

// poolCall decodes a request about one pool into in, takes s.mu for a and
// finds the pool. On success the caller holds s.mu and releases it with
// unlock; on error nothing is held.
func (s *Server) poolCall(c *call, in poolRequest, a access) (p *pool, unlock func(), err error) {
	if err := decode(c, in); err != nil {
		return nil, nil, err
	}
	unlock = s.lock(a)
	p, err = s.lookupPool(c, in.poolID())
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return p, unlock, nil
}

// userCall is poolCall for a request about one user: it finds the pool,
// then the user.
func (s *Server) userCall(c *call, in userRequest, a access) (p *pool, u *user, unlock func(), err error) {
	p, unlock, err = s.poolCall(c, in, a)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err = lookupUser(p, in.username())
	if err != nil {
		unlock()
		return nil, nil, nil, err
	}
	return p, u, unlock, nil
}
