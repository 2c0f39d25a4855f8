package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"regexp"
	"slices"
	"strconv"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
)

// sink receives findings: the engine itself, or one rapid example (whose findings count only
// if it is the minimal failing one).
type sink interface{ add(Finding) }

// perResponse are the rules checked on every observation, whatever workflow sent it.
var perResponse = map[rules.ID]bool{
	rules.StatusNo5XX: true, rules.StatusDocumented: true, rules.SchemaContentType: true, rules.SchemaBody: true,
	rules.RateHeadersPresent: true, rules.RateHeadersFormat: true, rules.TransportAnswer: true,
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// finding builds a finding about an observation.
func (e *Engine) finding(rule rules.ID, o *client.Observation, format string, args ...any) Finding {
	f := Finding{Rule: rule, Message: fmt.Sprintf(format, args...), Request: o.Request.String(), Curl: e.cl.Curl(o.Request), Status: o.Status}
	if o.Err == nil {
		f.Excerpt = o.Excerpt(300)
	}
	return f
}

// inspect applies the per-response rules to one observation and reports to s. It returns
// whether the observation is a usable HTTP answer.
func (e *Engine) inspect(o *client.Observation, s sink) bool {
	e.judged(rules.TransportAnswer)
	if o.Err != nil {
		s.add(e.finding(rules.TransportAnswer, o, "expected a complete HTTP answer, got %s", o.Err))
		return false
	}
	if o.Truncated {
		s.add(e.finding(rules.TransportAnswer, o, "expected a body under the cap, got more than %d bytes", e.cl.Config().MaxBody))
		return false
	}
	if o.Status >= 300 && o.Status < 400 {
		s.add(e.finding(rules.TransportAnswer, o, "expected no redirect (the API has none), got %d to %q", o.Status, o.Header.Get("Location")))
		return false
	}
	e.mu.Lock()
	e.status[o.Status]++
	e.mu.Unlock()
	e.judged(rules.StatusNo5XX, rules.StatusDocumented)
	if o.Status >= 500 {
		s.add(e.finding(rules.StatusNo5XX, o, "expected no 5xx for a request a client can send, got %d", o.Status))
	}
	resp := e.c.Response(o.Status)
	if resp == nil {
		if !o.Request.Open || o.Status >= 500 {
			s.add(e.finding(rules.StatusDocumented, o, "expected one of the documented statuses %v, got %d", e.c.Statuses, o.Status))
		}
		return true
	}
	if resp.MediaType != "" {
		e.judged(rules.SchemaContentType)
		if mt := o.MediaType(); mt != resp.MediaType {
			s.add(e.finding(rules.SchemaContentType, o, "expected Content-Type %s, got %q", resp.MediaType, o.Header.Get("Content-Type")))
		}
	}
	if resp.HasSchema() {
		e.judged(rules.SchemaBody)
		if o.JSON == nil {
			s.add(e.finding(rules.SchemaBody, o, "expected a JSON body for %d, got invalid JSON (%v)", o.Status, o.JSONErr))
		} else if vs := resp.Validate(o.JSON, 3); len(vs) > 0 {
			f := e.finding(rules.SchemaBody, o, "expected the body to match the %d schema (%s), got: %s", o.Status, resp.Pointer, vs[0])
			f.Path, f.Value = vs[0].Path, valueAt(o.JSON, vs[0].Path)
			for _, v := range vs[1:] {
				f.Message += "; " + v.String()
			}
			s.add(f)
		}
	}
	if o.Status == e.c.SuccessStatus() {
		if o.Request.Key.Kind == client.KeyValid {
			e.served.Store(o.Request.Query(), true)
		}
		e.inspectRateHeaders(o, s)
		e.inspectPage(o, s)
	}
	return true
}

// inspectPage applies the per-page invariants to every 200 page, whatever sent it: a page holds
// at most limit items (the default when limit is omitted), and every item honours every filter
// of its request (FILTER-HONOURED on a first page, PAGE-FILTERS-KEPT on a page reached with a
// cursor). Requests with a parameter repeated or outside its schema are not judged here (their
// status is other rules' business).
func (e *Engine) inspectPage(o *client.Observation, s sink) {
	r := o.Request
	seen := map[string]bool{}
	for _, p := range r.Params {
		cp := e.c.Param(p.Name)
		if seen[p.Name] || cp == nil || !cp.Valid(p.Value) {
			return
		}
		seen[p.Name] = true
	}
	pg := e.readPage(o)
	if pg.shapeErr != "" {
		return
	}
	if limit := e.effectiveLimit(r); limit > 0 {
		e.judged(rules.PageLimit)
		if len(pg.items) > limit {
			s.add(e.finding(rules.PageLimit, o, "expected at most %d items on a page, got %d", limit, len(pg.items)))
		}
	}
	filtered := false
	for _, p := range e.c.Filters() {
		if _, ok := r.Get(p.Name); ok {
			filtered = true
		}
	}
	if !filtered || r.Open {
		return
	}
	rule, where := rules.FilterHonoured, "the first page"
	if cur := e.c.Cursor(); cur != nil {
		if _, ok := r.Get(cur.Name); ok {
			rule, where = rules.PageFiltersKept, "a page reached with a cursor"
		}
	}
	e.judged(rule)
	for i, it := range pg.items {
		if e.matches(it, r) != no {
			continue
		}
		f := e.finding(rule, o, "expected every item on %s to honour %s, got %s=%q that does not (%s)",
			where, r.String(), e.c.Page.IDField, pg.ids[i], e.describeFields(it, r))
		f.Path, f.Value = e.offendingField(it, r, i)
		s.add(f)
		if rule == rules.PageFiltersKept {
			e.followUp(r, it)
		}
		return
	}
}

func (e *Engine) inspectRateHeaders(o *client.Observation, s sink) {
	rl := e.c.RateLimit
	if rl.Limit == "" {
		return
	}
	lim, rem := o.Header.Values(rl.Limit), o.Header.Values(rl.Remaining)
	e.judged(rules.RateHeadersPresent)
	if len(lim) > 0 || len(rem) > 0 {
		e.judged(rules.RateHeadersFormat)
	}
	if len(lim) == 0 || len(rem) == 0 {
		s.add(e.finding(rules.RateHeadersPresent, o, "expected both %s and %s on %d, got %s=%q %s=%q",
			rl.Limit, rl.Remaining, o.Status, rl.Limit, lim, rl.Remaining, rem))
	}
	if len(lim) > 1 || len(rem) > 1 {
		s.add(e.finding(rules.RateHeadersFormat, o, "expected one value per rate-limit header, got %s=%q %s=%q", rl.Limit, lim, rl.Remaining, rem))
		return
	}
	if len(lim) == 0 || len(rem) == 0 {
		for name, v := range map[string][]string{rl.Limit: lim, rl.Remaining: rem} {
			if len(v) == 1 && !digits.MatchString(v[0]) {
				s.add(e.finding(rules.RateHeadersFormat, o, "expected %s to be decimal digits, got %q", name, v[0]))
			}
		}
		return
	}
	if !digits.MatchString(lim[0]) || !digits.MatchString(rem[0]) {
		s.add(e.finding(rules.RateHeadersFormat, o, "expected decimal digits, got %s=%q %s=%q", rl.Limit, lim[0], rl.Remaining, rem[0]))
		return
	}
	l, err1 := strconv.ParseUint(lim[0], 10, 64)
	r, err2 := strconv.ParseUint(rem[0], 10, 64)
	if err1 == nil && err2 == nil && r > l {
		s.add(e.finding(rules.RateHeadersFormat, o, "expected %s <= %s, got %d > %d", rl.Remaining, rl.Limit, r, l))
	}
}

// remaining reads the remaining-count header of a 200 (ok false when absent or malformed).
func (e *Engine) remaining(o *client.Observation) (uint64, bool) {
	if e.c.RateLimit.Remaining == "" || o.Status != e.c.SuccessStatus() {
		return 0, false
	}
	v := o.Header.Get(e.c.RateLimit.Remaining)
	if !digits.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// limitHeader reads the limit header of a response (ok false when absent or malformed).
func (e *Engine) limitHeader(o *client.Observation) (uint64, bool) {
	v := o.Header.Get(e.c.RateLimit.Limit)
	if e.c.RateLimit.Limit == "" || !digits.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// servedValid reports whether the valid key was already answered 200 for the query of r: a
// response cache keyed by the URL now holds that page.
func (e *Engine) servedValid(r client.Request) bool {
	_, ok := e.served.Load(r.Query())
	return ok
}

// maxFollowUps bounds the first pages asked for after items on cursor pages broke their filters.
const maxFollowUps = 3

// followUp records, for an item a cursor page returned although it does not honour the walk's
// filters, the first page of the same filters narrowed to the item's own equality values: if the
// server returns the item there too, the filter itself is wrong (FILTER-HONOURED), not only the
// later pages (PAGE-FILTERS-KEPT). Sent once every workflow has run (see Start).
func (e *Engine) followUp(r client.Request, it map[string]any) {
	q := base()
	for _, p := range r.Params {
		if cur := e.c.Cursor(); cur == nil || p.Name != cur.Name {
			q = q.With(p.Name, p.Value)
		}
	}
	for _, p := range e.c.Filters() {
		if p.Role != contract.RoleEquals {
			continue
		}
		if _, set := q.Get(p.Name); set {
			continue
		}
		if v, ok := fieldAt(it, p.Field); ok {
			if sv, isStr := v.(string); isStr && p.Valid(sv) {
				q = q.With(p.Name, sv)
			}
		}
	}
	if ps := e.c.PageSize(); ps != nil && ps.Maximum != nil {
		q = q.With(ps.Name, strconv.Itoa(int(*ps.Maximum)))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.followUps) < maxFollowUps && !slices.ContainsFunc(e.followUps, func(f client.Request) bool { return f.Query() == q.Query() }) {
		e.followUps = append(e.followUps, q)
	}
}

// sendFollowUps sends the first pages followUp recorded; inspect judges them like any first page.
func (e *Engine) sendFollowUps(ctx context.Context) {
	e.mu.Lock()
	qs := slices.Clone(e.followUps)
	e.mu.Unlock()
	ctx = client.WithTag(ctx, rules.FilterHonoured)
	for _, q := range qs {
		if _, _, err := e.send(ctx, e, q); err != nil {
			return
		}
	}
}
