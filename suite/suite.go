// Package suite holds the Ginkgo specs of the payouts contract: one file per workflow (auth,
// parameters, filters, pagination, rate limits, schema, transport), each an Ordered container
// whose BeforeAll waits for that workflow to have run, each spec one rule of the catalog,
// labelled with its rule ID, area and level. The rules themselves live in suite/engine and
// suite/rules; a spec reports its rule's verdict once every answer that can judge the rule is
// in (Engine.Await), so Ginkgo's outcome, junit.xml and conform's own reports agree.
//
// Certify is the one entry point: the conform command and `go test ./suite` (which reads the same
// CONFORM_* configuration) both call it.
package suite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	"github.com/onsi/ginkgo/v2/types"

	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/rules"
)

// Target is what the specs run against.
type Target struct {
	Engine  *engine.Engine
	Context context.Context     // cancelled on interrupt or deadline (nil: the spec's own)
	Redact  func(string) string // applied to every message the specs print (nil: none)
	// Progress, when set, is told each rule's verdict as its spec ends.
	Progress func(engine.Result)
	// Annotate, when set, adds what the reports add to a verdict (notes where the spec
	// contradicts itself), so the specs' outcome says the same.
	Annotate func(engine.Result) engine.Result
}

var target *Target

var registered sync.Once

// Register declares the specs in Ginkgo's tree, once (importing the package alone declares
// nothing, so other test binaries that import it stay unaffected). It returns true so it can
// stand in a package-level var declaration.
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

// ErrNoSpecs means the selection (label filter, focus) matches no rule: a usage error.
var ErrNoSpecs = errors.New("the selection matches no rule (labels are area names, rule IDs, strict and lenient: see conform rules)")

// Certify runs the contract's specs against t's engine: it previews which specs the Ginkgo
// configuration in args selects, tells the engine so (rules not selected are reported as not
// run, and only the workflows the selection needs are run), starts those workflows, and runs the
// specs. It returns RunSpecs' verdict, or ErrNoSpecs when nothing is selected.
func Certify(gt GinkgoTestingT, description string, t *Target, args ...any) (bool, error) {
	if t == nil || t.Engine == nil {
		return false, errors.New("suite: no target engine")
	}
	Register()
	target = t
	preview := PreviewSpecs(description, args...)
	var ids []rules.ID
	for _, s := range preview.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || s.State.Is(types.SpecStateSkipped|types.SpecStatePending) {
			continue
		}
		for _, l := range s.LeafNodeLabels {
			if r, ok := rules.Lookup(l); ok {
				ids = append(ids, rules.ID(r.ID))
			}
		}
	}
	if len(ids) == 0 {
		return false, ErrNoSpecs
	}
	t.Engine.SelectOnly()
	for _, id := range ids {
		t.Engine.Select(id)
	}
	t.Engine.Start(t.context(context.Background()))
	return RunSpecs(gt, description, args...), nil
}

func (t *Target) context(spec context.Context) context.Context {
	if t.Context != nil {
		return t.Context
	}
	return spec
}

// workflow declares the Ordered container of one workflow: its BeforeAll waits until the
// workflow has run (it runs in the background from Certify, alongside the others), and its
// specs go on after a failing one (each spec is a rule of its own).
func workflow(a rules.Area, what string, args ...any) bool {
	body := args[len(args)-1]
	args = append(args[:len(args)-1:len(args)-1], Ordered, ContinueOnFailure, Offset(1), func() {
		BeforeAll(func(ctx SpecContext) {
			if target == nil || target.Engine == nil {
				Fail("suite: no target engine (run the specs with suite.Certify)")
			}
			if err := target.Engine.AwaitArea(target.context(ctx), a); err != nil {
				Fail("suite: " + err.Error())
			}
		})
		body.(func())()
	})
	return Describe(string(a)+": "+what, args...)
}

// ConformanceIt declares the spec of one rule: its text is the rule's ID and what it asserts;
// its labels (written out at the call, so `ginkgo labels` lists them) are the rule's ID and
// level, and its code location is the caller's, in the workflow's file.
func ConformanceIt(id rules.ID, args ...any) bool {
	r, ok := rules.Lookup(string(id))
	if !ok {
		panic("suite: unknown rule " + string(id))
	}
	args = append(args, Offset(1), func(ctx SpecContext) {
		if err := target.Engine.Await(target.context(ctx), r.ID); err != nil {
			Skip("cut short: " + err.Error())
		}
		res := target.Engine.Result(r.ID)
		if target.Annotate != nil {
			res = target.Annotate(res)
		}
		if target.Progress != nil {
			target.Progress(res)
		}
		outcome(res)
	})
	return It(string(r.ID)+": "+r.Asserts, args...)
}

// outcome turns a verdict into Ginkgo's outcome.
func outcome(res engine.Result) {
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
		shown = fmt.Sprintf(", showing %d of %d", len(res.Findings), res.Violations)
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
