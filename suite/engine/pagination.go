package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"math/rand/v2"
	"slices"
	"strconv"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
)

// paginationWorkflow: walks of the slice at other page sizes give the slice's set; filtered
// walks at a small page size keep their filters; a few pages at each small page size hold no
// duplicate; cursors the server never issued are refused.
func paginationWorkflow(ctx context.Context, e *Engine) {
	ids := []rules.ID{rules.PageLimit, rules.PageTerminates, rules.PageNoDuplicates, rules.PageComplete, rules.PageFiltersKept, rules.PageForeignCursor}
	c := e.getCorpus(ctx)
	if e.stopped(c.err, ids...) {
		return
	}
	if e.c.Cursor() == nil {
		for _, id := range ids {
			e.skip(id, "the spec has no cursor parameter")
		}
		return
	}
	if !c.complete {
		e.note(rules.PageComplete, c.why)
		e.note(rules.PageFiltersKept, c.why)
	}
	n := len(c.ids)
	// the slice at the default page size (no limit parameter), then at a small odd one
	var walks []client.Request
	if e.depth.defaultWalk || e.c.PageSize() == nil {
		walks = append(walks, c.filters)
	}
	if ps := e.c.PageSize(); ps != nil {
		small := e.smallLimit(n, ps)
		walks = append(walks, c.filters.With(ps.Name, strconv.Itoa(small)))
	}
	var plans []func(context.Context) bool
	for _, r := range walks {
		plans = append(plans, func(ctx context.Context) bool { return e.compareWalk(client.WithTag(ctx, rules.PageComplete), c, r) })
	}
	plans = append(plans,
		func(ctx context.Context) bool { return e.filtersKept(client.WithTag(ctx, rules.PageFiltersKept), c) },
		func(ctx context.Context) bool { return e.limitSweep(client.WithTag(ctx, rules.PageNoDuplicates), c) },
		func(ctx context.Context) bool {
			return e.mutatedCursors(client.WithTag(ctx, rules.PageForeignCursor), c)
		},
		func(ctx context.Context) bool {
			return !e.stopped(e.property(ctx, rules.PageForeignCursor, e.foreignCursor()), rules.PageForeignCursor)
		})
	e.parallel(ctx, plans...)
}

// smallLimit picks a small page size, from the seed, that walks n items in at most
// depth.smallPages pages.
func (e *Engine) smallLimit(n int, ps *contract.Param) int {
	lo, hi := int(*ps.Minimum), int(*ps.Maximum)
	rng := rand.New(rand.NewPCG(e.cfg.Seed, 7))
	l := lo + 1 + rng.IntN(9)
	if need := (n + e.depth.smallPages - 1) / e.depth.smallPages; l < need {
		l = need
	}
	return max(lo, min(hi, l))
}

// compareWalk walks the slice with r (its filters at another page size) and compares the set
// with the slice's.
func (e *Engine) compareWalk(ctx context.Context, c *corpus, r client.Request) bool {
	limit := e.effectiveLimit(r)
	full := c.complete && limit > 0
	bound := terminationBound(len(c.ids))
	if !full {
		bound = shortWalkPages
	}
	w, err := e.walk(ctx, e, r, walkOpts{maxPages: bound, limit: limit})
	if e.stopped(err, rules.PageComplete, rules.PageTerminates) {
		return false
	}
	if w.rejected != nil || w.cycled || w.stuck || !full {
		return true
	}
	if !w.done {
		e.add(Finding{Rule: rules.PageTerminates, Request: r.String(), Curl: e.cl.Curl(r),
			Message: fmt.Sprintf("expected a null nextCursor within %d pages (the slice %s holds %d items), got a cursor on every page", w.pages, c.filters.String(), len(c.ids))})
		return true
	}
	e.judged(rules.PageComplete)
	got := map[string]bool{}
	for _, id := range w.ids {
		got[id] = true
	}
	var missing, extra []string
	for _, id := range c.ids {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for _, id := range w.ids {
		if c.byID[id] == nil && !slices.Contains(extra, id) {
			extra = append(extra, id)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		e.add(Finding{Rule: rules.PageComplete, Request: r.String(), Curl: e.cl.Curl(r),
			Message: fmt.Sprintf("expected the same %d items as the walk of the slice %s at the largest page size, got %d over %d pages: missing %s, extra %s",
				len(c.ids), c.filters.String(), len(got), w.pages, describeIDs(missing, 5), describeIDs(extra, 5))})
	}
	return true
}

// shortWalkPages bounds a walk with nothing to compare it with.
const shortWalkPages = 10

// The page-size sweep walks a few pages at each of depth.limits: faults that show only at one
// small page size (duplicates at limit=3, a walk that never ends at limit=1) hide there.

// limitSweep walks a few pages at each small page size, checking page sizes, duplicates and
// progress (the walk reports them).
func (e *Engine) limitSweep(ctx context.Context, c *corpus) bool {
	ps := e.c.PageSize()
	if ps == nil {
		return true
	}
	sweepPages := e.depth.limitPages
	for _, l := range e.depth.limits {
		if l < int(*ps.Minimum) || l > int(*ps.Maximum) {
			continue
		}
		r := base(client.Param{Name: ps.Name, Value: strconv.Itoa(l)})
		w, err := e.walk(ctx, e, r, walkOpts{maxPages: sweepPages, limit: l})
		if e.stopped(err, rules.PageNoDuplicates, rules.PageTerminates, rules.PageLimit) {
			return false
		}
		if w.rejected != nil || w.cycled || w.pages < 2 || sweepPages*l > int(*ps.Maximum) {
			continue
		}
		// the same items must open the listing whether they come a few per page or on one page
		one := base(client.Param{Name: ps.Name, Value: strconv.Itoa(sweepPages * l)})
		o, ok, err := e.send(ctx, e, one)
		if e.stopped(err, rules.PageComplete) {
			return false
		}
		if !ok || o.Status != e.c.SuccessStatus() {
			continue
		}
		p := e.readPage(o)
		n := min(len(p.ids), len(w.ids))
		if p.shapeErr != "" || n == 0 {
			continue
		}
		a, b := slices.Clone(w.ids[:n]), slices.Clone(p.ids[:n])
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			f := e.finding(rules.PageComplete, o, "expected the first %d items of a walk at %s=%d to be the first %d items on one page at %s=%d, got %s against %s",
				n, ps.Name, l, n, ps.Name, sweepPages*l, describeIDs(w.ids[:n], 5), describeIDs(p.ids[:n], 5))
			f.Sequence = []string{e.cl.Curl(r)}
			e.add(f)
		}
	}
	return true
}

// mutatedCursors sends altered copies of a real cursor (a character changed, cut short,
// extended, a digit changed inside its base64): whatever the server makes of them (a 4xx, or
// a page if its cursors are plain offsets), it must not be a 5xx or a body outside the schema.
func (e *Engine) mutatedCursors(ctx context.Context, c *corpus) bool {
	cur := e.c.Cursor()
	if cur == nil || c.cursor == "" {
		return true
	}
	for _, v := range cursorMutations(c.cursor) {
		r := c.withPageSize(base(client.Param{Name: cur.Name, Value: v}))
		r.Open = true
		if _, _, err := e.send(ctx, e, r); e.stopped(err, rules.PageForeignCursor) {
			return false
		}
	}
	return true
}

// cursorMutations derives never-issued cursors from a real one.
func cursorMutations(real string) []string {
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	out := []string{flip(real, 0), flip(real, len(real)/2), flip(real, len(real)-1), real[:len(real)/2], real + "A", real + "=="}
	encodings := []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding}
	for _, enc := range encodings {
		raw, err := enc.DecodeString(real)
		if err != nil {
			continue
		}
		for i, ch := range raw {
			if ch >= '0' && ch <= '9' { // an offset or a position inside the token: push it far
				bigger := append([]byte(nil), raw...)
				bigger[i] = '8' // same width, so a 19-digit nanosecond time still fits in 64 bits
				if ch >= '8' {
					bigger[i] = '9'
				}
				longer := append(append(append([]byte(nil), bigger[:i+1]...), "9999"...), bigger[i+1:]...)
				for _, alt := range [][]byte{bigger, longer} {
					for _, out2 := range encodings { // the padding the server expects is unknown
						out = append(out, out2.EncodeToString(alt))
					}
				}
				break
			}
		}
		break
	}
	var uniq []string
	for _, v := range out {
		if v != real && v != "" && !slices.Contains(uniq, v) {
			uniq = append(uniq, v)
		}
	}
	return uniq
}

// filtersKept walks filtered requests at a small page size, so later pages show whether the
// cursor keeps the filters: the slice's own filters, the equality refinement with the most
// items, every pair of filters at one real item's values, and all of them together.
func (e *Engine) filtersKept(ctx context.Context, c *corpus) bool {
	ps := e.c.PageSize()
	if ps == nil || !c.complete || len(c.ids) < 2 {
		return true
	}
	var probes []client.Request
	if len(c.filters.Params) > 0 {
		probes = append(probes, c.filters)
	}
	// per equality filter, the refinement with the most items (an enum filter and a free-form
	// one are often dropped by different code paths)
	best := map[string]client.Request{}
	bestN := map[string]int{}
	var order []string
	for _, r := range e.equalityProbes(c) {
		name := r.Params[len(r.Params)-1].Name
		if n := e.expected(c, r); n > bestN[name] {
			if _, seen := best[name]; !seen {
				order = append(order, name)
			}
			best[name], bestN[name] = r, n
		}
	}
	for _, name := range order {
		if bestN[name] >= 2 {
			probes = append(probes, best[name])
		}
	}
	long := len(probes) // these span more pages: a filter a cursor drops only after a few pages shows
	probes = append(probes, e.filterCombinations(c)...)
	sent := map[string]bool{}
	for i, r := range probes {
		n := e.expected(c, r)
		if n < 2 || sent[r.String()] {
			continue
		}
		sent[r.String()] = true
		pages := e.depth.keptPages
		if i < long {
			pages = max(pages, 5)
		}
		limit := max(int(*ps.Minimum), min(int(*ps.Maximum), (n+pages-1)/pages))
		if !e.sweepOne(ctx, c, r.With(ps.Name, strconv.Itoa(limit))) {
			return false
		}
	}
	return true
}

// filterCombinations lists, for the slice item whose values match the most items, every pair
// of the filters (the item's own values; date bounds at its own instants) and all of them
// together, as refinements of the slice.
func (e *Engine) filterCombinations(c *corpus) []client.Request {
	items := c.sliceItems()
	if len(items) == 0 {
		return nil
	}
	var bestParams []client.Param
	bestN := -1
	for _, it := range items[:min(len(items), 20)] {
		window, eqs := e.sliceDims(it)
		all := append(slices.Clone(window), eqs...)
		r := c.filters
		for _, p := range all {
			r = r.With(p.Name, p.Value)
		}
		if n := e.expected(c, r); n > bestN {
			bestParams, bestN = all, n
		}
	}
	var out []client.Request
	for i := range bestParams {
		for j := i + 1; j < len(bestParams); j++ {
			out = append(out, c.filters.With(bestParams[i].Name, bestParams[i].Value).With(bestParams[j].Name, bestParams[j].Value))
		}
	}
	r := c.filters
	for _, p := range bestParams {
		r = r.With(p.Name, p.Value)
	}
	return append(out, r)
}

// foreignCursor sends cursors no server issued: 4xx, or 200 with no items, is the answer.
func (e *Engine) foreignCursor() func(context.Context, *rapid.T, *example) error {
	name := e.c.Cursor().Name
	return func(ctx context.Context, t *rapid.T, x *example) error {
		v := rapid.OneOf(
			rapid.StringMatching(`conform-[a-zA-Z]{1,8}[0-9_]{0,24}`),
			rapid.StringMatching(`[%!*()'~.]{1,6}[a-z]{0,8}`),
			rapid.StringMatching(`eyJ[A-Za-z0-9]{8,40}`),
		).Draw(t, "cursor") // not "null" or "": a server may reasonably read those as no cursor
		r := base(client.Param{Name: name, Value: v})
		r.Open = true
		o, ok, err := e.send(ctx, x, r)
		if err != nil || !ok {
			return err
		}
		e.judged(rules.PageForeignCursor)
		switch {
		case o.Status >= 400 && o.Status < 500:
		case o.Status == e.c.SuccessStatus():
			if p := e.readPage(o); p.shapeErr == "" && len(p.items) > 0 {
				x.add(e.finding(rules.PageForeignCursor, o, "expected a 4xx (or an empty page) for a cursor the server never issued, got %d with %d items", o.Status, len(p.items)))
			}
		default:
			x.add(e.finding(rules.PageForeignCursor, o, "expected a 4xx for a cursor the server never issued, got %d", o.Status))
		}
		return nil
	}
}
