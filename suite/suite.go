// Package suite holds the Ginkgo specs of the payouts contract: one file per workflow (auth,
// parameters, filters, pagination, rate limits, schema), each spec one rule of the catalog,
// labelled with its area and level. The specs are thin: they run the area's workflow on the
// engine the run was prepared with and report the rule's verdict; the rules themselves live
// in suite/engine and suite/rules. Both `go test ./suite/` (against the reference server) and
// the conform command (via RunSpecs) run them.
package suite

import (
	"context"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/rules"
)

// Target is what the specs run against: set it with Use before RunSpecs.
type Target struct {
	Engine  *engine.Engine
	Context context.Context     // cancelled on interrupt or deadline (nil: the spec's own)
	Redact  func(string) string // applied to every message the specs print (nil: none)
	// Progress, when set, is told each rule's verdict as its spec ends.
	Progress func(engine.Result)
}

var target *Target

// Use sets the engine the specs drive.
func Use(t *Target) { target = t }

var registered sync.Once

// Register declares the specs in Ginkgo's tree; call it once before RunSpecs (importing the
// package alone declares nothing, so other test binaries that import it stay unaffected).
// It returns true so it can stand in a package-level var declaration.
func Register() bool {
	registered.Do(func() {
		Describe("GET payouts contract", func() {
			authSpecs()
			parameterSpecs()
			filterSpecs()
			paginationSpecs()
			rateLimitSpecs()
			schemaSpecs()
			transportSpecs()
		})
	})
	return true
}

// areaSpecs declares one spec per rule of an area. The first selected spec of the area runs its
// workflow (once); each spec then reports its rule's verdict.
func areaSpecs(a rules.Area, what string) {
	Describe(string(a)+": "+what, Label(string(a)), func() {
		for _, r := range rules.InArea(a) {
			It(r.ID+": "+r.Asserts, Label(r.ID, string(r.Level)), func(ctx SpecContext) {
				if target == nil || target.Engine == nil {
					Fail("suite: no target engine (call suite.Use before RunSpecs)")
				}
				run := context.Context(ctx)
				if target.Context != nil {
					run = target.Context
				}
				target.Engine.Select(r.ID)
				target.Engine.RunArea(run, a)
				res := target.Engine.Result(r.ID)
				if target.Progress != nil {
					target.Progress(res)
				}
				report(res)
			})
		}
	})
}

// report turns a verdict into Ginkgo's outcome.
func report(res engine.Result) {
	redact := target.Redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	switch res.Status {
	case engine.Skip, engine.NotRun:
		Skip(redact(res.Reason))
	case engine.CutOff:
		Skip(redact("cut short: " + res.Reason))
	case engine.Warn:
		AddReportEntry("warning", redact(Explain(res)))
	case engine.Fail, engine.Error:
		Fail(redact(Explain(res)))
	}
}

// Explain renders a failed rule for a person: the rule, its level and clause, and each kept
// finding with its reproducing curl line.
func Explain(res engine.Result) string {
	var b strings.Builder
	shown := ""
	if len(res.Findings) < res.Violations {
		shown = fmt.Sprintf(", showing %d", len(res.Findings))
	}
	fmt.Fprintf(&b, "%s (%s) violated %d time(s)%s; spec: %s\n", res.Rule.ID, res.Rule.Level, res.Violations, shown, res.Rule.Clause)
	for i, f := range res.Findings {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, f.Message)
		if f.Path != "" {
			fmt.Fprintf(&b, "     at %s = %s\n", f.Path, f.Value)
		}
		if f.Minimal {
			b.WriteString("     (minimal input, shrunk by rapid)\n")
		}
		for _, s := range f.Sequence {
			fmt.Fprintf(&b, "     after: %s\n", s)
		}
		fmt.Fprintf(&b, "     reproduce: %s\n", f.Curl)
	}
	return b.String()
}
