package engine

import (
	"context"

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
// a usable HTTP answer.
func (e *Engine) send(ctx context.Context, s sink, r client.Request) (*client.Observation, bool, error) {
	o, err := e.cl.Do(ctx, r, true)
	if err != nil {
		return nil, false, err
	}
	return o, e.inspect(o, s), nil
}

// stopped marks the rules of a workflow cut short when err is the budget; it reports whether
// the workflow must stop.
func (e *Engine) stopped(err error, ids ...string) bool {
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
