package engine

import (
	"context"
	"fmt"
	"strconv"

	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// corpus is the unfiltered listing, walked once at the largest page size: the oracle the filter
// and pagination rules compare against.
type corpus struct {
	ids      []string
	byID     map[string]map[string]any
	complete bool         // the walk ended with a null cursor
	why      string       // why the walk is not complete, when it is not
	pageSize client.Param // the page size the walk used ({} when the default)
	cursor   string       // the first nextCursor the walk met (a real cursor, for probes)
	pool     generators.Pool
	err      error
}

// maxCorpusPages bounds the oracle walk (at 100 items a page: 20,000 items).
const maxCorpusPages = 200

// base is a request with the valid key and the given parameters.
func base(params ...client.Param) client.Request {
	return client.Request{Params: params, Key: client.Key{Kind: client.KeyValid}}
}

// getCorpus walks the unfiltered listing once per engine.
func (e *Engine) getCorpus(ctx context.Context) *corpus {
	e.corpusM.Lock()
	defer e.corpusM.Unlock()
	if e.corpus != nil {
		return e.corpus
	}
	c := &corpus{byID: map[string]map[string]any{}}
	req := base()
	limit := 0
	if ps := e.c.PageSize(); ps != nil && ps.Maximum != nil {
		limit = int(*ps.Maximum)
		req = req.With(ps.Name, strconv.Itoa(limit))
	}
	w, err := e.walk(client.WithTag(ctx, "corpus"), e, req, walkOpts{maxPages: maxCorpusPages, limit: limit})
	if err == nil && w.rejected != nil && w.pages == 0 && limit > 0 {
		// the largest page size was refused (PARAM-LIMIT-BOUNDS says so): the default still
		// gives the filter and pagination rules their oracle
		d, _ := e.c.PageSize().DefaultInt()
		req, limit = base(), d
		w, err = e.walk(client.WithTag(ctx, "corpus"), e, req, walkOpts{maxPages: maxCorpusPages, limit: limit})
	}
	c.err = err
	c.ids, c.complete, c.cursor = w.ids, w.done && err == nil, w.cursor
	if ps := e.c.PageSize(); ps != nil {
		if v, ok := req.Get(ps.Name); ok {
			c.pageSize = client.Param{Name: ps.Name, Value: v}
		}
	}
	if err == nil && w.rejected == nil && !w.done && !w.cycled {
		// still making progress at the cap: a long listing, not a fault (cycles are reported by
		// the walk); the rules that need the whole listing say why they skip
		c.why = fmt.Sprintf("the listing is longer than the oracle walk's %d pages", maxCorpusPages)
	}
	for i, id := range w.ids {
		if _, dup := c.byID[id]; !dup {
			c.byID[id] = w.items[i]
		}
	}
	c.pool = e.poolFrom(w.items)
	e.corpus = c
	return c
}

// incomplete says why the rules that need the whole listing cannot run.
func (c *corpus) incomplete() string {
	if c.why != "" {
		return c.why + ", so there is no oracle"
	}
	return "the unfiltered listing could not be walked to its end, so there is no oracle"
}

// withPageSize sets the page size the oracle walk used (the largest one the server took), so
// sweeps need as few pages as the server allows.
func (c *corpus) withPageSize(r client.Request) client.Request {
	if c.pageSize.Name == "" {
		return r
	}
	return r.With(c.pageSize.Name, c.pageSize.Value)
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
