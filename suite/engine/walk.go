package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"strconv"

	"github.com/introw/conform/suite/client"
)

// walkResult is what following nextCursor from a first request produced.
type walkResult struct {
	ids      []string         // every item id, in the order returned
	items    []map[string]any // every item
	pageOf   []int            // the page (0-based) each item came from
	pages    int              // pages received
	done     bool             // a page with a null cursor ended the walk
	cycled   bool             // the walk came back to items or a cursor it had already met
	stuck    bool             // maxEmptyRun pages in a row brought no new item
	cursor   string           // the first nextCursor the walk met
	rejected *client.Observation
}

// walkOpts bounds a walk and says what to check on the way.
type walkOpts struct {
	maxPages int                                             // stop after this many pages that bring new items (done stays false)
	limit    int                                             // the effective page size (the request's limit or the default)
	check    func(pageNo int, p page, o *client.Observation) // per-page rule checks (may be nil)
}

// maxEmptyRun is how many pages in a row may bring no new item before PAGE-TERMINATES fails:
// limit is a maximum, so a page may hold no item while nextCursor is non-null, but a walk must
// end, and one that stops yielding items for this many pages is not ending.
const maxEmptyRun = 10

// walk sends the first request and follows nextCursor. It reports PAGE-TERMINATES,
// PAGE-NO-DUPLICATES and PAGE-COMPLETE findings to s (page sizes and filters are judged on every
// page by inspect); it returns an error only when the budget or the context ends it.
func (e *Engine) walk(ctx context.Context, s sink, first client.Request, opts walkOpts) (walkResult, error) {
	var w walkResult
	seenCursor := map[string]bool{}
	seenID := map[string]bool{}
	cursorName := ""
	if c := e.c.Cursor(); c != nil {
		cursorName = c.Name
	}
	req := first
	var steps []string // the curl lines of the pages so far, for findings that need the walk
	withSteps := func(f Finding) Finding {
		f.Sequence = append([]string(nil), steps[:len(steps)-1]...)
		if len(f.Sequence) > 12 {
			f.Sequence = append(f.Sequence[:3:3], append([]string{fmt.Sprintf("… %d more pages …", len(f.Sequence)-9)}, f.Sequence[len(f.Sequence)-6:]...)...)
		}
		return f
	}
	full, emptyRun := 0, 0
	for full < opts.maxPages {
		o, ok, err := e.send(ctx, s, req)
		if err != nil {
			return w, err
		}
		steps = append(steps, e.cl.Curl(req))
		if !ok || o.Status != e.c.SuccessStatus() {
			w.rejected = o
			if w.pages > 0 && o.Err == nil {
				// the server handed out this cursor as "more results": it must lead to them
				e.judged(rules.PageComplete)
				s.add(withSteps(e.finding(rules.PageComplete, o, "expected the next page for the nextCursor page %d returned (null means no more results), got %d", w.pages, o.Status)))
			}
			return w, nil
		}
		p := e.readPage(o)
		if p.shapeErr != "" {
			w.rejected = o
			return w, nil
		}
		fresh := 0
		for _, id := range p.ids {
			if !seenID[id] {
				fresh++
			}
		}
		if len(p.ids) > 0 && fresh == 0 {
			e.judged(rules.PageTerminates)
			s.add(withSteps(e.finding(rules.PageTerminates, o, "expected the walk to move on, got page %d holding only items already returned (the cursor cycles back)", w.pages+1)))
			w.cycled = true
			return w, nil
		}
		for _, id := range p.ids {
			if seenID[id] {
				f := e.finding(rules.PageNoDuplicates, o, "expected each item once in a walk, got %s=%q again on page %d", e.c.Page.IDField, id, w.pages+1)
				f.Value = id
				s.add(withSteps(f))
			}
			seenID[id] = true
		}
		if w.pages > 0 {
			e.judged(rules.PageNoDuplicates)
		}
		if opts.check != nil {
			opts.check(w.pages, p, o)
		}
		w.ids = append(w.ids, p.ids...)
		w.items = append(w.items, p.items...)
		for range p.ids {
			w.pageOf = append(w.pageOf, w.pages)
		}
		w.pages++
		if fresh > 0 {
			full, emptyRun = full+1, 0
		} else {
			emptyRun++
		}
		if !p.hasNext {
			w.done = true
			e.judged(rules.PageTerminates)
			return w, nil
		}
		if cursorName == "" {
			return w, nil
		}
		if seenCursor[p.cursor] {
			e.judged(rules.PageTerminates)
			s.add(withSteps(e.finding(rules.PageTerminates, o, "expected the walk to end, got nextCursor %q a second time after %d pages (a cycle)", short(p.cursor), w.pages)))
			w.cycled = true
			return w, nil
		}
		if emptyRun >= maxEmptyRun {
			e.judged(rules.PageTerminates)
			s.add(withSteps(e.finding(rules.PageTerminates, o, "expected the walk to end, got %d pages in a row with no new item, each with a fresh nextCursor (the last: %q), after %d items", emptyRun, short(p.cursor), len(w.ids))))
			w.stuck = true
			return w, nil
		}
		seenCursor[p.cursor] = true
		if w.cursor == "" {
			w.cursor = p.cursor
		}
		req = first.With(cursorName, p.cursor)
	}
	return w, nil
}

// terminationBound is how many item-bearing pages a walk over n expected items may take: every
// page may hold fewer than limit items, but each that brings anything brings at least one.
func terminationBound(n int) int { return n + 3 }

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// effectiveLimit is the page size a request asks for (its limit or the spec's default).
func (e *Engine) effectiveLimit(r client.Request) int {
	ps := e.c.PageSize()
	if ps == nil {
		return 0
	}
	if v, ok := r.Get(ps.Name); ok {
		n, _ := strconv.Atoi(v)
		return n
	}
	d, _ := ps.DefaultInt()
	return d
}

func describeIDs(ids []string, n int) string {
	if len(ids) > n {
		return fmt.Sprintf("%q and %d more", ids[:n], len(ids)-n)
	}
	return fmt.Sprintf("%q", ids)
}
