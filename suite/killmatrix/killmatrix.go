// Package killmatrix certifies every fixture variant with the full suite and tells which rules
// fired: the proof that the suite catches each faulty server with the rule it breaks and leaves
// every benign one alone. Its test (the kill matrix) runs in CI; `conform matrix` prints it.
package killmatrix

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
)

// Row is one variant's outcome.
type Row struct {
	Variant   fixtures.Variant
	Fired     []rules.ID // rules with violations
	Unchecked []rules.ID // rules cut short or not checked (no evidence)
	Requests  int
	Elapsed   time.Duration
	Err       error
}

// Killed reports whether the row is as it should be: a faulty variant fired its rule, a
// benign one (or the reference) fired nothing.
func (r Row) Killed() bool {
	if r.Err != nil {
		return false
	}
	if r.Variant.Kind == fixtures.Faulty {
		return slices.Contains(r.Fired, r.Variant.Rule)
	}
	return len(r.Fired) == 0
}

// Options configure a matrix run.
type Options struct {
	Contract    *contract.Contract
	Seed        uint64
	Examples    int
	MaxRequests int
	Workers     int
	Payouts     int           // dataset size of every server (0 = the reference dataset)
	Latency     time.Duration // every server delays each answer by this much (0: none)
}

// Run certifies the reference server and every variant, Workers at a time, in variant order.
func Run(ctx context.Context, o Options) []Row {
	variants := append([]fixtures.Variant{{Name: fixtures.ReferenceName, Kind: fixtures.Benign, Description: "the reference server"}}, fixtures.Variants()...)
	rows := make([]Row, len(variants))
	sem := make(chan struct{}, max(1, o.Workers))
	var wg sync.WaitGroup
	for i, v := range variants {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rows[i] = one(ctx, o, v)
		}()
	}
	wg.Wait()
	return rows
}

func one(ctx context.Context, o Options, v fixtures.Variant) Row {
	start := time.Now()
	row := Row{Variant: v}
	run, err := certify.Prepare(certify.Options{Contract: o.Contract, Variant: v.Name, Payouts: o.Payouts, Seed: o.Seed,
		Examples: o.Examples, MaxRequests: o.MaxRequests, Timeout: 5 * time.Second, Latency: o.Latency})
	if err != nil {
		row.Err = err
		return row
	}
	defer run.Close()
	if err := run.Engine.Preflight(ctx); err != nil {
		row.Err = err
		return row
	}
	run.Engine.RunAll(ctx)
	row.Fired, row.Requests, row.Elapsed = run.Engine.Fired(), run.Engine.Requests(), time.Since(start)
	for _, r := range run.Engine.Results() {
		if r.Status == engine.CutOff {
			row.Unchecked = append(row.Unchecked, r.Rule.ID)
		}
	}
	return row
}

// RunOne certifies one variant (or the reference, by fixtures.ReferenceName).
func RunOne(ctx context.Context, o Options, name string) Row {
	v := fixtures.Variant{Name: fixtures.ReferenceName, Kind: fixtures.Benign, Description: "the reference server"}
	if name != fixtures.ReferenceName {
		var ok bool
		if v, ok = fixtures.LookupVariant(name); !ok {
			return Row{Variant: fixtures.Variant{Name: name}, Err: fmt.Errorf("killmatrix: unknown variant %q", name)}
		}
	}
	return one(ctx, o, v)
}

// SizeName names a dataset size for the matrix's title.
func SizeName(payouts int) string {
	if payouts == 0 {
		return "the reference dataset"
	}
	return fmt.Sprintf("%d payouts", payouts)
}

// Print writes the matrix as a table, then the counts.
func Print(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%-4s %-7s %-40s %-24s %-8s %-8s %s\n", "ok", "kind", "variant", "expected rule", "requests", "time", "rules fired")
	faulty, killed, benign, passed := 0, 0, 0, 0
	for _, r := range rows {
		mark := "ok"
		if !r.Killed() {
			mark = "MISS"
		}
		fired := fmt.Sprint(r.Fired)
		if len(r.Unchecked) > 0 {
			fired += fmt.Sprintf(" unchecked %v", r.Unchecked)
		}
		if r.Err != nil {
			fired = "error: " + r.Err.Error()
		}
		fmt.Fprintf(w, "%-4s %-7s %-40s %-24s %-8d %-8s %s\n", mark, r.Variant.Kind, r.Variant.Name, r.Variant.Rule, r.Requests, r.Elapsed.Round(time.Millisecond), fired)
		if r.Variant.Kind == fixtures.Faulty {
			faulty++
			if r.Killed() {
				killed++
			}
		} else {
			benign++
			if r.Killed() {
				passed++
			}
		}
	}
	fmt.Fprintf(w, "faulty killed %d/%d, benign passed %d/%d\n", killed, faulty, passed, benign)
}

// ConfigureRapid is engine.ConfigureRapid, re-exported for the matrix's callers.
var ConfigureRapid = engine.ConfigureRapid
