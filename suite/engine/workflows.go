package engine

import (
	"context"
	"net/http"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/rules"
)

// workflows maps each area to the plan that exercises its rules.
var workflows = map[rules.Area]func(context.Context, *Engine){
	rules.Auth:       authWorkflow,
	rules.Parameters: parametersWorkflow,
	rules.Filters:    filtersWorkflow,
	rules.Pagination: paginationWorkflow,
	rules.RateLimits: rateLimitWorkflow,
	rules.Schema:     schemaWorkflow,
	rules.Transport:  func(context.Context, *Engine) {}, // every request feeds TRANSPORT-ANSWER
}

// send sends a request, applies the per-response rules, and returns the observation when it is
// a usable HTTP answer. The valid key's answers are shared across the run (shareable): one
// the run has already sent (or is sending) is not sent again, its answer is judged again by the
// caller's rules (a GET of the same URL within seconds is the same answer), unless it was a
// transport failure, a 429 or a 5xx (keep), or ctx asks for a fresh answer (the rate-limit
// probes count requests). Which requests go out is the same at any concurrency: the first of two identical
// requests is sent, the second waits for its answer.
func (e *Engine) send(ctx context.Context, s sink, r client.Request) (*client.Observation, bool, error) {
	if !e.shareable(r) {
		return e.sendNow(ctx, s, r)
	}
	q := r.Query()
	if ctx.Value(freshKey{}) != nil {
		// sent whatever the run holds; its answer serves later plans
		o, ok, err := e.sendNow(ctx, s, r)
		if err == nil && e.keep(o, ok) {
			e.mu.Lock()
			if _, held := e.shared[q]; !held {
				a := &sharedAnswer{done: make(chan struct{}), o: o, ok: ok}
				close(a.done)
				e.shared[q] = a
			}
			e.mu.Unlock()
		}
		return o, ok, err
	}
	e.mu.Lock()
	a, hit := e.shared[q]
	if !hit {
		a = &sharedAnswer{done: make(chan struct{})}
		e.shared[q] = a
	}
	e.mu.Unlock()
	if !hit {
		o, ok, err := e.sendNow(ctx, s, r)
		if err == nil && e.keep(o, ok) {
			a.o, a.ok = o, ok
		}
		close(a.done)
		return o, ok, err
	}
	select {
	case <-a.done:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	if a.o == nil {
		return e.sendNow(ctx, s, r)
	}
	if s != sink(e) {
		e.inspect(a.o, s) // a property's example or a walk collects its own findings
	}
	return a.o, a.ok, nil
}

// maxSharedBody caps the body of an answer the run keeps to share: the answers shared are first
// pages (at most a few hundred in a run), so the run's memory stays bounded whatever the server
// sends.
const maxSharedBody = 256 << 10

// shareable reports whether a request's answer may serve every plan that sends it: the valid
// key's (a cursor's page too: a cursor followed once serves every walk that reaches it, and a
// server may refuse a cursor used twice).
func (e *Engine) shareable(r client.Request) bool {
	return r.Key.Kind == client.KeyValid
}

// keep reports whether an answer is worth sharing: a complete HTTP answer, not a 429 or a 5xx
// (those are asked again), and not over maxSharedBody.
func (e *Engine) keep(o *client.Observation, ok bool) bool {
	return ok && o != nil && o.Err == nil && !o.Truncated && len(o.Body) <= maxSharedBody &&
		o.Status != http.StatusTooManyRequests && o.Status < 500
}

// sharedAnswer is the answer to one request the run shares between the plans that send it.
type sharedAnswer struct {
	done chan struct{}
	o    *client.Observation
	ok   bool
}

type freshKey struct{}

// fresh marks ctx's requests as never shared: each is sent and counted by the server.
func fresh(ctx context.Context) context.Context { return context.WithValue(ctx, freshKey{}, true) }

// sendNow sends r and applies the per-response rules.
func (e *Engine) sendNow(ctx context.Context, s sink, r client.Request) (*client.Observation, bool, error) {
	o, err := e.cl.Do(ctx, r, true)
	if err != nil {
		return nil, false, err
	}
	return o, e.inspect(o, s), nil
}

// stopped marks the rules of a workflow cut short when err is the budget; it reports whether
// the workflow must stop.
func (e *Engine) stopped(err error, ids ...rules.ID) bool {
	if err == nil {
		return false
	}
	for _, id := range ids {
		e.cutShort(id, err)
	}
	if len(ids) == 0 {
		return true
	}
	if r, ok := rules.Lookup(ids[0]); ok {
		e.mu.Lock()
		e.halted[r.Area] = err
		e.mu.Unlock()
	}
	return true
}
