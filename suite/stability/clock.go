// Package stability proves that conform's verdicts do not depend on where a rate-limit window
// boundary falls in a run: its test certifies the built-in reference server many times with
// random seeds and a fake clock that puts the minute boundary at a chosen request, and requires
// zero false alarms (and that the rate-limit variants are still caught wherever it falls).
package stability

import (
	"sync/atomic"
	"time"
)

// Clock is a fake clock for the built-in server's rate-limit windows (certify.Options.Now). The
// server reads its clock once for every request it counts against a key's allowance; each
// reading advances the clock by Step, and the minute boundary falls between reading After and
// reading After+1, so a run's window renews exactly after the After-th counted request (again
// every 60s/Step readings after that).
type Clock struct {
	After int
	Step  time.Duration
	base  time.Time
	n     atomic.Int64
}

// minute is the boundary the clock crosses.
var minute = time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)

// NewClock returns a clock whose minute boundary falls after reading after (0: before the first).
func NewClock(after int, step time.Duration) *Clock {
	// reading i (from 1) is base+i*step: reading after is step/2 before the minute, after+1
	// step/2 past it
	return &Clock{After: after, Step: step, base: minute.Add(-time.Duration(after)*step - step/2)}
}

// Now returns the next reading.
func (c *Clock) Now() time.Time { return c.base.Add(time.Duration(c.n.Add(1)) * c.Step) }

// Readings is how many times the clock was read.
func (c *Clock) Readings() int { return int(c.n.Load()) }
