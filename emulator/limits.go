package emulator

// Provisioned limits (GetProvisionedLimit, UpdateProvisionedLimit; model of
// 2026-07-02): a pool owner's request rate per API category, per account
// and Region. The free value is Cognito's default rate; a raised value
// becomes the category's quota at once.

type limitDefinition struct {
	LimitClass *string
	Attributes map[string]string
}

type limitRequest struct {
	LimitDefinition     *limitDefinition
	RequestedLimitValue *int
}

type provisionedKey struct{ region, category string }

// category returns the category a limit definition names, or an error for
// one the emulator has no quota for.
func (d *limitDefinition) category() (string, error) {
	cat, ok := d.Attributes["Category"]
	if !ok {
		return "", invalidParameter("LimitDefinition.Attributes must name a Category for LimitClass API_CATEGORY.")
	}
	if _, known := categoryRates[cat]; !known {
		return "", invalidParameter("Unknown API category %q; one of %v.", cat, sortedKeys(categoryRates))
	}
	return cat, nil
}

func getProvisionedLimit(s *Server, c *call) (any, error) {
	var in limitRequest
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	cat, err := in.LimitDefinition.category()
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.limitView(in.LimitDefinition, c.region, cat), nil
}

func updateProvisionedLimit(s *Server, c *call) (any, error) {
	var in limitRequest
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	cat, err := in.LimitDefinition.category()
	if err != nil {
		return nil, err
	}
	free := int(categoryRates[cat])
	if *in.RequestedLimitValue < free {
		return nil, invalidParameter("RequestedLimitValue %d is below the free limit of %d for %s.", *in.RequestedLimitValue, free, cat)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.provisioned[provisionedKey{c.region, cat}] = *in.RequestedLimitValue
	s.quotas.setCategoryRate(c.region, cat, float64(*in.RequestedLimitValue))
	s.changed()
	return s.limitView(in.LimitDefinition, c.region, cat), nil
}

// limitView is a Limit as both operations return it. The caller holds s.mu.
func (s *Server) limitView(d *limitDefinition, region, cat string) any {
	free := int(categoryRates[cat])
	value, raised := s.provisioned[provisionedKey{region, cat}]
	if !raised {
		value = free
	}
	return map[string]any{"Limit": map[string]any{
		"LimitDefinition":       d,
		"ProvisionedLimitValue": value,
		"FreeLimitValue":        free,
	}}
}

// setCategoryRate makes rps (before QuotaScale) the quota of a category in
// a Region from now on.
func (q *quotas) setCategoryRate(region, category string, rps float64) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	k := quotaKey{region: region, category: category}
	q.raised[k] = rps
	// The next call makes a fresh bucket at the new rate, with a second's
	// worth of requests in it.
	delete(q.buckets, k)
}

// categoryRate is a category's quota in a Region: the provisioned value if
// raised, else Cognito's default. The caller holds q.mu.
func (q *quotas) categoryRate(region, category string) float64 {
	if r, ok := q.raised[quotaKey{region: region, category: category}]; ok {
		return r
	}
	return categoryRates[category]
}
