package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mfactl/mfactl/internal/state"
)

// UserSelection says which users of a pool import writes: none, all, the
// members of one group, or the users named.
type UserSelection struct {
	All   bool
	Group string   // members of this group (ListUsersInGroup)
	Names []string // these users, in this order
}

// None reports whether the selection takes no user.
func (s UserSelection) None() bool { return !s.All && s.Group == "" && len(s.Names) == 0 }

// String is the selection as --users spells it.
func (s UserSelection) String() string {
	switch {
	case s.All:
		return "all"
	case s.Group != "":
		return "group:" + s.Group
	case len(s.Names) > 0:
		return strings.Join(s.Names, ",")
	}
	return "none"
}

// ParseUserSelection reads --users: none, all, group:NAME or NAME,NAME...
func ParseUserSelection(s string) (UserSelection, error) {
	switch s = strings.TrimSpace(s); {
	case s == "" || s == "none":
		return UserSelection{}, nil
	case s == "all":
		return UserSelection{All: true}, nil
	case strings.HasPrefix(s, "group:"):
		group := strings.TrimPrefix(s, "group:")
		if group == "" {
			return UserSelection{}, errors.New("--users group: needs a group name, e.g. group:admins")
		}
		return UserSelection{Group: group}, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			return UserSelection{}, fmt.Errorf("--users %q has an empty username; use none, all, group:NAME or NAME,NAME", s)
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return UserSelection{Names: names}, nil
}

// ImportSink receives what import reads, in order: for each pool its
// configuration, then its users one page at a time, then its end. Import
// holds no user beyond the page it hands over, so a sink that writes each
// page out keeps memory flat however large the pool.
type ImportSink interface {
	BeginPool(pool *state.LivePool) error
	Users(poolID string, users []*state.LiveUser) error
	EndPool(poolID string) error
}

// ImportOptions are the inputs of import.
type ImportOptions struct {
	PoolIDs []string
	Users   UserSelection
	// Progress, if set, is told after each page how many users of a pool
	// have been handed to the sink.
	Progress func(poolID string, users int)
}

// Import reads the live MFA state of each pool, and of the users selected,
// and hands it to sink: the configuration that, written as a desired-state
// file, plans to no change. A pool or named user that does not exist is an
// error, as is any failed read; what the sink received until then stays.
func (s *Session) Import(ctx context.Context, opts ImportOptions, sink ImportSink) error {
	if len(opts.PoolIDs) == 0 {
		return errors.New("import needs at least one --user-pool-id")
	}
	client, err := s.cognito(ctx, nil)
	if err != nil {
		return err
	}
	for _, id := range opts.PoolIDs {
		if err := s.importPool(ctx, client, id, opts, sink); err != nil {
			return err
		}
	}
	return nil
}

// importReading is what importing a pool needs: its configuration, then
// its users page by page.
type importReading interface {
	LiveReader
	Importing
}

func (s *Session) importPool(ctx context.Context, client importReading, id string, opts ImportOptions, sink ImportSink) error {
	live, err := client.ReadLive(ctx, state.ReadSet{id: nil}, nil)
	if err != nil {
		return fmt.Errorf("reading user pool %s: %w", id, err)
	}
	pool := live.Pools[id]
	if pool == nil || !pool.Exists {
		return fmt.Errorf("user pool %s does not exist (or these credentials cannot see it in %s)", id, state.Region(id))
	}
	if pool.Posture.ThreatProtection() != state.ThreatProtectionOff {
		if err := importRisk(ctx, client, pool); err != nil {
			return err
		}
	}
	if err := sink.BeginPool(pool); err != nil {
		return err
	}
	mode := pool.Config.MfaConfiguration
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Listing runs ahead of reading, and a few pages are read at once, so
	// that neither waits for the other; pages reach the sink in order, and
	// at most pagesAhead of them are held.
	pages := make(chan *importPage, pagesAhead)
	var listErr error
	go func() {
		defer close(pages)
		read := func(names []string) error {
			p := &importPage{done: make(chan struct{})}
			names = slices.Clone(names)
			go func() {
				defer close(p.done)
				p.users, p.err = client.ReadUsers(ctx, id, mode, names)
			}()
			select {
			case pages <- p:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		sel := opts.Users
		switch {
		case sel.All || sel.Group != "":
			listErr = client.ListUsers(ctx, id, sel.Group, read)
		case len(sel.Names) > 0:
			for start := 0; start < len(sel.Names) && listErr == nil; start += importPageSize {
				listErr = read(sel.Names[start:min(start+importPageSize, len(sel.Names))])
			}
		}
	}()

	written := 0
	for p := range pages {
		<-p.done
		if err := s.importedPage(id, p, sink); err != nil {
			cancel()
			for p := range pages { // let the lister and the reads in flight end
				<-p.done
			}
			return err
		}
		written += len(p.users)
		if opts.Progress != nil {
			opts.Progress(id, written)
		}
	}
	if listErr != nil {
		return listErr
	}
	return sink.EndPool(id)
}

// riskImporting is what importing risk configurations needs.
type riskImporting interface {
	RiskReading
	ListAppClients(ctx context.Context, poolID string) ([]string, error)
}

// importRisk reads the risk configurations of a pool with threat
// protection (they exist only with it): the pool's, and those of its app
// clients, listed. A client without its own configuration is left out (it
// follows the pool's). What cannot be read is left unmanaged, and the file
// says so; only a cancelled run stops the import.
func importRisk(ctx context.Context, client riskImporting, pool *state.LivePool) error {
	if err := client.ReadRisk(ctx, pool, true, nil); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pool.RiskUnread = err.Error()
	}
	clients, err := client.ListAppClients(ctx, pool.UserPoolId)
	if err == nil {
		err = client.ReadRisk(ctx, pool, false, clients)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pool.ClientsUnread = err.Error()
		pool.Posture.AppClients = nil
		return nil
	}
	own := pool.Posture.AppClients[:0]
	for _, c := range pool.Posture.AppClients {
		if c.Exists && c.RiskConfiguration != nil {
			own = append(own, c)
		}
	}
	pool.Posture.AppClients = own
	return nil
}

// importPage is one page of users being read.
type importPage struct {
	done  chan struct{} // closed once users and err are set
	users []*state.LiveUser
	err   error
}

// pagesAhead is how many listed pages import holds for reading: enough
// that one page's last reads overlap the next page's first and that a slow
// listing page does not leave the readers idle; a few hundred users.
const pagesAhead = 8

// importedPage checks a page that has been read and hands it to the sink.
func (s *Session) importedPage(id string, p *importPage, sink ImportSink) error {
	if p.err != nil {
		return fmt.Errorf("reading users of %s: %w", id, p.err)
	}
	for _, u := range p.users {
		if !u.Exists {
			return fmt.Errorf("user %s does not exist in user pool %s", u.Username, id)
		}
	}
	return sink.Users(id, p.users)
}

// importPageSize is how many named users import reads before handing them
// on: a list page's worth, as for listed users.
const importPageSize = 60
