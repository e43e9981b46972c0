package emulator

import "sync"

// Stats are counters per operation and per quota category, and the ordered
// log of calls. Calls counts every call; Throttled those answered
// TooManyRequestsException (by a quota or an injected fault); Failed those
// answered any other error, or dropped.
type Stats struct {
	Operations map[string]Counters
	Categories map[string]Counters
	// Calls lists calls in the order they were answered. It holds no
	// tokens or secrets.
	Calls []CallRecord
	// CallsDropped counts the oldest log entries discarded to keep the
	// log within Options.CallLogLimit.
	CallsDropped int `json:",omitempty"`
}

// Counters count calls of one operation or category.
type Counters struct {
	Calls     int
	Throttled int
	Failed    int
}

// CallRecord is one call: which operation, about which pool and user, the
// error code it was answered with ("" on success; "drop" or "reset" when
// the connection was dropped or reset before the call had any effect;
// "lost" when it had its effect and the answer was then dropped), and
// whether it had its effect (Applied: "" and "lost").
type CallRecord struct {
	Operation  string
	UserPoolId string `json:",omitempty"`
	Username   string `json:",omitempty"`
	Error      string `json:",omitempty"`
	// Signed: the request carried a SigV4 signature (AWS credentials);
	// token-authorised calls need none.
	Signed bool `json:",omitempty"`
	// Applied: the call had its effect (every success, and a lost answer).
	Applied bool `json:",omitempty"`
}

type stats struct {
	limit int

	mu      sync.Mutex
	seq     map[string]uint64 // calls received per operation; never reset
	total   uint64            // calls received, any operation; never reset
	ops     map[string]*Counters
	log     []CallRecord
	dropped int
}

func newStats(limit int) *stats {
	if limit <= 0 {
		limit = 100_000
	}
	return &stats{limit: limit, seq: map[string]uint64{}, ops: map[string]*Counters{}}
}

// begin numbers a call as it arrives: its number among calls of op and
// among all calls, both from 1.
func (st *stats) begin(op string) (opSeq, anySeq uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq[op]++
	st.total++
	return st.seq[op], st.total
}

// count is the number of calls of op received so far ("*": of any operation).
func (st *stats) count(op string) uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if op == "*" {
		return st.total
	}
	return st.seq[op]
}

func (st *stats) end(c *call, code string) CallRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	ctr := st.ops[c.op]
	if ctr == nil {
		ctr = &Counters{}
		st.ops[c.op] = ctr
	}
	ctr.Calls++
	switch code {
	case "":
	case CodeTooManyRequests:
		ctr.Throttled++
	default:
		ctr.Failed++
	}
	if len(st.log) >= st.limit {
		// Drop the oldest half at once, so that appending stays cheap.
		n := len(st.log) / 2
		st.log = append(st.log[:0], st.log[n:]...)
		st.dropped += n
	}
	rec := CallRecord{Operation: c.op, UserPoolId: c.poolID, Username: c.username, Error: code, Signed: c.signed, Applied: c.applied}
	st.log = append(st.log, rec)
	return rec
}

// Stats returns a snapshot of the counters and the call log.
func (s *Server) Stats() Stats {
	st := s.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	out := Stats{
		Operations:   make(map[string]Counters, len(st.ops)),
		Categories:   map[string]Counters{},
		Calls:        append([]CallRecord(nil), st.log...),
		CallsDropped: st.dropped,
	}
	for op, c := range st.ops {
		out.Operations[op] = *c
		if cat := Category(op); cat != "" {
			sum := out.Categories[cat]
			sum.Calls += c.Calls
			sum.Throttled += c.Throttled
			sum.Failed += c.Failed
			out.Categories[cat] = sum
		}
	}
	return out
}

// ResetStats clears the counters and the call log. Scripted faults keep
// counting calls from where they were.
func (s *Server) ResetStats() {
	st := s.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ops = map[string]*Counters{}
	st.log = nil
	st.dropped = 0
}
