package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"net/http"
	"time"

	"github.com/introw/conform/suite/client"
)

// maxExhaustion bounds the requests spent exhausting the rate-limit key in one window.
const maxExhaustion = 150

// maxWindowRestarts is how many new rate-limit windows one check follows (remaining rising
// starts the count again). A window lasts a minute and a check takes milliseconds, so one renewal
// is the most a conformant server shows; past this many the rule is reported not checked rather
// than judged on readings that keep restarting.
const maxWindowRestarts = 3

// rateLimitWorkflow: one key's minute, followed over a mix of request shapes sent one after
// another (the area runs alone): every 200 is counted, remaining falls by exactly the requests
// counted, and the rate-limit key gets 429 once remaining reached 0 and not before.
func rateLimitWorkflow(ctx context.Context, e *Engine) {
	shapes := e.shapes(ctx)
	ctx = fresh(ctx) // every probe is sent: the server must count each
	if e.c.RateLimit.Limit == "" {
		for _, id := range []rules.ID{rules.RateHeadersPresent, rules.RateHeadersFormat, rules.RateDecreasing} {
			e.skip(id, "the spec documents no rate-limit headers")
		}
	} else if !e.decreasing(ctx, shapes) {
		return
	}
	e.exhaust(ctx, shapes)
}

// notChecked reports a rule that ran but could not reach a verdict (the run is incomplete).
func (e *Engine) notChecked(id rules.ID, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res.Violations == 0 && res.Status != Skip && res.Status != Error {
		res.Status, res.Reason = CutOff, "not checked: "+reason
	}
}

// rateModel follows one key's remaining count through requests sent one after another. Between
// two numeric readings on 200s in one window, remaining must fall by at least the 200s since
// (every 200 is counted) and by at most the requests sent since (a request is never charged more
// than once; a 401, 403 or 422 may go uncounted). A rise is a new window, where the count starts
// again; so is a reading equal to the one before when only a renewal explains it (see renewal).
// A reading that is absent or not digits breaks the chain (those are RATE-HEADERS-* findings), so
// a server whose remaining header holds a word is never passed by RATE-DECREASING.
type rateModel struct {
	has    bool        // a numeric reading in the current window
	prev   uint64      // the last numeric reading
	since  int         // requests sent after it
	oks    []time.Time // when each 200 of the sequence was sent
	prevOK int         // the index in oks of the last reading's 200
	lim    uint64      // the limit header beside the last reading (0: none)
	steps  []string    // curl lines of the requests since the window's first reading
}

// rateStep is what one answer says about the count.
type rateStep int

const (
	stepNone      rateStep = iota // not a 200 with a numeric reading
	stepFirst                     // the first reading of a window
	stepFell                      // fell by at least one and at most the requests sent since
	stepNewWindow                 // a new window began
	stepAtLimit                   // remaining equals the limit on a 200 (every 200 is counted)
	stepStatic                    // did not fall though a 200 was counted
	stepOver                      // fell by more than the requests sent since
)

// observe reads one answer; sentAt is when its request was sent, doneAt when the answer came.
func (m *rateModel) observe(e *Engine, o *client.Observation, sentAt, doneAt time.Time) (step rateStep, prev uint64, sent int) {
	m.steps = append(m.steps, e.cl.Curl(o.Request))
	if o.Err != nil || o.Status != e.c.SuccessStatus() {
		m.since++
		return stepNone, 0, 0
	}
	m.oks = append(m.oks, sentAt)
	r, ok := e.remaining(o)
	if !ok {
		m.has, m.steps = false, nil
		return stepNone, 0, 0
	}
	lim, hasLim := e.limitHeader(o)
	prev, sent, had, prevOK, prevLim := m.prev, m.since+1, m.has, m.prevOK, m.lim
	m.has, m.prev, m.since, m.prevOK, m.lim = true, r, 0, len(m.oks)-1, 0
	if hasLim {
		m.lim = lim
	}
	switch {
	case hasLim && r == lim:
		return stepAtLimit, prev, sent
	case !had:
		return stepFirst, prev, sent
	case r > prev, hasLim && prevLim > 0 && lim != prevLim:
		return stepNewWindow, prev, sent
	case prev-r > uint64(sent):
		return stepOver, prev, sent
	case r < prev:
		return stepFell, prev, sent
	case hasLim && m.renewal(lim-r, sent, prevOK, doneAt):
		return stepNewWindow, prev, sent
	}
	return stepStatic, prev, sent
}

// renewal reports whether a window renewing between the last reading and this one explains the
// two being equal: this answer is then the k-th request counted in the new window, and the last
// one was the k-th of its own. The new window counted only requests sent since, so k cannot
// exceed them. With one request since (k = 1) the last reading was its window's first request, so
// that window began after the 200 before it and would hold one request: possible only when that
// 200 was sent a minute or more before this answer came (a --rate slower than one a minute), or
// when there was none. With more requests since, a counted 401/403/422 among them may have been
// that window's second request, and the readings cannot tell.
func (m *rateModel) renewal(k uint64, sent, prevOK int, now time.Time) bool {
	switch {
	case k == 0 || k > uint64(sent):
		return false
	case sent >= 2:
		return true
	}
	return prevOK == 0 || now.Sub(m.oks[prevOK-1]) >= time.Minute
}

// newWindow starts the steps again at the reading that began a new window.
func (m *rateModel) newWindow() {
	if len(m.steps) > 0 {
		m.steps = m.steps[len(m.steps)-1:]
	}
}

// before returns the steps before the last one (the requests a finding depends on).
func (m *rateModel) before() []string {
	if len(m.steps) == 0 {
		return nil
	}
	return append([]string(nil), m.steps[:len(m.steps)-1]...)
}

// countFinding reports a step that breaks the count to RATE-DECREASING.
func (e *Engine) countFinding(step rateStep, o *client.Observation, m *rateModel, prev uint64, sent int) {
	const id = rules.RateDecreasing
	rl := e.c.RateLimit
	r, _ := e.remaining(o)
	var f Finding
	switch step {
	case stepAtLimit:
		f = e.finding(id, o, "expected %s below %s on a 200 (every 200 is counted), got %d of %d", rl.Remaining, rl.Limit, r, m.lim)
	case stepStatic:
		f = e.finding(id, o, "expected %s to fall by at least 1 (every 200 is counted), got %d then %d with %d request(s) sent between, in one window",
			rl.Remaining, prev, r, sent)
	case stepOver:
		f = e.finding(id, o, "expected %s to fall by at most %d (the requests sent since; none may be charged twice), got %d then %d",
			rl.Remaining, sent, prev, r)
	default:
		return
	}
	f.Sequence = m.before()
	e.add(f)
	e.judged(id)
}

// decreasing follows the valid key's count over one request of each shape, sent one after
// another: every 200 lowers remaining by one, a counted 422 by one more at most. A new window adds
// one request (at most maxWindowRestarts of them). It reports whether the area may go on.
func (e *Engine) decreasing(ctx context.Context, shapes []shape) bool {
	const id = rules.RateDecreasing
	ctx = client.WithTag(ctx, id)
	var m rateModel
	var cur cursorSource
	restarts := 0
	for i, sent := 0, 0; sent < len(shapes)+restarts && i < 3*len(shapes); i++ {
		r, ok := cur.request(e, shapes[i%len(shapes)], client.Key{Kind: client.KeyValid})
		if !ok {
			continue // no fresh cursor at hand
		}
		sent++
		at := time.Now()
		o, usable, err := e.send(ctx, e, r)
		if e.stopped(err, id) {
			return false
		}
		if !usable {
			m.since++ // sent, perhaps counted
			continue
		}
		cur.note(e, o)
		step, prev, n := m.observe(e, o, at, time.Now())
		switch step {
		case stepNewWindow:
			restarts++
			if restarts > maxWindowRestarts {
				e.notChecked(id, fmt.Sprintf("%s started again %d times in %d requests (a new window each time), so no fall could be followed: %d then %d",
					e.c.RateLimit.Remaining, restarts, sent, prev, m.prev))
				return true
			}
			m.newWindow()
		case stepFell:
			e.judged(id) // compared within one window
		case stepAtLimit, stepStatic, stepOver:
			e.countFinding(step, o, &m, prev, n)
			return true
		}
	}
	return true
}

// exhaust spends the rate-limit key's allowance over the same mix of shapes and expects a 429
// once remaining reached 0: never while the last 200 said some remain (beyond what the requests
// sent since, perhaps counted, explain), never a 200 after a 0 in the same window. A window
// renewing mid-way (remaining rises) starts the count again, a few times at most. Readings that
// break the count are RATE-DECREASING's findings.
func (e *Engine) exhaust(ctx context.Context, shapes []shape) {
	const id = rules.Rate429OnExhaustion
	ctx = client.WithTag(ctx, id)
	if !e.cl.HasKey(client.KeyRateLimit) {
		e.skip(id, "CONFORM_RATE_LIMIT_KEY is not set")
		return
	}
	key := client.Key{Kind: client.KeyRateLimit}
	bound := maxExhaustion // 200s allowed in the current window before a 429 is overdue
	limitKnown, counted := false, false
	var m rateModel
	var cur cursorSource
	var last *client.Observation
	spent := false // the last 200 said no requests remain
	restarts, inWindow, invalidSent := 0, 0, false
	for i := 0; inWindow < bound; i++ {
		sh := shapes[i%len(shapes)]
		if sh.invalid && (invalidSent || !m.has || m.prev < 3) {
			continue // once a window, and never where a counted 422 could explain an early 429
		}
		r, ok := cur.request(e, sh, key)
		if !ok {
			continue
		}
		at := time.Now()
		o, err := e.cl.Do(ctx, r, false)
		if e.stopped(err, id) {
			return
		}
		if !e.inspect(o, e) {
			return
		}
		last = o
		cur.note(e, o)
		hasPrev, prevReading, sentBefore := m.has, m.prev, m.since
		step, prev, n := m.observe(e, o, at, time.Now())
		switch {
		case o.Status == http.StatusTooManyRequests:
			e.judged(id) // SCHEMA-BODY and SCHEMA-CONTENT-TYPE judge its envelope
			if hasPrev && prevReading > uint64(sentBefore) {
				f := e.finding(id, o, "expected 429 only once %s reached 0, got 429 when the last 200 said %d remain and %d request(s) were sent since",
					e.c.RateLimit.Remaining, prevReading, sentBefore)
				f.Sequence = m.before()
				e.add(f)
			}
			return
		case o.Status != e.c.SuccessStatus():
			if !sh.invalid && !sh.cursor {
				e.add(e.finding(id, o, "expected 200 until the allowance is spent, then 429; got %d", o.Status))
				e.judged(id)
				return
			}
			if sh.invalid {
				invalidSent = true
			}
			continue
		}
		rem, hasRem := e.remaining(o)
		switch step {
		case stepNewWindow:
			// the allowance was renewed (remaining rose, or only a renewal explains it), so the
			// count starts again here
			restarts++
			if restarts > maxWindowRestarts {
				e.notChecked(id, fmt.Sprintf("the rate-limit window was renewed %d times (%s started again) before the allowance could be spent", restarts, e.c.RateLimit.Remaining))
				return
			}
			m.newWindow()
			spent, inWindow, invalidSent = false, 0, false
		case stepStatic, stepOver, stepAtLimit:
			if step == stepStatic && prev == 0 {
				break // a 200 after a 0: reported below
			}
			if !counted {
				counted = true
				e.countFinding(step, o, &m, prev, n)
			}
		}
		if spent && (!hasRem || rem == 0) {
			// the server said 0 remain and answered 200 again without a new window (a new
			// window would show a fresh remaining count)
			f := e.finding(id, o, "expected 429 once %s reached 0, got %d again", e.c.RateLimit.Remaining, o.Status)
			f.Sequence = m.before()
			e.add(f)
			e.judged(id)
			return
		}
		inWindow++
		spent = hasRem && rem == 0
		if lim, hasLim := e.limitHeader(o); hasLim && !limitKnown {
			limitKnown = true
			if lim+5 > maxExhaustion {
				e.skip(id, fmt.Sprintf("the rate-limit key allows %d requests a minute; conform spends at most %d", lim, maxExhaustion))
				return
			}
			bound = int(lim) + 5
		}
	}
	if last != nil {
		e.add(e.finding(id, last, "expected 429 within %d 200s of one window with the rate-limit key, got %d every time", bound, last.Status))
		e.judged(id)
	}
}
