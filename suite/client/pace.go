package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Clock is the client's time for pacing and for waiting out 429s (Config.Clock; nil is the real
// clock), so a test can run minutes of rate-limit windows without sleeping. Request timeouts
// and Observation.Elapsed always use real time.
type Clock interface {
	Now() time.Time
	// After delivers on the channel once d has passed, like time.After.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// rateWindow is the rate-limit window the contract settles: limits are per key and per minute.
const rateWindow = time.Minute

// rolloverMargin is added to the estimated end of a window before sending again: the window the
// client measures starts when its first request of the window was sent, which the server saw
// up to one network trip later.
const rolloverMargin = time.Second

// bucket is what the client knows of the rate limit of one key kind, read from the remaining
// and limit headers of its answers. Requests are numbered per bucket so a reading can be
// applied to the requests sent after it: avail is the last reading minus the requests sent since.
type bucket struct {
	known     bool           // a sane reading was applied: the headers describe a limit
	distrust  bool           // the headers did not describe a window the client can follow: no pacing
	limit     int64          // the last limit read
	remaining int64          // the last remaining read
	avail     int64          // estimated requests left in the current window
	sent      int64          // requests sent under this kind (their sequence numbers)
	readSeq   int64          // the sequence number of the request of the last applied reading
	inflight  int64          // requests sent and not yet answered
	pending   map[int64]bool // the sequence numbers of those requests
	start     time.Time      // when the first request of the current window was sent (zero: none yet)
	next      time.Time      // spreading: the earliest time the next request may go
	exhausted bool           // no requests were left in the window: the client waits for it to roll over
	rolled    bool           // the window rolled over after it was exhausted: the next reading must show a renewal
	renewing  bool           // the client took the window to have rolled over and no reading of the new one came yet
	blocked   time.Time      // a 429 said to wait until then
	blockWhy  string
	announced time.Time     // the end of the last wait announced for this kind
	wake      chan struct{} // closed when a reading is applied: waiters look again
}

// ticket is one admitted request: its bucket sequence number and when it went.
type ticket struct {
	kind KeyKind
	seq  int64
	at   time.Time
}

// paced says whether requests of this kind are paced from the headers: every kind but the
// rate-limit key, which RATE-429-ON-EXHAUSTION spends on purpose.
func paced(k KeyKind) bool { return k != KeyRateLimit }

func (c *Client) bucket(k KeyKind) *bucket {
	b := c.buckets[k]
	if b == nil {
		b = &bucket{wake: make(chan struct{})}
		c.buckets[k] = b
	}
	return b
}

// admit waits, when mayWait, until a request of kind k may go without the server having to
// refuse it, then counts it as sent. The waits: a 429's Retry-After still running; no requests
// left in the window (until it rolls over, a minute after its first request); few left for the
// time left in the window (spread over it, at most limit a minute).
func (c *Client) admit(ctx context.Context, k KeyKind, mayWait bool) (ticket, error) {
	for {
		c.pmu.Lock()
		b := c.bucket(k)
		now := c.clock.Now()
		var wait time.Duration
		var why string
		if mayWait {
			wait, why = b.delay(now)
		}
		if wait <= 0 {
			b.sent++
			b.inflight++
			if b.pending == nil {
				b.pending = map[int64]bool{}
			}
			b.pending[b.sent] = true
			b.avail--
			if b.known && b.start.IsZero() {
				b.start = now
			}
			b.spread(now)
			t := ticket{kind: k, seq: b.sent, at: now}
			c.pmu.Unlock()
			return t, nil
		}
		c.pmu.Unlock()
		if err := c.wait(ctx, k, wait, why); err != nil {
			return ticket{}, err
		}
	}
}

// delay is how long a paced request must wait now, and why ("" when it may go).
func (b *bucket) delay(now time.Time) (time.Duration, string) {
	if now.Before(b.blocked) {
		return b.blocked.Sub(now), b.blockWhy
	}
	if !b.known || b.distrust {
		return 0, ""
	}
	if !b.start.IsZero() && !now.Before(b.start.Add(rateWindow+rolloverMargin)) {
		// the window rolled over (a minute after its first request): a fresh allowance, less the
		// requests still in flight (the server may count them in the new window); their readings
		// may be about either window, so they are not applied
		b.avail, b.start, b.next, b.readSeq = b.limit-b.inflight, time.Time{}, time.Time{}, b.sent
		b.rolled, b.exhausted, b.renewing = b.exhausted, false, true
	}
	if b.renewing && b.inflight > 0 {
		// the server's window may have started earlier than the client's estimate (a window per
		// calendar minute): one request at a time until an answer says what the new one holds
		return time.Second, "pacing: a new rate-limit window, one request until its first answer"
	}
	if b.avail <= 0 {
		b.exhausted = true
		if b.start.IsZero() {
			b.start = now
		}
		return max(b.start.Add(rateWindow+rolloverMargin).Sub(now), time.Millisecond), fmt.Sprintf("pacing: 0 of %d requests left in this minute", b.limit)
	}
	if now.Before(b.next) {
		return b.next.Sub(now), fmt.Sprintf("pacing: %d of %d requests left in this minute", b.avail, b.limit)
	}
	return 0, ""
}

// spread sets when the next request may go once few requests are left for the time left in the
// window (less than a tenth of the allowance for the rest of the minute): the rest is spread
// evenly over it, at most limit a minute, so the last goes before the window ends.
func (b *bucket) spread(now time.Time) {
	if !b.known || b.distrust || b.start.IsZero() || b.avail <= 0 {
		return
	}
	left := b.start.Add(rateWindow).Sub(now)
	if left <= 0 || b.avail*int64(rateWindow)*10 > b.limit*int64(left) {
		return
	}
	step := max(left/time.Duration(b.avail+1), rateWindow/time.Duration(b.limit))
	b.next = now.Add(step)
}

// observe applies an answer's rate-limit headers (only sane ones: decimal digits, limit > 0,
// remaining <= limit) to the bucket of the request.
func (c *Client) observe(t ticket, h http.Header) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	b := c.bucket(t.kind)
	b.inflight--
	delete(b.pending, t.seq)
	if c.cfg.LimitHeader == "" || c.cfg.RemainingHeader == "" || h == nil {
		return
	}
	lim, ok1 := digits(h.Get(c.cfg.LimitHeader))
	rem, ok2 := digits(h.Get(c.cfg.RemainingHeader))
	if !ok1 || !ok2 || lim <= 0 || rem > lim || t.seq <= b.readSeq {
		return // not a reading to pace by, or older than the one applied
	}
	switch {
	case !b.known, rem > b.remaining+b.inflight:
		// the first reading, or remaining rose by more than reordered answers explain: this
		// request was counted in a new window
		b.start, b.next, b.exhausted = t.at, time.Time{}, false
	case b.rolled && rem <= b.remaining && rem != lim-1:
		// waited for the window to roll over and the allowance was not renewed: the headers do
		// not describe a per-minute window; stop pacing by them (the RATE rules judge them)
		b.distrust = true
	}
	b.known, b.rolled, b.renewing = true, false, false
	b.limit, b.remaining, b.readSeq = lim, rem, t.seq
	// the reading counts neither the requests sent after this one nor, with several in flight,
	// those sent before it that reached the server after it
	earlier := int64(0)
	for seq := range b.pending {
		if seq < t.seq {
			earlier++
		}
	}
	b.avail = rem - (b.sent - t.seq) - earlier
	close(b.wake)
	b.wake = make(chan struct{})
}

// digits parses a header value of decimal digits only.
func digits(s string) (int64, bool) {
	if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// on429 decides how long to wait after a 429 to a request of kind k: Retry-After (delta-seconds
// or an HTTP-date) when given, else until the rate-limit window the headers describe rolls over
// (a minute when none is known); capped at MaxBackoff. Paced requests of the kind wait too.
func (c *Client) on429(k KeyKind, h http.Header) (time.Duration, string) {
	c.pmu.Lock()
	defer c.pmu.Unlock()
	now := c.clock.Now()
	b := c.bucket(k)
	wait, why := rateWindow+rolloverMargin, "the server answered 429 without Retry-After; waiting for the rate-limit window to roll over"
	if !b.start.IsZero() && b.known && !b.distrust {
		wait = max(b.start.Add(rateWindow+rolloverMargin).Sub(now), time.Second)
	}
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if s, err := strconv.ParseInt(ra, 10, 64); err == nil && s >= 0 {
			wait, why = time.Duration(min(s, 1<<20))*time.Second+100*time.Millisecond, fmt.Sprintf("the server answered 429 with Retry-After %ds", s)
		} else if at, err := http.ParseTime(ra); err == nil {
			wait, why = max(at.Sub(now), 0)+100*time.Millisecond, fmt.Sprintf("the server answered 429 with Retry-After %s", ra)
		}
	}
	wait = min(wait, c.cfg.MaxBackoff)
	if until := now.Add(wait); until.After(b.blocked) {
		b.blocked, b.blockWhy = until, why
	}
	// after the wait one request probes the new window; its reading tells the rest
	b.avail, b.start, b.next, b.rolled, b.readSeq = 1, time.Time{}, time.Time{}, false, b.sent
	return wait, why
}

// wait sleeps d for a request of kind k, or less when a reading for the kind arrives meanwhile
// (the caller looks again). The wait is announced through OnWait unless a wait of the kind
// ending at about the same time already was, and is added to Waited (time that concurrent waits
// share counts once).
func (c *Client) wait(ctx context.Context, k KeyKind, d time.Duration, why string) error {
	c.pmu.Lock()
	b := c.bucket(k)
	start := c.clock.Now()
	end := start.Add(d)
	announce := end.After(b.announced.Add(time.Second))
	if announce {
		b.announced = end
	}
	wake := b.wake
	c.pmu.Unlock()
	if announce && c.cfg.OnWait != nil {
		c.cfg.OnWait(d, why)
	}
	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-wake:
	case <-c.clock.After(d):
	}
	c.pmu.Lock()
	if now := c.clock.Now(); now.After(c.waitedTo) {
		c.waiting.Add(int64(now.Sub(later(start, c.waitedTo))))
		c.waitedTo = now
	}
	c.pmu.Unlock()
	return err
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
