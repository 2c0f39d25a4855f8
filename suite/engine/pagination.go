package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
)

// maxSmallWalkPages bounds the walk at a small page size.
const maxSmallWalkPages = 60

// paginationWorkflow: walks of the whole listing at three page sizes give one set; a filtered
// walk keeps its filters; cursors the server never issued are refused.
func paginationWorkflow(ctx context.Context, e *Engine) {
	ids := []string{"PAGE-LIMIT", "PAGE-TERMINATES", "PAGE-NO-DUPLICATES", "PAGE-COMPLETE", "PAGE-FILTERS-KEPT", "PAGE-FOREIGN-CURSOR"}
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
	n := len(c.ids)
	// the default page size (no limit parameter), then a small odd one
	walks := []client.Request{base()}
	if ps := e.c.PageSize(); ps != nil {
		small := e.smallLimit(n, ps)
		walks = append(walks, base(client.Param{Name: ps.Name, Value: strconv.Itoa(small)}))
	}
	for _, r := range walks {
		if !e.compareWalk(client.WithTag(ctx, "PAGE-COMPLETE"), c, r) {
			return
		}
	}
	if !e.filtersKept(client.WithTag(ctx, "PAGE-FILTERS-KEPT"), c) {
		return
	}
	e.stopped(e.property(ctx, "PAGE-FOREIGN-CURSOR", e.foreignCursor()), "PAGE-FOREIGN-CURSOR")
}

// smallLimit picks a small page size, from the seed, that walks n items in at most
// maxSmallWalkPages pages.
func (e *Engine) smallLimit(n int, ps *contract.Param) int {
	lo, hi := int(*ps.Minimum), int(*ps.Maximum)
	rng := rand.New(rand.NewPCG(e.cfg.Seed, 7))
	l := lo + 1 + rng.IntN(9)
	if need := (n + maxSmallWalkPages - 1) / maxSmallWalkPages; l < need {
		l = need
	}
	return max(lo, min(hi, l))
}

// compareWalk walks the whole listing with r and compares its set with the corpus.
func (e *Engine) compareWalk(ctx context.Context, c *corpus, r client.Request) bool {
	limit := e.effectiveLimit(r)
	bound := maxCorpusPages
	if c.complete {
		bound = terminationBound(len(c.ids))
	}
	w, err := e.walk(ctx, e, r, walkOpts{maxPages: bound, limit: limit})
	if e.stopped(err, "PAGE-COMPLETE", "PAGE-TERMINATES") {
		return false
	}
	if w.rejected != nil || w.cycled {
		return true
	}
	if !w.done && !w.cycled {
		e.add(Finding{Rule: "PAGE-TERMINATES", Request: r.String(), Curl: e.cl.Curl(r),
			Message: fmt.Sprintf("expected a null nextCursor within %d pages (the listing holds %d items), got a cursor on every page", w.pages, len(c.ids))})
		return true
	}
	if !c.complete {
		return true
	}
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
	for id := range got {
		if c.byID[id] == nil {
			extra = append(extra, id)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		e.add(Finding{Rule: "PAGE-COMPLETE", Request: r.String(), Curl: e.cl.Curl(r),
			Message: fmt.Sprintf("expected the same %d items as the walk at the largest page size, got %d over %d pages: missing %s, extra %s",
				len(c.ids), len(got), w.pages, describeIDs(missing, 5), describeIDs(extra, 5))})
	}
	return true
}

// filtersKept walks, at a small page size, the equality filter value with the most items.
func (e *Engine) filtersKept(ctx context.Context, c *corpus) bool {
	ps := e.c.PageSize()
	if ps == nil || !c.complete {
		return true
	}
	var best client.Request
	bestN := 0
	for _, r := range e.equalityProbes(c) {
		if n := e.expected(c, r); n > bestN {
			best, bestN = r, n
		}
	}
	if bestN < 2 {
		return true
	}
	limit := max(int(*ps.Minimum), min(int(*ps.Maximum), (bestN+3)/4))
	r := best.With(ps.Name, strconv.Itoa(limit))
	return e.sweepOne(ctx, c, r)
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
		switch {
		case o.Status >= 400 && o.Status < 500:
		case o.Status == e.c.SuccessStatus():
			if p := e.readPage(o); p.shapeErr == "" && len(p.items) > 0 {
				x.add(e.finding("PAGE-FOREIGN-CURSOR", o, "expected a 4xx (or an empty page) for a cursor the server never issued, got %d with %d items", o.Status, len(p.items)))
			}
		default:
			x.add(e.finding("PAGE-FOREIGN-CURSOR", o, "expected a 4xx for a cursor the server never issued, got %d", o.Status))
		}
		return nil
	}
}
