package engine

import (
	"context"
	"strconv"

	"github.com/introw/conform/suite/client"
)

// shape is one kind of request the auth and rate-limit probes send: the bare request, a filter
// alone at a real value, all filters together, a page size, a cursor from a real walk, a request
// that fails its schema. Faults in key checks and in counting hide on one code path (a cursor
// route, a filtered query, a cache keyed by the URL), so both areas send every shape.
type shape struct {
	what    string
	params  []client.Param // the parameters (no key)
	cursor  bool           // follow the nextCursor of the latest 200 that had one, with that request's parameters
	invalid bool           // fails its schema (422 is due; a server may leave it uncounted)
}

// shapes are the request shapes, in the order the probes send them: the bare request, each filter
// alone at a real value from the head of the listing (an enum's first member when the listing
// is empty), the page size, a cursor (see cursorSource), a request that fails its schema, and all
// filters together. The page size is the one the head walk used, so the auth area's cursor shape
// and its page-size shape are pages the valid key was already answered.
func (e *Engine) shapes(ctx context.Context) []shape {
	c := e.getCorpus(ctx)
	out := []shape{{what: "the bare request"}}
	var all []client.Param
	for _, p := range e.c.Filters() {
		v, ok := "", false
		for _, it := range c.head {
			if raw, found := fieldAt(it, p.Field); found {
				if s, isStr := raw.(string); isStr && s != "" && p.Valid(s) {
					v, ok = s, true
					break
				}
			}
		}
		if !ok && len(p.Enum) > 0 {
			v, ok = p.Enum[0], true
		}
		if ok {
			pr := client.Param{Name: p.Name, Value: v}
			out = append(out, shape{what: "the " + p.Name + " filter", params: []client.Param{pr}})
			all = append(all, pr)
		}
	}
	if ps := e.c.PageSize(); ps != nil {
		size := c.pageSize
		if size.Name == "" {
			size = client.Param{Name: ps.Name, Value: "1"}
			if ps.Minimum != nil {
				size.Value = strconv.FormatInt(*ps.Minimum, 10)
			}
		}
		out = append(out, shape{what: "a page size", params: []client.Param{size}})
	}
	if e.c.Cursor() != nil {
		out = append(out, shape{what: "a cursor", cursor: true})
	}
	if inv, ok := e.invalidParam(); ok {
		out = append(out, shape{what: "a parameter outside its schema", params: []client.Param{inv}, invalid: true})
	}
	if len(all) > 1 {
		out = append(out, shape{what: "every filter", params: all})
	}
	return out
}

// invalidParam is a parameter that fails its schema: the page size one above its maximum, else an
// enum filter's value outside the enum.
func (e *Engine) invalidParam() (client.Param, bool) {
	if ps := e.c.PageSize(); ps != nil && ps.Maximum != nil {
		return client.Param{Name: ps.Name, Value: strconv.FormatInt(*ps.Maximum+1, 10)}, true
	}
	for _, p := range e.c.Filters() {
		if len(p.Enum) > 0 && !p.Valid("conform-not-a-member") {
			return client.Param{Name: p.Name, Value: "conform-not-a-member"}, true
		}
	}
	return client.Param{}, false
}

// cursorSource hands out fresh cursors: the nextCursor of the latest 200 that had one, with the
// parameters of the request it came from, each at most once.
type cursorSource struct {
	from client.Request
	next string
}

// note records the nextCursor of an answer.
func (s *cursorSource) note(e *Engine, o *client.Observation) {
	if o == nil || o.Status != e.c.SuccessStatus() || o.JSON == nil {
		return
	}
	if pg := e.readPage(o); pg.shapeErr == "" && pg.hasNext && pg.cursor != "" {
		s.from, s.next = o.Request, pg.cursor
	}
}

// request builds the request of a shape with a key; ok false for a cursor shape when no fresh
// cursor is at hand.
func (s *cursorSource) request(e *Engine, sh shape, k client.Key) (client.Request, bool) {
	if !sh.cursor {
		return client.Request{Params: append([]client.Param(nil), sh.params...), Key: k}, true
	}
	if s.next == "" {
		return client.Request{}, false
	}
	r := s.from.With(e.c.Cursor().Name, s.next).WithKey(k)
	r.Open = false
	s.next = ""
	return r, true
}
