package engine

import (
	"context"
	"fmt"
	"net/http"

	"github.com/introw/conform/suite/client"
)

// decreasingProbes is how many consecutive requests RATE-DECREASING watches.
const decreasingProbes = 4

// maxExhaustion bounds the requests spent exhausting the rate-limit key.
const maxExhaustion = 150

// rateLimitWorkflow: the remaining count falls request by request; the rate-limit key gets 429.
func rateLimitWorkflow(ctx context.Context, e *Engine) {
	if e.c.RateLimit.Limit == "" {
		for _, id := range []string{"RATE-HEADERS-PRESENT", "RATE-HEADERS-FORMAT", "RATE-DECREASING"} {
			e.skip(id, "the spec documents no rate-limit headers")
		}
	} else if !e.decreasing(ctx) {
		return
	}
	e.exhaust(ctx)
}

func (e *Engine) decreasing(ctx context.Context) bool {
	const id = "RATE-DECREASING"
	ctx = client.WithTag(ctx, id)
	var seen []uint64
	var steps []string
	rises := 0
	for range decreasingProbes {
		o, ok, err := e.send(ctx, e, base())
		if e.stopped(err, id) {
			return false
		}
		if !ok || o.Status != e.c.SuccessStatus() {
			continue
		}
		r, ok := e.remaining(o)
		if !ok {
			continue // absence and format are other rules' findings
		}
		steps = append(steps, e.cl.Curl(o.Request))
		if len(seen) > 0 {
			prev := seen[len(seen)-1]
			switch {
			case r > prev:
				rises++ // a new window: tolerated once
				if rises > 1 {
					f := e.finding(id, o, "expected %s to decrease across consecutive requests, got it rising twice: %v then %d", e.c.RateLimit.Remaining, seen, r)
					f.Sequence = steps
					e.add(f)
					return true
				}
			case r == prev:
				f := e.finding(id, o, "expected %s to decrease across consecutive requests, got %v then %d", e.c.RateLimit.Remaining, seen, r)
				f.Sequence = steps
				e.add(f)
				return true
			}
		}
		seen = append(seen, r)
	}
	return true
}

// exhaust spends the rate-limit key's allowance and expects a 429.
func (e *Engine) exhaust(ctx context.Context) {
	const id = "RATE-429-ON-EXHAUSTION"
	ctx = client.WithTag(ctx, id)
	if !e.cl.HasKey(client.KeyRateLimit) {
		e.skip(id, "CONFORM_RATE_LIMIT_KEY is not set")
		return
	}
	r := client.Request{Key: client.Key{Kind: client.KeyRateLimit}}
	bound := maxExhaustion
	var last *client.Observation
	spent := false // the previous 200 said no requests remain
	for i := 0; i < bound; i++ {
		o, err := e.cl.Do(ctx, r, false)
		if e.stopped(err, id) {
			return
		}
		ok := e.inspect(o, e)
		if !ok {
			return
		}
		last = o
		if o.Status == http.StatusTooManyRequests {
			return // SCHEMA-BODY and SCHEMA-CONTENT-TYPE judge its envelope
		}
		if o.Status != e.c.SuccessStatus() {
			e.add(e.finding(id, o, "expected 200 until the allowance is spent, then 429; got %d", o.Status))
			return
		}
		rem, hasRem := e.remaining(o)
		if spent && (!hasRem || rem == 0) {
			// the server said 0 remain and answered 200 again without a new window (a new
			// window would show a fresh remaining count)
			e.add(e.finding(id, o, "expected 429 once %s reached 0, got %d again", e.c.RateLimit.Remaining, o.Status))
			return
		}
		spent = hasRem && rem == 0
		if l, ok := e.limitHeader(o); ok && i == 0 {
			if l+5 > maxExhaustion {
				e.skip(id, fmt.Sprintf("the rate-limit key allows %d requests a minute; conform spends at most %d", l, maxExhaustion))
				return
			}
			bound = int(l) + 5
		}
	}
	if last != nil {
		e.add(e.finding(id, last, "expected 429 within %d requests with the rate-limit key, got %d every time", bound, last.Status))
	}
}
