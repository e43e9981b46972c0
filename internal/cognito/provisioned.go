package cognito

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// LimitUsed is the request rate a run paces one category at in one Region,
// and where it comes from.
type LimitUsed struct {
	Region   string
	Category Category
	RPS      float64
	// Source is LimitProvisioned (GetProvisionedLimit), LimitFlag
	// (--rate) or LimitDefault (Cognito's default quota).
	Source string
	// Note says, in one line, why a default is used (the quota could not
	// be read); empty otherwise.
	Note string `json:",omitempty"`
}

const (
	LimitProvisioned = "provisioned"
	LimitFlag        = "--rate"
	LimitDefault     = "default"
)

// provisionedCache holds what GetProvisionedLimit answered in this run, by
// Region and category: it is asked once per run.
type provisionedCache struct {
	mu   sync.Mutex
	used map[limitKey]LimitUsed
}

// UseProvisionedLimits reads, once per run, the quota of each category in
// each Region with GetProvisionedLimit, and paces the category at it. A
// category given with --rate keeps that rate and is not asked. When
// Cognito denies the call or does not know it, the default is used, and
// the answer says so in its Note (one per Region). Any other failure also
// falls back to the default and is noted. The answer lists every
// (Region, category), sorted. A client that does not pace (NewWithAPI)
// asks nothing and returns nil.
func (c *Client) UseProvisionedLimits(ctx context.Context, regions []string, categories []Category) []LimitUsed {
	if c.quotas == nil || c.token != nil { // not paced, or self-service: no IAM credentials to ask with
		return nil
	}
	var out []LimitUsed
	for _, region := range regions {
		unavailable := ""
		for _, category := range categories {
			key := limitKey{region, category}
			c.provisioned.mu.Lock()
			used, cached := c.provisioned.used[key]
			c.provisioned.mu.Unlock()
			if !cached {
				used = c.provisionedLimit(ctx, region, category, &unavailable)
				c.provisioned.mu.Lock()
				if c.provisioned.used == nil {
					c.provisioned.used = map[limitKey]LimitUsed{}
				}
				c.provisioned.used[key] = used
				c.provisioned.mu.Unlock()
			}
			out = append(out, used)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Category < out[j].Category
	})
	return out
}

// provisionedLimit decides one category's rate in a Region. Once a
// Region's quotas proved unreadable (*unavailable set), the others are not
// asked.
func (c *Client) provisionedLimit(ctx context.Context, region string, category Category, unavailable *string) LimitUsed {
	used := LimitUsed{Region: region, Category: category, RPS: c.quotas.rates[category], Source: LimitDefault}
	if c.rateGiven[category] {
		used.Source = LimitFlag
		return used
	}
	if *unavailable != "" {
		return used
	}
	limit, err := c.GetProvisionedLimit(ctx, region, category)
	switch {
	case ctx.Err() != nil:
		return used
	case err != nil && authFactorsUnavailable(err):
		*unavailable = errorCodeOf(err)
		used.Note = fmt.Sprintf("GetProvisionedLimit is not available in %s (%s): pacing at Cognito's default quotas; --rate sets others", region, *unavailable)
		return used
	case err != nil:
		used.Note = fmt.Sprintf("could not read the provisioned %s quota in %s (%v): pacing at the default", category, region, err)
		return used
	case limit.Provisioned <= 0:
		return used
	}
	used.RPS, used.Source = float64(limit.Provisioned), LimitProvisioned
	c.quotas.setRate(region, category, used.RPS)
	return used
}
