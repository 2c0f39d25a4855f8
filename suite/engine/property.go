package engine

import (
	"context"
	"flag"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"strconv"
	"sync"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/client"
)

var rapidOnce sync.Once

// ConfigureRapid sets rapid's process-wide knobs once: examples per property, the seed that
// makes a run replayable, and no fail files. Shrinking is bounded by requests (shrinkAllowance),
// not by wall time: a time limit would shrink further on an idle machine than on a loaded one,
// and a replayed run would not send the same requests. rapid's shrink time is only a backstop
// for a server that answers very slowly. rapid reads these from its flags; we set them before
// any property runs.
func ConfigureRapid(seed uint64, examples int) {
	rapidOnce.Do(func() {
		for name, v := range map[string]string{
			"rapid.checks":     strconv.Itoa(examples),
			"rapid.seed":       strconv.FormatUint(seed, 10),
			"rapid.shrinktime": "5m",
			"rapid.nofailfile": "true",
		} {
			if f := flag.Lookup(name); f != nil {
				_ = f.Value.Set(v)
			}
		}
	})
}

// example collects the findings of one run of a property.
type example struct {
	findings []Finding
}

func (x *example) add(f Finding) { x.findings = append(x.findings, f) }

// shrinkAllowance bounds the requests one property may spend shrinking a failure. They are
// counted under the property's own tag, so areas running side by side do not change how far a
// failure is shrunk.
const shrinkAllowance = 150

// property runs prop as a rapid property. Each run reports to its own example; a run with
// findings fails, rapid shrinks it, and the findings of the minimal failing run (rapid runs it
// last) are recorded as the rule's evidence. It returns why it had to stop early, if it did.
func (e *Engine) property(ctx context.Context, name rules.ID, prop func(ctx context.Context, t *rapid.T, x *example) error) error {
	var last *example
	var stopped error
	tb := &quietTB{name: string(name)}
	shrinkStart := 0
	sentAs := func() int { return e.cl.Counts()[string(name)] } // requests sent under this property's tag
	ctx = client.WithTag(ctx, name)
	rapid.Check(tb, func(t *rapid.T) {
		if last != nil && sentAs()-shrinkStart > shrinkAllowance {
			t.Skip("shrink allowance spent") // keep what was found; spend no more requests
		}
		x := &example{}
		err := prop(ctx, t, x)
		if err != nil {
			if stopped == nil {
				stopped = err
			}
			t.Skip("stopped: " + err.Error())
		}
		if len(x.findings) > 0 {
			if last == nil {
				shrinkStart = sentAs()
			}
			last = x
			t.Fatalf("%s", x.findings[0].Message)
		}
	})
	if last != nil {
		for _, f := range last.findings {
			f.Minimal = true
			e.add(f)
		}
	}
	return stopped
}

// quietTB is the testing.TB rapid reports to: it records rather than fails, so rapid can
// finish shrinking; the engine reads the outcome from the examples instead.
type quietTB struct {
	name   string
	failed bool
	mu     sync.Mutex
	logs   []string
}

func (q *quietTB) Helper()      {}
func (q *quietTB) Name() string { return q.name }
func (q *quietTB) Logf(format string, args ...any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.logs) < 50 {
		q.logs = append(q.logs, fmt.Sprintf(format, args...))
	}
}
func (q *quietTB) Log(args ...any)                   { q.Logf("%s", fmt.Sprint(args...)) }
func (q *quietTB) Skipf(format string, args ...any)  { q.Logf(format, args...) }
func (q *quietTB) Skip(args ...any)                  { q.Log(args...) }
func (q *quietTB) SkipNow()                          {}
func (q *quietTB) Errorf(format string, args ...any) { q.failed = true; q.Logf(format, args...) }
func (q *quietTB) Error(args ...any)                 { q.failed = true; q.Log(args...) }
func (q *quietTB) Fatalf(format string, args ...any) { q.failed = true; q.Logf(format, args...) }
func (q *quietTB) Fatal(args ...any)                 { q.failed = true; q.Log(args...) }
func (q *quietTB) FailNow()                          { q.failed = true }
func (q *quietTB) Fail()                             { q.failed = true }
func (q *quietTB) Failed() bool                      { return q.failed }
