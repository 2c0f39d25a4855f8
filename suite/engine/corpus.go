package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// corpus is what the run knows of the data without ever walking the whole listing: the items
// of the first pages of the unfiltered listing (values for the generators, a real cursor) and
// the slice, the widest set of filters found whose listing fits sliceWalkPages pages, walked
// whole. The completeness rules hold refinements of the slice (its filters plus more, or a
// tighter bound) to the slice; every other rule judges each page it sees. The same rules
// therefore run at the same strength at 0, 180, 25,000 and 1,000,000 payouts, and memory is
// bounded by sliceWalkPages pages whatever the listing's size.
type corpus struct {
	filters   client.Request            // the slice's filters (valid key, no page size)
	ids       []string                  // the slice's items, in the order returned
	byID      map[string]map[string]any // the slice's items by id
	complete  bool                      // a slice was walked to its end
	why       string                    // why there is no slice, when there is none
	pageSize  client.Param              // the page size the walks use ({} when the default)
	cursor    string                    // the first nextCursor the run met (a real cursor, for probes)
	head      []map[string]any          // items of the first pages of the unfiltered listing
	pool      generators.Pool           // values and instants of every item seen
	slicePool generators.Pool           // values and instants of the slice's items
	err       error
}

// sliceWalkPages bounds every walk that looks for the slice (at 100 items a page: 500 items).
const sliceWalkPages = 5

// maxAnchors bounds the items whose own period windows are tried as slices.
const maxAnchors = 6

// base is a request with the valid key and the given parameters.
func base(params ...client.Param) client.Request {
	return client.Request{Params: params, Key: client.Key{Kind: client.KeyValid}}
}

// getCorpus walks the head of the listing and finds the slice, once per engine.
func (e *Engine) getCorpus(ctx context.Context) *corpus {
	e.corpusM.Lock()
	defer e.corpusM.Unlock()
	if e.corpus != nil {
		return e.corpus
	}
	c := &corpus{byID: map[string]map[string]any{}}
	e.corpus = c
	ctx = client.WithTag(ctx, "corpus")
	req := base()
	limit := 0
	if ps := e.c.PageSize(); ps != nil && ps.Maximum != nil {
		limit = int(*ps.Maximum)
		req = req.With(ps.Name, strconv.Itoa(limit))
	}
	w, err := e.walk(ctx, e, req, walkOpts{maxPages: sliceWalkPages, limit: limit})
	if err == nil && w.rejected != nil && w.pages == 0 && limit > 0 {
		// the largest page size was refused (PARAM-LIMIT-BOUNDS says so): the default still
		// gives the filter and pagination rules their slices
		d, _ := e.c.PageSize().DefaultInt()
		req, limit = base(), d
		w, err = e.walk(ctx, e, req, walkOpts{maxPages: sliceWalkPages, limit: limit})
	}
	if ps := e.c.PageSize(); ps != nil {
		if v, ok := req.Get(ps.Name); ok {
			c.pageSize = client.Param{Name: ps.Name, Value: v}
		}
	}
	c.err, c.cursor, c.head = err, w.cursor, w.items
	seen := slices.Clone(w.items)
	switch {
	case err != nil:
	case w.done:
		c.take(base(), w)
	case w.rejected != nil || w.stuck:
		c.why = "the unfiltered listing could not be walked (see the pagination rules)"
	default:
		// the head is the newest data: read a page of older data too, so slices, lookups and
		// per-page checks also reach rows whose age a fault may depend on
		older, err := e.olderPages(ctx, c)
		c.head = append(c.head, older...)
		seen = append(seen, older...)
		if c.err = err; err == nil {
			c.err = e.findSlice(ctx, c, &seen)
		}
	}
	c.pool, c.slicePool = e.poolFrom(seen), e.poolFrom(c.sliceItems())
	return c
}

// Slice describes the slice the completeness rules were judged on (or why there is none), ""
// before the listing was read.
func (e *Engine) Slice() string {
	e.corpusM.Lock()
	defer e.corpusM.Unlock()
	c := e.corpus
	switch {
	case c == nil:
		return ""
	case !c.complete:
		return "none: " + c.why
	case len(c.filters.Params) == 0:
		return fmt.Sprintf("the whole listing (%d items, walked to its end)", len(c.ids))
	}
	return fmt.Sprintf("%s (%d items, walked to its end)", c.filters.String(), len(c.ids))
}

// periodBounds are the date filters bounding an item's period from below (on or after) and
// from above (on or before); nil when the spec has none.
func (e *Engine) periodBounds() (from, to *contract.Param) {
	for _, p := range e.c.Filters() {
		switch p.Role {
		case contract.RoleAtLeast:
			from = p
		case contract.RoleAtMost:
			to = p
		}
	}
	return from, to
}

// olderYears are how far back from the newest period of the head the older pages reach.
var olderYears = []int{1, 2, 4, 8}

// olderPages reads the first page of the listing ending before each of a few instants spread
// back from the newest period end in the head (1, 2, 4 and 8 years), alone and with one value of
// each equality filter that has an enum: faults that depend on a row's age (a filter not applied
// to legacy rows, a field rendered differently for them) show on these pages, and their items
// anchor slices and lookups in older data.
func (e *Engine) olderPages(ctx context.Context, c *corpus) ([]map[string]any, error) {
	_, to := e.periodBounds()
	var enums []*contract.Param
	for _, p := range e.c.Filters() {
		if p.Role == contract.RoleEquals && len(p.Enum) > 0 {
			enums = append(enums, p)
		}
	}
	if to == nil {
		return nil, nil
	}
	var newest *instant.Instant
	for _, it := range c.head {
		if v, ok := fieldAt(it, to.Field); ok {
			if s, isStr := v.(string); isStr {
				if in, err := instant.Parse(s); err == nil && (newest == nil || instant.Compare(in, *newest) > 0) {
					newest = &in
				}
			}
		}
	}
	if newest == nil {
		return nil, nil
	}
	var out []map[string]any
	for k, years := range olderYears {
		at := instant.FromTime(newest.Time().AddDate(-years, 0, 0).Truncate(time.Hour))
		v := at.Format(0)
		if !to.Valid(v) {
			continue
		}
		probes := []client.Request{c.withPageSize(base(client.Param{Name: to.Name, Value: v}))}
		for _, p := range enums {
			probes = append(probes, probes[0].With(p.Name, p.Enum[(k+int(e.cfg.Seed%uint64(len(p.Enum))))%len(p.Enum)]))
		}
		for i, r := range probes {
			w, err := e.walk(ctx, e, r, walkOpts{maxPages: 1, limit: e.effectiveLimit(r)})
			if err != nil {
				return out, err
			}
			if i == 0 {
				out = append(out, w.items...)
			}
		}
	}
	return out, nil
}

// take makes a finished walk the slice.
func (c *corpus) take(filters client.Request, w walkResult) {
	c.filters, c.complete, c.why = filters, true, ""
	c.ids, c.byID = w.ids, map[string]map[string]any{}
	for i, id := range w.ids {
		if _, dup := c.byID[id]; !dup {
			c.byID[id] = w.items[i]
		}
	}
}

// goodSlice and bigSlice bound the slice size the search settles for: enough items for the
// completeness rules to have something to compare, few enough to walk at several page sizes
// within the request budget.
const (
	goodSlice = 60
	bigSlice  = 250
)

// better reports whether a slice of n items is preferable to one of m (m < 0: none yet).
func better(n, m int) bool {
	switch {
	case m < 0:
		return true
	case n <= bigSlice && m <= bigSlice:
		return n > m
	case n <= bigSlice:
		return true
	case m <= bigSlice:
		return false
	}
	return n < m
}

// findSlice narrows a listing too long to walk with the spec's own filters, anchored on items
// of its head (oldest period first: legacy rows are where old faults hide). First the anchors'
// own period windows alone (every equality filter can then be refined and held to the slice);
// when none fits with at least minSlice items, the narrowest slice of each anchor (its window
// and every equality filter at its values) and the wider ones between are tried, dropping enum
// filters before free-form ones. The largest slice that fits (up to bigSlice items) is kept; the
// search stops at one of goodSlice items or more. seen collects the items met on the way.
func (e *Engine) findSlice(ctx context.Context, c *corpus, seen *[]map[string]any) error {
	var best []client.Param
	var bestW walkResult
	bestN := -1
	tried := map[string]bool{}
	// try walks one candidate; it reports whether the search may stop
	try := func(params []client.Param) (fit, enough bool, err error) {
		f := c.withPageSize(base(params...))
		if tried[f.String()] {
			return false, false, nil
		}
		tried[f.String()] = true
		w, err := e.walk(ctx, e, f, walkOpts{maxPages: sliceWalkPages, limit: e.effectiveLimit(f)})
		*seen = append(*seen, w.items...)
		if err != nil || !w.done {
			return false, false, err
		}
		if better(len(w.ids), bestN) {
			best, bestW, bestN = params, w, len(w.ids)
		}
		return true, bestN >= goodSlice && bestN <= bigSlice, nil
	}
	anchors := e.anchors(c.head)
	for _, a := range anchors {
		if window, _ := e.sliceDims(a); len(window) > 0 {
			if _, enough, err := try(window); err != nil || enough {
				return e.takeBest(c, best, bestW, err)
			}
		}
	}
	if bestN < minSlice {
		for _, a := range anchors {
			window, eqs := e.sliceDims(a)
			if len(eqs) == 0 {
				continue
			}
			for k := len(eqs); k >= 1; k-- {
				fit, enough, err := try(append(slices.Clone(window), eqs[:k]...))
				if err != nil || enough {
					return e.takeBest(c, best, bestW, err)
				}
				if !fit && k == len(eqs) {
					break // the narrowest slice of this anchor does not fit: neither will wider ones
				}
			}
		}
	}
	return e.takeBest(c, best, bestW, nil)
}

// minSlice is the smallest window-only slice the search accepts without trying to narrow with
// equality filters.
const minSlice = 10

// takeBest makes the best slice found the corpus's slice.
func (e *Engine) takeBest(c *corpus, best []client.Param, w walkResult, err error) error {
	if best != nil {
		c.take(base(best...), w)
	} else if err == nil {
		c.why = fmt.Sprintf("no slice the filters make (an item's own period window, its partner, its stage) holds at most %d pages, so completeness cannot be judged", sliceWalkPages)
	}
	return err
}

// anchors picks items of the head whose own period windows make slices: distinct windows, the
// oldest first, at most maxAnchors.
func (e *Engine) anchors(items []map[string]any) []map[string]any {
	type cand struct {
		it    map[string]any
		start instant.Instant
		key   string
	}
	var cs []cand
	seen := map[string]bool{}
	for _, it := range items {
		window, _ := e.sliceDims(it)
		key := base(window...).String()
		if seen[key] {
			continue
		}
		seen[key] = true
		var start instant.Instant
		for _, p := range e.c.Filters() {
			if v, ok := fieldAt(it, p.Field); ok && p.Role == contract.RoleAtLeast {
				if s, isStr := v.(string); isStr {
					start, _ = instant.Parse(s)
				}
			}
		}
		cs = append(cs, cand{it, start, key})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if c := instant.Compare(a.start, b.start); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	var out []map[string]any
	for _, c := range cs[:min(len(cs), maxAnchors)] {
		out = append(out, c.it)
	}
	return out
}

// windowMargin widens an item's own period window, so the slice's bounds sit on no item's
// instant: a bound applied wrongly (exclusive, misparsed, shifted) then shows when a refinement
// tightens it to the items' own instants, instead of shaping the slice itself.
const windowMargin = time.Minute

// sliceDims are the filters an item's own values make: its period window (each date bound at
// the item's own instant) and each equality filter at the item's value.
func (e *Engine) sliceDims(it map[string]any) (window, eqs []client.Param) {
	for _, p := range e.c.Filters() {
		v, ok := fieldAt(it, p.Field)
		s, isStr := v.(string)
		if !ok || !isStr || s == "" {
			continue
		}
		switch p.Role {
		case contract.RoleEquals:
			if p.Valid(s) && len(p.Enum) == 0 {
				eqs = append([]client.Param{{Name: p.Name, Value: s}}, eqs...) // free-form first: dropped last
			} else if p.Valid(s) {
				eqs = append(eqs, client.Param{Name: p.Name, Value: s})
			}
		case contract.RoleAtLeast, contract.RoleAtMost:
			in, err := instant.Parse(s)
			if err != nil {
				continue
			}
			shift := -windowMargin
			if p.Role == contract.RoleAtMost {
				shift = windowMargin
			}
			in = instant.Instant{Sec: in.Sec + int64(shift/time.Second)}
			if s = in.Format(0); p.Valid(s) {
				window = append(window, client.Param{Name: p.Name, Value: s})
			}
		}
	}
	return window, eqs
}

// withPageSize sets the page size the head walk used (the largest one the server took), so
// sweeps need as few pages as the server allows.
func (c *corpus) withPageSize(r client.Request) client.Request {
	if c.pageSize.Name == "" {
		return r
	}
	return r.With(c.pageSize.Name, c.pageSize.Value)
}

// sliceItems is the slice's items in the order returned.
func (c *corpus) sliceItems() []map[string]any {
	out := make([]map[string]any, 0, len(c.ids))
	for _, id := range c.ids {
		out = append(out, c.byID[id])
	}
	return out
}

// poolFrom collects, per filter parameter, the values its field takes in the data.
func (e *Engine) poolFrom(items []map[string]any) generators.Pool {
	pool := generators.Pool{Values: map[string][]string{}, Instants: map[string][]instant.Instant{}}
	for _, p := range e.c.Filters() {
		seen := map[string]bool{}
		for _, it := range items {
			v, ok := fieldAt(it, p.Field)
			s, isStr := v.(string)
			if !ok || !isStr || seen[s] {
				continue
			}
			seen[s] = true
			if p.IsDate {
				if in, err := instant.Parse(s); err == nil {
					pool.Instants[p.Name] = append(pool.Instants[p.Name], in)
				}
			} else if len(p.Enum) == 0 {
				pool.Values[p.Name] = append(pool.Values[p.Name], s)
			}
		}
	}
	return pool
}

// refines reports whether every item r selects is in the slice: r carries each of the slice's
// filters at the same value (equality) or a bound at least as tight (dates), and no cursor.
func (e *Engine) refines(r client.Request, c *corpus) bool {
	if !c.complete {
		return false
	}
	if cur := e.c.Cursor(); cur != nil {
		if _, ok := r.Get(cur.Name); ok {
			return false
		}
	}
	for _, p := range e.c.Filters() {
		rv, inR := r.Get(p.Name)
		if inR && !p.Valid(rv) {
			return false
		}
		fv, inF := c.filters.Get(p.Name)
		if !inF {
			continue
		}
		if !inR {
			return false
		}
		if p.Role == contract.RoleEquals {
			if rv != fv {
				return false
			}
			continue
		}
		a, err1 := instant.Parse(rv)
		b, err2 := instant.Parse(fv)
		if err1 != nil || err2 != nil {
			return false
		}
		cmp := instant.Compare(a, b)
		if p.Role == contract.RoleAtLeast && cmp < 0 || p.Role == contract.RoleAtMost && cmp > 0 {
			return false
		}
	}
	return true
}

// verdict of the oracle for one item under a filter set.
type match int

const (
	no match = iota
	yes
	unsure // the oracle cannot tell (the item's field is missing or not a date of the pattern)
)

// matches decides whether an item honours every filter of a request.
func (e *Engine) matches(item map[string]any, r client.Request) match {
	out := yes
	for _, p := range e.c.Filters() {
		v, present := r.Get(p.Name)
		if !present {
			continue
		}
		m := filterMatch(p, v, item)
		if m == no {
			return no
		}
		if m == unsure {
			out = unsure
		}
	}
	return out
}

func filterMatch(p *contract.Param, value string, item map[string]any) match {
	raw, ok := fieldAt(item, p.Field)
	s, isStr := raw.(string)
	if !ok || !isStr {
		if p.Role == contract.RoleEquals && raw == nil && ok {
			return no // a null field equals no filter value
		}
		return unsure
	}
	if p.Role == contract.RoleEquals {
		if s == value {
			return yes
		}
		return no
	}
	want, err1 := instant.Parse(value)
	got, err2 := instant.Parse(s)
	if err1 != nil || err2 != nil {
		return unsure
	}
	cmp := instant.Compare(got, want) // exact: the pattern admits fractions of any length
	switch {
	case p.Role == contract.RoleAtLeast && cmp >= 0, p.Role == contract.RoleAtMost && cmp <= 0:
		return yes
	}
	return no
}
