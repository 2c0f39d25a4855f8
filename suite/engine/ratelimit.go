package engine

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/introw/conform/suite/client"
)

// decreasingProbes is how many consecutive requests RATE-DECREASING watches (one more for each
// new window it sees start).
const decreasingProbes = 4

// maxExhaustion bounds the requests spent exhausting the rate-limit key in one window.
const maxExhaustion = 150

// maxWindowRestarts is how many new rate-limit windows one check follows (remaining rising
// starts the count again). A window lasts a minute and a check takes milliseconds, so one renewal
// is the most a conformant server shows; past this many the rule is reported not checked rather
// than judged on readings that keep restarting.
const maxWindowRestarts = 3

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

// notChecked reports a rule that ran but could not reach a verdict (the run is incomplete).
func (e *Engine) notChecked(id, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res.Violations == 0 && res.Status != Skip && res.Status != Error {
		res.Status, res.Reason = CutOff, "not checked: "+reason
	}
}

// decreasing watches the remaining count over consecutive 200s with the valid key: within a
// window every request must lower it. A rise is a new window: the count starts again there (one
// more probe for each). Only two consecutive numeric readings compared within one window are
// evidence; a reading that is absent or not digits breaks the chain (those are RATE-HEADERS-*
// findings), so a server whose remaining header holds a word is never passed by this rule.
//
// Two equal readings are a static count, with one exception: both at limit-1 (the value of a
// window's first request) can be two windows' first requests, which takes two renewals, so a
// minute, between the reading before them and the second. That pair is inconclusive (a restart)
// when there is no reading before it or the three requests spanned a minute or more (a --rate
// slower than one a minute); requests milliseconds apart never do.
func (e *Engine) decreasing(ctx context.Context) bool {
	const id = "RATE-DECREASING"
	ctx = client.WithTag(ctx, id)
	var window []uint64 // the readings of the current window, in order
	var steps []string
	var atPrev, atBefore time.Time // when the last two numeric readings were asked for
	restarts := 0
	for sent := 0; sent < decreasingProbes+restarts; sent++ {
		at := time.Now()
		o, ok, err := e.send(ctx, e, base())
		if e.stopped(err, id) {
			return false
		}
		if !ok || o.Status != e.c.SuccessStatus() {
			continue
		}
		r, ok := e.remaining(o)
		if !ok {
			window, steps = nil, nil // absence and format are other rules' findings
			continue
		}
		steps = append(steps, e.cl.Curl(o.Request))
		before := atBefore
		atBefore, atPrev = atPrev, at
		lim, hasLim := e.limitHeader(o)
		if hasLim && r == lim {
			// a 200 is counted, so even a window's first request leaves remaining below the limit
			f := e.finding(id, o, "expected %s below %s on a 200 (every 200 is counted), got %d of %d", e.c.RateLimit.Remaining, e.c.RateLimit.Limit, r, lim)
			f.Sequence = steps
			e.add(f)
			e.judged(id)
			return true
		}
		if len(window) > 0 {
			prev := window[len(window)-1]
			firsts := r == prev && hasLim && lim > 0 && r == lim-1 && (before.IsZero() || at.Sub(before) >= time.Minute)
			switch {
			case r > prev, firsts:
				restarts++ // a new window
				if restarts > maxWindowRestarts {
					e.notChecked(id, fmt.Sprintf("%s started again %d times in %d requests (a new window each time), so no decrease could be followed: %v then %d",
						e.c.RateLimit.Remaining, restarts, sent+1, window, r))
					return true
				}
				window, steps = nil, steps[len(steps)-1:]
			case r == prev:
				f := e.finding(id, o, "expected %s to decrease across consecutive requests, got %v then %d", e.c.RateLimit.Remaining, window, r)
				f.Sequence = steps
				e.add(f)
				e.judged(id)
				return true
			default:
				e.judged(id) // compared within one window: it fell
			}
		}
		window = append(window, r)
	}
	return true
}

// exhaust spends the rate-limit key's allowance and expects a 429 once remaining reached 0, and
// never a 200 after a 0 in the same window. A window renewing mid-way (remaining rises) starts the
// count again, with a fresh bound, a few times at most.
func (e *Engine) exhaust(ctx context.Context) {
	const id = "RATE-429-ON-EXHAUSTION"
	ctx = client.WithTag(ctx, id)
	if !e.cl.HasKey(client.KeyRateLimit) {
		e.skip(id, "CONFORM_RATE_LIMIT_KEY is not set")
		return
	}
	r := client.Request{Key: client.Key{Kind: client.KeyRateLimit}}
	bound := maxExhaustion // requests allowed in the current window before a 429 is overdue
	limitKnown := false
	var last *client.Observation
	var prev uint64 // the last numeric remaining read
	hasPrev := false
	spent := false // the previous 200 said no requests remain
	restarts, inWindow := 0, 0
	for inWindow < bound {
		o, err := e.cl.Do(ctx, r, false)
		if e.stopped(err, id) {
			return
		}
		ok := e.inspect(o, e)
		if !ok {
			return
		}
		last = o
		inWindow++
		if o.Status == http.StatusTooManyRequests {
			e.judged(id) // SCHEMA-BODY and SCHEMA-CONTENT-TYPE judge its envelope
			return
		}
		if o.Status != e.c.SuccessStatus() {
			e.add(e.finding(id, o, "expected 200 until the allowance is spent, then 429; got %d", o.Status))
			e.judged(id)
			return
		}
		rem, hasRem := e.remaining(o)
		lim, hasLim := e.limitHeader(o)
		if hasRem && hasPrev && (rem > prev || rem == prev && hasLim && lim > 0 && rem == lim-1) {
			// a new window: the allowance was renewed (remaining rose, or is again at the value
			// of a window's first request), so the count starts again here
			restarts++
			if restarts > maxWindowRestarts {
				e.notChecked(id, fmt.Sprintf("the rate-limit window was renewed %d times (%s started again) before the allowance could be spent", restarts, e.c.RateLimit.Remaining))
				return
			}
			spent, inWindow = false, 1
		}
		if spent && (!hasRem || rem == 0) {
			// the server said 0 remain and answered 200 again without a new window (a new
			// window would show a fresh remaining count)
			e.add(e.finding(id, o, "expected 429 once %s reached 0, got %d again", e.c.RateLimit.Remaining, o.Status))
			e.judged(id)
			return
		}
		spent = hasRem && rem == 0
		if hasRem {
			prev, hasPrev = rem, true
		}
		if hasLim && !limitKnown {
			limitKnown = true
			if lim+5 > maxExhaustion {
				e.skip(id, fmt.Sprintf("the rate-limit key allows %d requests a minute; conform spends at most %d", lim, maxExhaustion))
				return
			}
			bound = int(lim) + 5
		}
	}
	if last != nil {
		e.add(e.finding(id, last, "expected 429 within %d requests of one window with the rate-limit key, got %d every time", bound, last.Status))
		e.judged(id)
	}
}
