package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// maxFilterPages bounds each filtered walk that has no slice to compare with (pages are still
// judged one by one: every item honours every filter).
const maxFilterPages = 2

// maxPropertyPages bounds the pages of each walk the filter property draws.
const maxPropertyPages = 6

// filtersWorkflow: filters honoured on every page of every filtered request; refinements of the
// slice (its filters plus one more, a pair, a tighter date bound at the data's own instants, a
// near miss) hold exactly the slice's matching items; then random refinements.
func filtersWorkflow(ctx context.Context, e *Engine) {
	ids := []rules.ID{rules.FilterHonoured, rules.FilterComplete, rules.PageFiltersKept}
	c := e.getCorpus(ctx)
	if c.err != nil {
		e.stopped(c.err, ids...)
		return
	}
	if len(e.c.Filters()) == 0 {
		for _, id := range ids {
			e.skip(id, "the spec has no filter parameters")
		}
		return
	}
	if !c.complete {
		e.note(rules.FilterComplete, c.why)
	}
	e.parallel(ctx,
		func(ctx context.Context) bool { return e.valueSweep(client.WithTag(ctx, rules.FilterHonoured), c) },
		func(ctx context.Context) bool { return e.boundarySweep(client.WithTag(ctx, rules.FilterComplete), c) },
		func(ctx context.Context) bool { return e.membership(client.WithTag(ctx, rules.FilterComplete), c) },
		func(ctx context.Context) bool {
			err := e.property(ctx, rules.FilterHonoured, func(ctx context.Context, t *rapid.T, x *example) error {
				r := e.filteredRequest(t, c, c.slicePool)
				return e.checkFiltered(ctx, x, c, r)
			})
			return !e.stopped(err, ids...)
		})
}

// filteredRequest draws a refinement of the slice: its filters, more filters drawn from the
// slice's own values and instants, and sometimes a page size.
func (e *Engine) filteredRequest(t *rapid.T, c *corpus, pool generators.Pool) client.Request {
	for {
		r := e.validRequest(t, pool)
		if ps := e.c.PageSize(); ps != nil {
			if v, ok := r.Get(ps.Name); ok {
				// keep walks short: small page sizes are drawn, but larger ones more often
				if n, _ := strconv.Atoi(v); n < 5 && rapid.IntRange(0, 3).Draw(t, "keepSmallLimit") > 0 {
					r = r.With(ps.Name, strconv.Itoa(int(*ps.Maximum)))
				}
			}
		}
		for _, p := range c.filters.Params {
			if !e.refines(r, c) {
				r = r.With(p.Name, p.Value)
			}
		}
		if ps := e.c.PageSize(); ps != nil {
			// a walk of a refinement takes at most maxPropertyPages pages
			if n := e.expected(c, r); n > 0 && e.effectiveLimit(r) > 0 && (n+e.effectiveLimit(r)-1)/e.effectiveLimit(r) > maxPropertyPages {
				r = r.With(ps.Name, strconv.Itoa(min(int(*ps.Maximum), (n+maxPropertyPages-1)/maxPropertyPages)))
			}
		}
		for _, p := range e.c.Filters() {
			if _, ok := r.Get(p.Name); ok {
				return r
			}
		}
	}
}

// checkFiltered walks a filtered request. Every page is judged by inspect (items honour the
// filters, pages hold at most limit items); when the request refines the slice, the walk must
// end, and hold exactly the slice's matching items.
func (e *Engine) checkFiltered(ctx context.Context, x *example, c *corpus, r client.Request) error {
	limit := e.effectiveLimit(r)
	want := -1
	if e.refines(r, c) {
		want = e.expected(c, r)
	}
	bound := maxFilterPages
	if want >= 0 {
		bound = terminationBound(want)
	}
	w, err := e.walk(ctx, x, r, walkOpts{maxPages: bound, limit: limit})
	if err != nil {
		return err
	}
	if w.rejected != nil {
		if o := w.rejected; o.Err == nil && o.Status != e.c.SuccessStatus() && w.pages == 0 {
			if want == 0 {
				e.judged(rules.ParamEmptyMatch)
				x.add(e.finding(rules.ParamEmptyMatch, o, "expected %d with an empty page for valid filters that match nothing, got %d", e.c.SuccessStatus(), o.Status))
			} else {
				x.add(e.finding(rules.ParamValid200, o, "expected %d for valid filters, got %d", e.c.SuccessStatus(), o.Status))
			}
		}
		return nil
	}
	if want == 0 && !w.cycled && !w.stuck {
		e.judged(rules.ParamEmptyMatch)
		if len(w.ids) > 0 || w.pages > 1 || !w.done {
			x.add(Finding{Rule: rules.ParamEmptyMatch, Message: fmt.Sprintf("expected no items and a null cursor for %s (no item of the slice %s matches), got %d items over %d pages, walk ended %v",
				r.String(), c.filters.String(), len(w.ids), w.pages, w.done), Request: r.String(), Curl: e.cl.Curl(r)})
		}
	}
	if want < 0 || w.cycled || w.stuck {
		return nil
	}
	if !w.done {
		for _, it := range w.items {
			if e.matches(it, r) == no {
				return nil // items outside the filters keep the walk going: FILTER-HONOURED says so
			}
		}
		x.add(Finding{Rule: rules.PageTerminates, Request: r.String(), Curl: e.cl.Curl(r),
			Message: fmt.Sprintf("expected a null nextCursor within %d pages (the slice %s holds %d matching items), got a cursor on every page", w.pages, c.filters.String(), want)})
		return nil
	}
	e.judged(rules.FilterComplete)
	missing := e.missing(c, r, w.ids)
	if len(missing) == 0 {
		return nil
	}
	rule := rules.FilterComplete
	if w.pages > 1 {
		rule = e.blameMissing(ctx, x, r, missing, want)
	}
	x.add(Finding{Rule: rule, Request: r.String(), Curl: e.cl.Curl(r),
		Message: fmt.Sprintf("expected every item of the slice %s (walked whole) that matches %s, got %d of %d over %d pages; missing %s",
			c.filters.String(), r.String(), len(w.ids), len(w.ids)+len(missing), w.pages, describeIDs(missing, 5)), Value: missing[0]})
	return nil
}

// blameMissing decides whether items missing from a multi-page walk are the filter's fault
// (a second walk at another page size misses them too) or the pagination's (it does not).
func (e *Engine) blameMissing(ctx context.Context, x *example, r client.Request, missing []string, want int) rules.ID {
	ps := e.c.PageSize()
	if ps == nil || want < 0 {
		return rules.FilterComplete
	}
	other := int(*ps.Maximum)
	if e.effectiveLimit(r) == other {
		other = max(int(*ps.Minimum), other/2+1)
	}
	w, err := e.walk(ctx, x, r.Without(ps.Name).With(ps.Name, strconv.Itoa(other)), walkOpts{maxPages: terminationBound(want), limit: other})
	if err != nil || !w.done {
		return rules.PageComplete
	}
	got := map[string]bool{}
	for _, id := range w.ids {
		got[id] = true
	}
	for _, id := range missing {
		if !got[id] {
			return rules.FilterComplete
		}
	}
	return rules.PageComplete
}

// missing lists the slice's items that surely match r but are not among ids.
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

// equalityProbes lists, for each equality filter the slice does not fix, one refinement of the
// slice per value: every enum member, and every value the slice's items hold for a free-form
// one. When the slice is not the whole listing, each value is also sent alone (its pages are
// judged, not its completeness).
func (e *Engine) equalityProbes(c *corpus) []client.Request {
	var out, alone []client.Request
	for _, p := range e.c.Filters() {
		if p.Role != contract.RoleEquals {
			continue
		}
		values := p.Enum
		if len(values) == 0 {
			values = c.slicePool.Values[p.Name]
		}
		if _, fixed := c.filters.Get(p.Name); !fixed && c.complete {
			for _, v := range values {
				out = append(out, c.filters.With(p.Name, v))
			}
		}
		if len(c.filters.Params) > 0 || !c.complete {
			if len(p.Enum) == 0 {
				values = c.pool.Values[p.Name]
			}
			for _, v := range values[:min(len(values), e.depth.aloneValues)] {
				alone = append(alone, base(client.Param{Name: p.Name, Value: v}))
			}
		}
	}
	return append(out, alone...)
}

// nearMisses lists, for each free-form equality filter, values one step from real ones
// (another case, one character short, one more): they match nothing, so a case-blind or prefix
// match shows as items that do not honour the filter.
func (e *Engine) nearMisses(c *corpus) []client.Request {
	var out []client.Request
	for _, p := range e.c.Filters() {
		known := c.slicePool.Values[p.Name]
		if p.Role != contract.RoleEquals || len(p.Enum) > 0 {
			continue
		}
		for _, k := range known[:min(e.depth.nearMisses, len(known))] {
			for _, v := range []string{strings.ToUpper(k), strings.ToLower(k), k[:len(k)-1], k + "0"} {
				if v != "" && !slices.Contains(known, v) && !slices.Contains(c.pool.Values[p.Name], v) && p.Valid(v) {
					out = append(out, c.filters.With(p.Name, v))
				}
			}
		}
	}
	return out
}

// pairProbes combines every two equality filters with the values of a few real items (first,
// middle, last of the slice), within the slice: a server that ORs filters instead of ANDing them, or drops one
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
					out = append(out, c.filters.With(eq[i].Name, sa).With(eq[j].Name, sb))
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
	probes = append(append(probes[:min(len(probes), 24)], e.pairProbes(c)...), e.nearMisses(c)...)
	return e.each(ctx, len(probes), func(ctx context.Context, i int) bool { return e.sweepOne(ctx, c, c.withPageSize(probes[i])) })
}

// sweepOne checks one filtered request outside a property (the request is already minimal).
func (e *Engine) sweepOne(ctx context.Context, c *corpus, r client.Request) bool {
	x := &example{}
	err := e.checkFiltered(ctx, x, c, r)
	for _, f := range x.findings {
		e.add(f)
	}
	return !e.stopped(err, rules.FilterHonoured, rules.FilterComplete)
}

// membership looks items of the unfiltered listing up by their own values: for a few items of
// the head, chosen so every partner, stage and kind of instant (a leap day, not midnight, a
// fraction) is among them, the request with every filter at the item's own value (dates at its
// own instants, in the forms the pattern admits) must return that item. It needs no slice, so it
// holds at any size: a filter that drops some partner's items, a bound applied exclusively or a
// date form misread shows as the item missing.
func (e *Engine) membership(ctx context.Context, c *corpus) bool {
	// greedy cover: each pick is the item of the head with the most features not yet covered
	var picked []map[string]any
	features := map[string]bool{}
	used := map[int]bool{}
	for len(picked) < e.depth.members {
		best, bestN := -1, 0
		for i, it := range c.head {
			n := 0
			for _, f := range e.itemFeatures(it) {
				if !features[f] {
					n++
				}
			}
			if !used[i] && n > bestN {
				best, bestN = i, n
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		for _, f := range e.itemFeatures(c.head[best]) {
			features[f] = true
		}
		picked = append(picked, c.head[best])
	}
	for i, it := range picked {
		r := base()
		for _, p := range e.c.Filters() {
			v, ok := fieldAt(it, p.Field)
			s, isStr := v.(string)
			if !ok || !isStr || s == "" {
				continue
			}
			if p.IsDate {
				in, err := instant.Parse(s)
				if err != nil {
					continue
				}
				forms := exactForms(in)
				s = forms[i%len(forms)]
			}
			if p.Valid(s) {
				r = r.With(p.Name, s)
			}
		}
		if len(r.Params) == 0 || e.matches(it, r) != yes {
			continue
		}
		r = c.withPageSize(r)
		id := fmt.Sprint(it[e.c.Page.IDField])
		x := &example{}
		w, err := e.walk(ctx, x, r, walkOpts{maxPages: sliceWalkPages, limit: e.effectiveLimit(r)})
		for _, f := range x.findings {
			e.add(f)
		}
		if e.stopped(err, rules.FilterComplete) {
			return false
		}
		if w.rejected != nil || !w.done || w.cycled || w.stuck {
			continue
		}
		e.judged(rules.FilterComplete)
		if !slices.Contains(w.ids, id) {
			f := Finding{Rule: rules.FilterComplete, Request: r.String(), Curl: e.cl.Curl(r), Value: id,
				Message: fmt.Sprintf("expected %s=%q, returned by the unfiltered listing, in the listing filtered by its own values (%s), got %d items over %d pages without it",
					e.c.Page.IDField, id, e.describeFields(it, r), len(w.ids), w.pages)}
			f.Sequence = []string{e.cl.Curl(c.withPageSize(base()))}
			e.add(f)
		}
	}
	return true
}

// itemFeatures names what makes an item's filter values interesting: each equality value, and
// for each date field its kind (midnight, a whole minute, a whole second, a fraction; on a leap
// day or not).
func (e *Engine) itemFeatures(it map[string]any) []string {
	var out []string
	for _, p := range e.c.Filters() {
		v, ok := fieldAt(it, p.Field)
		s, isStr := v.(string)
		if !ok || !isStr {
			continue
		}
		if !p.IsDate {
			out = append(out, p.Name+"="+s)
			continue
		}
		in, err := instant.Parse(s)
		if err != nil {
			continue
		}
		kind := "fraction"
		switch {
		case in.Sec%86400 == 0 && in.Frac == "":
			kind = "midnight"
		case in.WholeMinute():
			kind = "whole-minute"
		case in.Frac == "":
			kind = "whole-second"
		}
		if leapDay(in) {
			kind = "leap-day-" + kind
		}
		out = append(out, p.Name+":"+kind, p.Name+":year-"+strconv.Itoa(in.Time().Year()))
	}
	return out
}

// boundarySweep tightens each date bound of the slice to the instants its own items hold, in
// every form the pattern admits (no seconds, fractions of several lengths), exactly and one
// millisecond, one second and a sub-millisecond step either side, and the whole minutes around
// them: inclusive/exclusive, rounding and date-parsing faults change the answer there.
func (e *Engine) boundarySweep(ctx context.Context, c *corpus) bool {
	if !c.complete {
		return true
	}
	for _, p := range e.c.Filters() {
		if !p.IsDate {
			continue
		}
		var is []instant.Instant
		seen := map[string]bool{}
		for _, it := range c.sliceItems() {
			v, _ := fieldAt(it, p.Field)
			if s, ok := v.(string); ok {
				if in, err := instant.Parse(s); err == nil && !seen[in.Format(max(len(in.Frac), 1))] {
					seen[in.Format(max(len(in.Frac), 1))] = true
					is = append(is, in)
				}
			}
		}
		slices.SortStableFunc(is, func(a, b instant.Instant) int { return boolRank(leapDay(b)) - boolRank(leapDay(a)) })
		var per [][]string
		longest := 0
		for _, at := range is {
			vs := boundaryValues(at)
			per, longest = append(per, vs), max(longest, len(vs))
		}
		sent := map[string]bool{}
		n, maxBoundaries := 0, e.depth.boundaries
		for k := 0; k < longest && n < maxBoundaries; k++ {
			for i := range per {
				if n >= maxBoundaries {
					break
				}
				if k >= len(per[i]) {
					continue
				}
				v := per[i][(k+i)%len(per[i])]
				if sent[v] || !p.Valid(v) {
					continue
				}
				sent[v] = true
				r := c.withPageSize(c.filters.With(p.Name, v))
				if !e.refines(r, c) {
					continue
				}
				n++
				if !e.sweepOne(ctx, c, r) {
					return false
				}
			}
		}
	}
	return true
}

// exactForms renders an instant in every form the pattern admits for it: without seconds (a
// whole minute), without a fraction (a whole second), with its own fraction digits, and with 3
// and 10 digits more.
func exactForms(at instant.Instant) []string {
	var out []string
	if at.WholeMinute() {
		out = append(out, at.Format(-1))
	}
	if at.Frac == "" {
		out = append(out, at.Format(0))
	} else {
		out = append(out, at.Format(len(at.Frac)))
	}
	return append(out, at.Format(len(at.Frac)+3), at.Format(len(at.Frac)+10))
}

// boundaryValues renders an instant and its neighbours in the forms the pattern admits.
func boundaryValues(at instant.Instant) []string {
	var out []string
	add := func(in instant.Instant, digits int) {
		if digits == -1 && !in.WholeMinute() || digits >= 0 && digits < len(in.Frac) {
			return
		}
		out = append(out, in.Format(digits))
	}
	minute := instant.Instant{Sec: at.Sec - ((at.Sec%60)+60)%60}
	shift := func(d time.Duration) {
		sh := at.Shift(d)
		add(sh, max(len(sh.Frac), 3))
	}
	// the classes first (a sweep that stops early still has one value of each), then more forms
	add(minute, -1)                                // the minute that holds at, without seconds (at itself when whole)
	add(instant.Instant{Sec: minute.Sec + 60}, -1) // the next minute, without seconds
	add(at, -1)
	shift(400 * time.Microsecond) // a sub-millisecond step: rounding to milliseconds shows
	shift(-400 * time.Microsecond)
	add(at, len(at.Frac)+3)
	shift(time.Millisecond)
	shift(-time.Millisecond)
	add(at, 0)
	add(at, len(at.Frac))
	shift(time.Second)
	shift(-time.Second)
	add(at, len(at.Frac)+10)
	return out
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
