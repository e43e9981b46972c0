package usecase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/mfactl/mfactl/internal/cognito"
	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
	"github.com/mfactl/mfactl/internal/token"
	"github.com/mfactl/mfactl/plan"
)

var errTokenWithoutSelf = errors.New("--access-token-file is for files that declare Self (your own MFA settings); these files declare UserPools, which mfactl reads and writes with AWS credentials")

// PlanOptions are the inputs of planning.
type PlanOptions struct {
	Files []string
	Stdin io.Reader // for a file named "-"
	Build plan.Options
	// Targets, if set, narrow the plan to these pools ("POOL_ID") and users
	// ("POOL_ID/USERNAME"): only they are read and planned, and the plan
	// records them as Partial.
	Targets []string
	// ReadProgress, if set, is told how far reading live state has got.
	ReadProgress func(done, total int)
	// AccessToken reads the signed-in user's token, for files that
	// declare Self; it is called only for them, and may return nil.
	// TokenGiven says one was asked for (--access-token-file) rather than
	// looked for in the environment, so that a run without Self refuses it.
	AccessToken func() (*token.Token, error)
	TokenGiven  bool
	// CheckpointDir, if set, is the directory where the users the
	// policies select are kept as they are read (usecase.CheckpointDir is
	// mfactl's), and Resume goes on from the reads kept there; see
	// checkpoint.go.
	CheckpointDir string
	Resume        bool
}

// Planned is the outcome of planning. When the files are invalid, Input
// holds their diagnostics, Plan is nil and nothing was read from Cognito.
// Otherwise Plan is set; it holds error diagnostics when a check against
// live state failed, and the files' own warnings either way.
type Planned struct {
	Input diag.List
	Plan  *plan.Plan
	// CallsMade: PlanApply made some of the plan's calls before the plan
	// was complete.
	CallsMade bool
}

// InputInvalid reports whether planning stopped at the files.
func (p *Planned) InputInvalid() bool { return p.Plan == nil }

// Plan loads the files, reads the live state of what they declare and
// builds the plan. Input errors stop it before any API call. The error is
// for what stopped it from planning at all (no client, a failed read).
func (s *Session) Plan(ctx context.Context, opts PlanOptions) (*Planned, error) {
	in, invalid, err := s.planInput(ctx, opts, false)
	if in == nil {
		return invalid, err
	}
	// A plan keeps only the users it changes (streamed selections), and
	// its reads in a checkpoint for --resume.
	in.stream = true
	if in.checkpoint, err = openCheckpointFor("plan", opts.CheckpointDir, opts.Resume, in.desired, s.now()); err != nil {
		return nil, err
	}
	planned, err := s.planFrom(ctx, in, opts)
	if err != nil {
		return nil, in.checkpoint.stop("plan", err)
	}
	return planned, in.checkpoint.close(true)
}

// planFrom is Plan once the files are loaded and the client made.
func (s *Session) planFrom(ctx context.Context, in *planInput, opts PlanOptions) (*Planned, error) {
	base := 0
	progress := opts.ReadProgress
	if progress != nil {
		progress = func(done, total int) {
			base = total
			opts.ReadProgress(done, total)
		}
	}
	live, err := readLive(ctx, in.client, in.desired, progress)
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	return s.planRead(ctx, in, live, base, opts)
}

// planInput is what planning has before it reads live state.
type planInput struct {
	ctx     context.Context
	desired state.Desired
	diags   diag.List // the files' own warnings
	client  Cognito
	limits  func() []plan.Limit // the provisioned quotas paced at, once read; nil before
	// stream: keep only the users the plan changes (see
	// streamedSelection); checkpoint keeps the reads (nil: none).
	stream     bool
	checkpoint *checkpoint
}

// planInput loads the files and makes the client. A nil planInput ends
// planning: with the files' diagnostics when they are invalid, or an error.
// Unless later is set, the client is set to pace at the provisioned quotas
// before it returns; with later, the caller says when (readLimits,
// readLimitsBeside).
func (s *Session) planInput(ctx context.Context, opts PlanOptions, later bool) (*planInput, *Planned, error) {
	desired, diags, err := loadFiles(ctx, opts.Files, opts.Stdin)
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, &Planned{Input: diags}, nil
	}
	var tok *token.Token
	switch {
	case desired.Self != nil:
		var err error
		if tok, err = readToken(opts.AccessToken); err != nil {
			return nil, nil, err
		}
		if desired, err = resolveSelf(desired, tok, s.now()); err != nil {
			return nil, nil, err
		}
	case opts.TokenGiven:
		return nil, nil, errTokenWithoutSelf
	}
	desired, err = narrow(desired, opts.Targets)
	if err != nil {
		return nil, nil, err
	}
	client, err := s.cognito(ctx, tok)
	if err != nil {
		return nil, nil, err
	}
	in := &planInput{ctx: ctx, desired: desired, diags: diags, client: client, limits: func() []plan.Limit { return nil }}
	if !later {
		in.readLimits()
	}
	return in, nil, nil
}

// readLimits sets the client to pace at the provisioned quotas.
func (in *planInput) readLimits() {
	limits := useProvisionedLimits(in.ctx, in.client, in.desired, runCategories)
	in.limits = func() []plan.Limit { return limits }
}

// readLimitsBeside is readLimits while the caller's reads go on, at
// Cognito's default quotas until then, which no provisioned quota is below.
func (in *planInput) readLimitsBeside() {
	var limits []plan.Limit
	read := make(chan struct{})
	go func() {
		defer close(read)
		limits = useProvisionedLimits(in.ctx, in.client, in.desired, runCategories)
	}()
	in.limits = func() []plan.Limit {
		<-read
		return limits
	}
}

// planRead builds the plan from the live state read: the policies'
// selections are read (their progress counted from base), TOTP
// registrations decided where they can be, then Build.
func (s *Session) planRead(ctx context.Context, in *planInput, live state.Live, base int, opts PlanOptions) (*Planned, error) {
	client := in.client
	streamed, err := readSelections(ctx, client, in.desired, live, base, opts.ReadProgress, readOptions{stream: in.stream, build: opts.Build, checkpoint: in.checkpoint})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	p, authFactors, err := decideTOTP(ctx, client, live, func(live state.Live) *plan.Plan { return plan.Build(in.desired, live, opts.Build) })
	if err != nil {
		return nil, err
	}
	addInSync(p, streamed)
	if limits := in.limits(); len(limits) > 0 || authFactors.Calls > 0 || len(authFactors.Notes) > 0 {
		p.Reads = &plan.Reads{Limits: limits, AuthFactors: authFactors}
	}
	fullUpdateRequests(p, live)
	p.Partial = slices.Clone(opts.Targets)
	p.Created = s.now()
	// The files' own warnings travel with the plan, so every view shows them once.
	p.Diagnostics = append(slices.Clone(in.diags), p.Diagnostics...)
	p.Diagnostics.Sort()
	return &Planned{Plan: p}, nil
}

// fullUpdateRequests gives each UpdateUserPool call the complete request it
// would send against the pool as read (for -o cli), secrets masked.
func fullUpdateRequests(p *plan.Plan, live state.Live) {
	for i, c := range p.Calls {
		lp := live.Pools[c.UserPoolId]
		if c.PostureRequest == nil || lp == nil || lp.UpdateBase == nil {
			continue
		}
		req := cognito.UpdateRequest(c.UserPoolId, lp.UpdateBase, *c.PostureRequest)
		if sms, ok := req["SmsConfiguration"].(map[string]any); ok && sms["ExternalId"] != nil {
			sms["ExternalId"] = state.SecretMarker
		}
		p.Calls[i].FullRequest = req
	}
}
