package engine

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/introw/conform/suite/client"
)

// sink receives findings: the engine itself, or one rapid example (whose findings count only
// if it is the minimal failing one).
type sink interface{ add(Finding) }

// perResponse are the rules checked on every observation, whatever workflow sent it.
var perResponse = map[string]bool{
	"STATUS-NO-5XX": true, "STATUS-DOCUMENTED": true, "SCHEMA-CONTENT-TYPE": true, "SCHEMA-BODY": true,
	"RATE-HEADERS-PRESENT": true, "RATE-HEADERS-FORMAT": true, "TRANSPORT-ANSWER": true,
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// finding builds a finding about an observation.
func (e *Engine) finding(rule string, o *client.Observation, format string, args ...any) Finding {
	f := Finding{Rule: rule, Message: fmt.Sprintf(format, args...), Request: o.Request.String(), Curl: e.cl.Curl(o.Request), Status: o.Status}
	if o.Err == nil {
		f.Excerpt = o.Excerpt(300)
	}
	return f
}

// inspect applies the per-response rules to one observation and reports to s. It returns
// whether the observation is a usable HTTP answer.
func (e *Engine) inspect(o *client.Observation, s sink) bool {
	if o.Err != nil {
		s.add(e.finding("TRANSPORT-ANSWER", o, "expected a complete HTTP answer, got %s", o.Err))
		return false
	}
	if o.Truncated {
		s.add(e.finding("TRANSPORT-ANSWER", o, "expected a body under the cap, got more than %d bytes", e.cl.Config().MaxBody))
		return false
	}
	if o.Status >= 300 && o.Status < 400 {
		s.add(e.finding("TRANSPORT-ANSWER", o, "expected no redirect (the API has none), got %d to %q", o.Status, o.Header.Get("Location")))
		return false
	}
	if o.Status >= 500 {
		s.add(e.finding("STATUS-NO-5XX", o, "expected no 5xx for a request a client can send, got %d", o.Status))
	}
	resp := e.c.Response(o.Status)
	if resp == nil {
		if !o.Request.Open || o.Status >= 500 {
			s.add(e.finding("STATUS-DOCUMENTED", o, "expected one of the documented statuses %v, got %d", e.c.Statuses, o.Status))
		}
		return true
	}
	if resp.MediaType != "" {
		if mt := o.MediaType(); mt != resp.MediaType {
			s.add(e.finding("SCHEMA-CONTENT-TYPE", o, "expected Content-Type %s, got %q", resp.MediaType, o.Header.Get("Content-Type")))
		}
	}
	if resp.HasSchema() {
		if o.JSON == nil {
			s.add(e.finding("SCHEMA-BODY", o, "expected a JSON body for %d, got invalid JSON (%v)", o.Status, o.JSONErr))
		} else if vs := resp.Validate(o.JSON, 3); len(vs) > 0 {
			f := e.finding("SCHEMA-BODY", o, "expected the body to match the %d schema (%s), got: %s", o.Status, resp.Pointer, vs[0])
			f.Path, f.Value = vs[0].Path, valueAt(o.JSON, vs[0].Path)
			for _, v := range vs[1:] {
				f.Message += "; " + v.String()
			}
			s.add(f)
		}
	}
	if o.Status == e.c.SuccessStatus() {
		e.inspectRateHeaders(o, s)
	}
	return true
}

func (e *Engine) inspectRateHeaders(o *client.Observation, s sink) {
	rl := e.c.RateLimit
	if rl.Limit == "" {
		return
	}
	lim, rem := o.Header.Values(rl.Limit), o.Header.Values(rl.Remaining)
	if len(lim) == 0 || len(rem) == 0 {
		s.add(e.finding("RATE-HEADERS-PRESENT", o, "expected both %s and %s on %d, got %s=%q %s=%q",
			rl.Limit, rl.Remaining, o.Status, rl.Limit, lim, rl.Remaining, rem))
	}
	if len(lim) > 1 || len(rem) > 1 {
		s.add(e.finding("RATE-HEADERS-FORMAT", o, "expected one value per rate-limit header, got %s=%q %s=%q", rl.Limit, lim, rl.Remaining, rem))
		return
	}
	if len(lim) == 0 || len(rem) == 0 {
		for name, v := range map[string][]string{rl.Limit: lim, rl.Remaining: rem} {
			if len(v) == 1 && !digits.MatchString(v[0]) {
				s.add(e.finding("RATE-HEADERS-FORMAT", o, "expected %s to be decimal digits, got %q", name, v[0]))
			}
		}
		return
	}
	if !digits.MatchString(lim[0]) || !digits.MatchString(rem[0]) {
		s.add(e.finding("RATE-HEADERS-FORMAT", o, "expected decimal digits, got %s=%q %s=%q", rl.Limit, lim[0], rl.Remaining, rem[0]))
		return
	}
	l, err1 := strconv.ParseUint(lim[0], 10, 64)
	r, err2 := strconv.ParseUint(rem[0], 10, 64)
	if err1 == nil && err2 == nil && r > l {
		s.add(e.finding("RATE-HEADERS-FORMAT", o, "expected %s <= %s, got %d > %d", rl.Remaining, rl.Limit, r, l))
	}
}

// remaining reads the remaining-count header of a 200 (ok false when absent or malformed).
func (e *Engine) remaining(o *client.Observation) (uint64, bool) {
	if e.c.RateLimit.Remaining == "" || o.Status != e.c.SuccessStatus() {
		return 0, false
	}
	v := o.Header.Get(e.c.RateLimit.Remaining)
	if !digits.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// limitHeader reads the limit header of a response (ok false when absent or malformed).
func (e *Engine) limitHeader(o *client.Observation) (uint64, bool) {
	v := o.Header.Get(e.c.RateLimit.Limit)
	if e.c.RateLimit.Limit == "" || !digits.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}
