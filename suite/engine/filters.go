package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// maxFilterPages bounds each filtered walk of the filter property; longer results are checked
// page by page but not for completeness.
const maxFilterPages = 6

// filtersWorkflow: random filter combinations, each walked to its end, against the oracle of
// the unfiltered listing.
func filtersWorkflow(ctx context.Context, e *Engine) {
	ids := []string{"FILTER-HONOURED", "FILTER-COMPLETE", "PAGE-FILTERS-KEPT"}
	c := e.getCorpus(ctx)
	if c.err != nil {
		e.stopped(c.err, ids...)
		return
	}
	if !c.complete {
		for _, id := range ids {
			e.skip(id, c.incomplete())
		}
		return
	}
	if len(e.c.Filters()) == 0 {
		for _, id := range ids {
			e.skip(id, "the spec has no filter parameters")
		}
		return
	}
	if !e.valueSweep(client.WithTag(ctx, "FILTER-HONOURED"), c) || !e.boundarySweep(client.WithTag(ctx, "FILTER-COMPLETE"), c) {
		return
	}
	err := e.property(ctx, "FILTER-HONOURED", func(ctx context.Context, t *rapid.T, x *example) error {
		r := e.filteredRequest(t, c)
		return e.checkFiltered(ctx, x, c, r)
	})
	e.stopped(err, ids...)
}

// filteredRequest draws at least one filter and, sometimes, a page size.
func (e *Engine) filteredRequest(t *rapid.T, c *corpus) client.Request {
	for {
		r := e.validRequest(t, c.pool)
		if ps := e.c.PageSize(); ps != nil {
			if v, ok := r.Get(ps.Name); ok {
				// keep walks short: a page size that needs more than maxFilterPages pages still
				// gets its pages checked, but larger sizes are drawn more often
				if n, _ := strconv.Atoi(v); n < 5 && rapid.IntRange(0, 3).Draw(t, "keepSmallLimit") > 0 {
					r = r.With(ps.Name, strconv.Itoa(int(*ps.Maximum)))
				}
			}
		}
		for _, p := range e.c.Filters() {
			if _, ok := r.Get(p.Name); ok {
				return r
			}
		}
	}
}

// checkFiltered walks the filtered listing and compares it with the oracle.
func (e *Engine) checkFiltered(ctx context.Context, x *example, c *corpus, r client.Request) error {
	limit := e.effectiveLimit(r)
	want := e.expected(c, r)
	bound := maxFilterPages
	if want >= 0 {
		bound = min(maxFilterPages, terminationBound(want))
	}
	w, err := e.walk(ctx, x, r, walkOpts{maxPages: bound, limit: limit, check: func(pageNo int, p page, o *client.Observation) {
		for i, it := range p.items {
			if e.matches(it, r) != no {
				continue
			}
			rule, where := "FILTER-HONOURED", "the first page"
			if pageNo > 0 {
				rule, where = "PAGE-FILTERS-KEPT", fmt.Sprintf("page %d", pageNo+1)
			}
			f := e.finding(rule, o, "expected every item on %s to honour %s, got %s=%q that does not (%s)",
				where, r.String(), e.c.Page.IDField, p.ids[i], e.describeFields(it, r))
			f.Path, f.Value = e.offendingField(it, r, i)
			x.add(f)
			return
		}
	}})
	if err != nil {
		return err
	}
	if w.rejected != nil {
		if o := w.rejected; o.Err == nil && o.Status != e.c.SuccessStatus() {
			if want == 0 {
				x.add(e.finding("PARAM-EMPTY-MATCH", o, "expected %d with an empty page for valid filters that match nothing, got %d", e.c.SuccessStatus(), o.Status))
			} else {
				x.add(e.finding("PARAM-VALID-200", o, "expected %d for valid filters, got %d", e.c.SuccessStatus(), o.Status))
			}
		}
		return nil
	}
	if want == 0 && w.pages == 1 && (len(w.ids) > 0 || !w.done) {
		// the first page already showed what is wrong; say it in the empty-match terms too
		x.add(Finding{Rule: "PARAM-EMPTY-MATCH", Message: fmt.Sprintf("expected no items and a null cursor for %s (nothing in the listing matches), got %d items, walk ended %v", r.String(), len(w.ids), w.done),
			Request: r.String(), Curl: e.cl.Curl(r)})
	}
	if !w.done {
		return nil
	}
	missing := e.missing(c, r, w.ids)
	if len(missing) == 0 {
		return nil
	}
	rule := "FILTER-COMPLETE"
	if w.pages > 1 {
		rule = e.blameMissing(ctx, x, r, missing, want)
	}
	x.add(Finding{Rule: rule, Request: r.String(), Curl: e.cl.Curl(r),
		Message: fmt.Sprintf("expected every item of the unfiltered listing that matches %s, got %d of %d over %d pages; missing %s",
			r.String(), len(w.ids), len(w.ids)+len(missing), w.pages, describeIDs(missing, 5)), Value: missing[0]})
	return nil
}

// blameMissing decides whether items missing from a multi-page walk are the filter's fault
// (a second walk at another page size misses them too) or the pagination's (it does not).
func (e *Engine) blameMissing(ctx context.Context, x *example, r client.Request, missing []string, want int) string {
	ps := e.c.PageSize()
	if ps == nil || want < 0 {
		return "FILTER-COMPLETE"
	}
	other := int(*ps.Maximum)
	if e.effectiveLimit(r) == other {
		other = max(int(*ps.Minimum), other/2+1)
	}
	w, err := e.walk(ctx, x, r.Without(ps.Name).With(ps.Name, strconv.Itoa(other)), walkOpts{maxPages: min(maxFilterPages, terminationBound(want)), limit: other})
	if err != nil || !w.done {
		return "PAGE-COMPLETE"
	}
	got := map[string]bool{}
	for _, id := range w.ids {
		got[id] = true
	}
	for _, id := range missing {
		if !got[id] {
			return "FILTER-COMPLETE"
		}
	}
	return "PAGE-COMPLETE"
}

// missing lists the corpus items that surely match r but are not among ids.
func (e *Engine) missing(c *corpus, r client.Request, ids []string) []string {
	got := make(map[string]bool, len(ids))
	for _, id := range ids {
		got[id] = true
	}
	var out []string
	for _, id := range c.ids {
		if !got[id] && e.matches(c.byID[id], r) == yes {
			out = append(out, id)
		}
	}
	return out
}

// offendingField is the JSON pointer and value of the first filtered field an item fails.
func (e *Engine) offendingField(it map[string]any, r client.Request, index int) (string, string) {
	for _, p := range e.c.Filters() {
		v, ok := r.Get(p.Name)
		if !ok || filterMatch(p, v, it) != no {
			continue
		}
		got, _ := fieldAt(it, p.Field)
		return fmt.Sprintf("/%s/%d/%s", e.c.Page.DataField, index, strings.Join(p.Field, "/")), fmt.Sprint(got)
	}
	return fmt.Sprintf("/%s/%d", e.c.Page.DataField, index), ""
}

// describeFields shows an item's values of the filtered fields.
func (e *Engine) describeFields(it map[string]any, r client.Request) string {
	s := ""
	for _, p := range e.c.Filters() {
		if _, ok := r.Get(p.Name); !ok {
			continue
		}
		v, _ := fieldAt(it, p.Field)
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%s=%v", joinPath(p.Field), v)
	}
	return s
}

func joinPath(p []string) string {
	out := ""
	for i, s := range p {
		if i > 0 {
			out += "."
		}
		out += s
	}
	return out
}

// equalityProbes lists one request per value of each equality filter: every enum member, and
// every value the data holds for a free-form one.
func (e *Engine) equalityProbes(c *corpus) []client.Request {
	var out []client.Request
	for _, p := range e.c.Filters() {
		if p.Role != contract.RoleEquals {
			continue
		}
		values := p.Enum
		if len(values) == 0 {
			values = c.pool.Values[p.Name]
		}
		for _, v := range values {
			out = append(out, base(client.Param{Name: p.Name, Value: v}))
		}
	}
	return out
}

// nearMisses lists, for each free-form equality filter, values one step from real ones
// (another case, one character short, one more): they match nothing, so a case-blind or prefix
// match shows as items that do not honour the filter.
func (e *Engine) nearMisses(c *corpus) []client.Request {
	var out []client.Request
	for _, p := range e.c.Filters() {
		known := c.pool.Values[p.Name]
		if p.Role != contract.RoleEquals || len(p.Enum) > 0 {
			continue
		}
		for _, k := range known[:min(2, len(known))] {
			for _, v := range []string{strings.ToUpper(k), strings.ToLower(k), k[:len(k)-1], k + "0"} {
				if v != "" && !slices.Contains(known, v) && p.Valid(v) {
					out = append(out, base(client.Param{Name: p.Name, Value: v}))
				}
			}
		}
	}
	return out
}

// pairProbes combines every two equality filters with the values of a few real items (first,
// middle, last of the listing): a server that ORs filters instead of ANDing them, or drops one
// of two, shows on these.
func (e *Engine) pairProbes(c *corpus) []client.Request {
	var eq []*contract.Param
	for _, p := range e.c.Filters() {
		if p.Role == contract.RoleEquals {
			eq = append(eq, p)
		}
	}
	var out []client.Request
	for i := range eq {
		for j := i + 1; j < len(eq); j++ {
			for _, k := range []int{0, len(c.ids) / 2, len(c.ids) - 1} {
				if k < 0 || k >= len(c.ids) {
					continue
				}
				it := c.byID[c.ids[k]]
				a, okA := fieldAt(it, eq[i].Field)
				b, okB := fieldAt(it, eq[j].Field)
				sa, isA := a.(string)
				sb, isB := b.(string)
				if okA && okB && isA && isB {
					out = append(out, base(client.Param{Name: eq[i].Name, Value: sa}, client.Param{Name: eq[j].Name, Value: sb}))
				}
			}
		}
	}
	return out
}

// valueSweep filters, one at a time at the largest page size, by every value of every equality
// filter (at most maxBoundaries of each kind in all): a filter that fails only for some
// partners or some stages shows here.
func (e *Engine) valueSweep(ctx context.Context, c *corpus) bool {
	probes := e.equalityProbes(c)
	probes = append(append(probes[:min(len(probes), 2*maxBoundaries)], e.pairProbes(c)...), e.nearMisses(c)...)
	for _, r := range probes {
		if !e.sweepOne(ctx, c, c.withPageSize(r)) {
			return false
		}
	}
	return true
}

// sweepOne checks one filtered request outside a property (the request is already minimal).
func (e *Engine) sweepOne(ctx context.Context, c *corpus, r client.Request) bool {
	x := &example{}
	err := e.checkFiltered(ctx, x, c, r)
	for _, f := range x.findings {
		e.add(f)
	}
	return !e.stopped(err, "FILTER-HONOURED", "FILTER-COMPLETE")
}

// maxBoundaries bounds the instants the sweep tries per date filter.
const maxBoundaries = 40

// boundarySweep sends each date filter at exactly the instants the data holds (leap days
// first), in the forms the pattern admits, at the largest page size: inclusive/exclusive and
// date-parsing faults show on these boundaries.
func (e *Engine) boundarySweep(ctx context.Context, c *corpus) bool {
	for _, p := range e.c.Filters() {
		is := slices.Clone(c.pool.Instants[p.Name])
		if len(is) == 0 {
			continue
		}
		slices.SortStableFunc(is, func(a, b instant.Instant) int { return boolRank(leapDay(b)) - boolRank(leapDay(a)) })
		for i, at := range is[:min(len(is), maxBoundaries)] {
			digits := []int{-1, 0, len(at.Frac) + 3, len(at.Frac) + 10}[i%4]
			if digits == -1 && !at.WholeMinute() || digits == 0 && at.Frac != "" {
				digits = len(at.Frac) + 1
			}
			value := at.Format(digits)
			if i%3 == 2 {
				// a sub-millisecond step past the boundary: the boundary item must drop out
				step := 400 * time.Microsecond
				if p.Role == contract.RoleAtMost {
					step = -step
				}
				shifted := at.Shift(step)
				value = shifted.Format(max(len(shifted.Frac), 4))
			}
			r := c.withPageSize(base(client.Param{Name: p.Name, Value: value}))
			if !p.Valid(value) {
				continue
			}
			if !e.sweepOne(ctx, c, r) {
				return false
			}
		}
	}
	return true
}

func leapDay(i instant.Instant) bool {
	t := i.Time()
	return t.Month() == 2 && t.Day() == 29
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
