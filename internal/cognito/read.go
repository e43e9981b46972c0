package cognito

import (
	"context"
	"reflect"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/mfactl/mfactl/internal/state"
)

// ReadLive reads what rs names: per pool GetUserPoolMfaConfig and
// DescribeUserPool, then AdminGetUser for each listed user, concurrently and
// paced by the quota buckets. A user's reads start as soon as its pool has
// been read, so pools and users overlap.
//
// A pool that does not exist is returned with Exists false and its users are
// not read; a user that does not exist, with Exists false. Any other failure
// is collected: the result then holds everything that could be read and the
// error is a *ReadError naming every pool and user that could not. If ctx
// ends, ReadLive stops at once and returns ctx's error.
//
// progress, if not nil, is called with (0, total) first and then after each
// pool or user, never concurrently (keep it quick: reads wait on it);
// total counts pools plus users.
func (c *Client) ReadLive(ctx context.Context, rs state.ReadSet, progress func(done, total int)) (state.Live, error) {
	r := &liveRead{client: c, progress: progress, live: state.Live{Pools: map[string]*state.LivePool{}}}
	poolIDs := make([]string, 0, len(rs))
	users := map[string][]string{}
	for id, names := range rs {
		poolIDs = append(poolIDs, id)
		users[id] = uniq(names)
		r.total += 1 + len(users[id])
	}
	sort.Strings(poolIDs)
	r.advance(0)

	type userJob struct {
		pool     *state.LivePool
		username string
	}
	jobs := make(chan userJob)
	var workers sync.WaitGroup
	for range min(c.readers, r.total-len(poolIDs)) {
		workers.Go(func() {
			for j := range jobs {
				r.readUser(ctx, j.pool, j.username)
			}
		})
	}

	poolSlots := make(chan struct{}, c.concurrency)
	var pools sync.WaitGroup
	for _, id := range poolIDs {
		pools.Go(func() {
			select {
			case poolSlots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			pool := r.readPool(ctx, id, len(users[id]))
			<-poolSlots
			if pool == nil || !pool.Exists {
				return
			}
			for _, name := range users[id] {
				select {
				case jobs <- userJob{pool, name}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	pools.Wait()
	close(jobs)
	workers.Wait()

	if err := ctx.Err(); err != nil {
		return state.Live{}, err
	}
	if stopped := c.stopped.Load(); stopped != nil {
		return state.Live{}, stopped
	}
	if len(r.failures) > 0 {
		sortFailures(r.failures)
		return r.live, &ReadError{Failures: r.failures, Skipped: r.skipped}
	}
	return r.live, nil
}

// liveRead is the state of one ReadLive call.
type liveRead struct {
	client   *Client
	progress func(done, total int)

	mu          sync.Mutex // guards everything below, and every LivePool.Users
	live        state.Live
	failures    []*CallError
	skipped     int
	done, total int
}

// readPool reads one pool; it returns nil when the pool could not be read.
// userCount is how many users hang on it, for progress and accounting.
func (r *liveRead) readPool(ctx context.Context, id string, userCount int) *state.LivePool {
	c := r.client
	api, err := c.api(id)
	if err != nil {
		r.fail(&CallError{Operation: "GetUserPoolMfaConfig", UserPoolId: id, Message: err.Error(),
			Meaning: "a user pool ID is its Region, an underscore and an ID, e.g. eu-west-1_AbCdEf123"}, userCount)
		return nil
	}
	var mfa *cip.GetUserPoolMfaConfigOutput
	var mfaRaw, describedRaw []byte
	err = c.withRetries(ctx, "GetUserPoolMfaConfig", id, "", func() (err error) {
		mfa, err = api.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(id)}, withRawBody(&mfaRaw))
		return err
	})
	if err != nil {
		return r.poolError(ctx, "GetUserPoolMfaConfig", id, err, userCount)
	}
	var described *cip.DescribeUserPoolOutput
	err = c.withRetries(ctx, "DescribeUserPool", id, "", func() (err error) {
		described, err = api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)}, withRawBody(&describedRaw))
		return err
	})
	if err != nil {
		return r.poolError(ctx, "DescribeUserPool", id, err, userCount)
	}
	pool := &state.LivePool{
		UserPoolId:    id,
		Exists:        true,
		Config:        livePoolConfig(mfa, eumsFromMfaConfig(mfaRaw)),
		Prerequisites: prerequisites(described.UserPool, eumsFromDescribe(describedRaw)),
		Posture:       livePosture(described.UserPool),
		Users:         map[string]*state.LiveUser{},
		Unreadable: append(unreadable("GetUserPoolMfaConfig", droppedMembers(mfaRaw, reflect.TypeFor[cip.GetUserPoolMfaConfigOutput]())),
			unreadable("DescribeUserPool", droppedMembers(describedRaw, reflect.TypeFor[cip.DescribeUserPoolOutput]()))...),
	}
	if len(pool.Unreadable) == 0 {
		pool.Unreadable = nil
	}
	if described.UserPool != nil {
		pool.EstimatedUsers = int(described.UserPool.EstimatedNumberOfUsers)
		if in, err := updateRequest(id, described.UserPool); err == nil {
			pool.UpdateBase = requestJSON(in)
		}
		pool.LastModified = aws.ToTime(described.UserPool.LastModifiedDate)
	}
	r.mu.Lock()
	r.live.Pools[id] = pool
	r.mu.Unlock()
	r.advance(1)
	return pool
}

// poolError records a pool that could not be read, or that does not exist.
func (r *liveRead) poolError(ctx context.Context, operation, id string, err error, userCount int) *state.LivePool {
	if ctx.Err() != nil {
		return nil
	}
	if errorCode(err) == "ResourceNotFoundException" {
		pool := &state.LivePool{UserPoolId: id, Users: map[string]*state.LiveUser{}}
		r.mu.Lock()
		r.live.Pools[id] = pool
		r.mu.Unlock()
		r.advance(1 + userCount)
		return pool
	}
	r.fail(newCallError(operation, id, "", err), userCount)
	return nil
}

func (r *liveRead) readUser(ctx context.Context, pool *state.LivePool, username string) {
	user, err := r.client.readUser(ctx, pool.UserPoolId, username, pool.Config.MfaConfiguration)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		r.fail(err, 0)
		return
	}
	r.mu.Lock()
	pool.Users[username] = user
	r.mu.Unlock()
	r.advance(1)
}

// readUser reads one user with AdminGetUser; a user that does not exist is
// returned with Exists false. poolMode decides what an empty MFA list means.
func (c *Client) readUser(ctx context.Context, poolID, username string, poolMode state.Mode) (*state.LiveUser, *CallError) {
	api, err := c.api(poolID)
	if err != nil {
		return nil, newCallError("AdminGetUser", poolID, username, err)
	}
	var out *cip.AdminGetUserOutput
	var raw []byte
	err = c.withRetries(ctx, "AdminGetUser", poolID, username, func() (err error) {
		out, err = api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)}, withRawBody(&raw))
		return err
	})
	switch {
	case errorCode(err) == "UserNotFoundException":
		return &state.LiveUser{Username: username}, nil
	case err != nil:
		return nil, newCallError("AdminGetUser", poolID, username, err)
	}
	user := liveUser(username, out, poolMode)
	setLegacyOptions(&user, out.MFAOptions, out.UserMFASettingList)
	if dropped := droppedMembers(raw, reflect.TypeFor[cip.AdminGetUserOutput]()); len(dropped) > 0 {
		user.Unreadable = unreadable("AdminGetUser", dropped)
	}
	return &user, nil
}

// fail records a failure; skippedUsers are users not read because of it.
func (r *liveRead) fail(e *CallError, skippedUsers int) {
	r.mu.Lock()
	r.failures = append(r.failures, e)
	r.skipped += skippedUsers
	r.mu.Unlock()
	r.advance(1 + skippedUsers)
}

func (r *liveRead) advance(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done += n
	if r.progress != nil {
		r.progress(r.done, r.total)
	}
}

// uniq drops repeated names, keeping the first of each.
func uniq(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
