package stability_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/rules"
	"github.com/introw/conform/suite/stability"
)

// rateArea is the number of requests the server counts up to the end of the rate-limit area when
// it runs first (RunAll's order): the preflight, the head walk (3 pages of the reference listing),
// RATE-DECREASING's 9 probes and the exhaustion of the rate-limit key (10 a minute) with its 422
// and its 429, plus a margin for the probes a new window adds.
const rateArea = 32

// run is one certification of the built-in server with a fake clock.
type run struct {
	variant  string
	seed     uint64
	examples int
	payouts  int // the built-in server's dataset size (0: the reference 300)
	clock    *stability.Clock
	full     bool // every area (RunAll); else the rate-limit area alone
	results  []engine.Result
	fired    []rules.ID
	requests int
	elapsed  time.Duration
	err      error
}

func (r *run) String() string {
	v := r.variant
	if v == "" {
		v = fixtures.ReferenceName
	}
	area := "rate-limit area"
	if r.full {
		area = "all areas"
	}
	if r.payouts > 0 {
		v += fmt.Sprintf(" (%d payouts)", r.payouts)
	}
	return fmt.Sprintf("%s, %s, seed %d, examples %d, boundary after counted request %d (step %s), %d requests, %d clock readings, %s",
		v, area, r.seed, r.examples, r.clock.After, r.clock.Step, r.requests, r.clock.Readings(), r.elapsed.Round(time.Millisecond))
}

func (r *run) result(id rules.ID) engine.Result {
	i := slices.IndexFunc(r.results, func(res engine.Result) bool { return res.Rule.ID == id })
	return r.results[i]
}

// alarms lists the rules a run failed or errored on: a false alarm against the reference server.
func (r *run) alarms() []string {
	var out []string
	for _, res := range r.results {
		if res.Violations > 0 || res.Status == engine.Fail || res.Status == engine.Error {
			msg := res.Reason
			if len(res.Findings) > 0 {
				msg = res.Findings[0].Message
			}
			out = append(out, fmt.Sprintf("%s %s: %s", res.Status, res.Rule.ID, msg))
		}
	}
	return out
}

var rapidMu sync.Mutex

// certifyOnce runs r. rapid's seed and example count are process-wide flags, so full runs (the
// only ones with properties) hold rapidMu and set them for themselves.
func certifyOnce(c *contract.Contract, r *run) {
	if r.full {
		rapidMu.Lock()
		defer rapidMu.Unlock()
		for name, v := range map[string]string{"rapid.seed": strconv.FormatUint(r.seed, 10), "rapid.checks": strconv.Itoa(r.examples)} {
			if err := flag.Lookup(name).Value.Set(v); err != nil {
				r.err = err
				return
			}
		}
	}
	start := time.Now()
	defer func() { r.elapsed = time.Since(start) }()
	cr, err := certify.Prepare(certify.Options{Contract: c, Variant: r.variant, Payouts: r.payouts, Seed: r.seed, Examples: r.examples,
		MaxRequests: 1500, Timeout: 10 * time.Second, Now: r.clock.Now})
	if err != nil {
		r.err = err
		return
	}
	defer cr.Close()
	ctx := context.Background()
	if r.err = cr.Engine.Preflight(ctx); r.err != nil {
		return
	}
	if r.full {
		cr.Engine.RunAll(ctx)
	} else {
		cr.Engine.RunArea(ctx, rules.RateLimits)
	}
	r.results, r.fired, r.requests = cr.Engine.Results(), cr.Engine.Fired(), cr.Engine.Requests()
}

// certifyAll runs every run, a few at a time (rate-limit area runs share no state).
func certifyAll(c *contract.Contract, runs []*run) time.Duration {
	start := time.Now()
	sem := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			certifyOnce(c, r)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// singleStep is a random clock step short enough that a whole run (at most a few thousand
// counted requests) crosses exactly one minute boundary.
func singleStep(rng *rand.Rand) time.Duration {
	return time.Duration(50+rng.IntN(15_000)) * time.Microsecond
}

var _ = Describe("verdicts across a rate-limit window boundary", Ordered, func() {
	var (
		c     *contract.Contract
		rng   *rand.Rand
		total int
		began time.Time
	)
	BeforeAll(func() {
		var err error
		c, err = contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		master := uint64(GinkgoRandomSeed())
		GinkgoWriter.Printf("master seed %d (replay the boundaries and seeds with ginkgo --seed %d)\n", master, master)
		rng = rand.New(rand.NewPCG(master, 0x57ab1e))
		engine.ConfigureRapid(master, 30) // shrink bound and fail files; seed and checks are set per run
		began = time.Now()
	})
	AfterAll(func() {
		fmt.Fprintf(GinkgoWriter, "%d certifications in %s\n", total, time.Since(began).Round(time.Millisecond))
		AddReportEntry("certifications", fmt.Sprintf("%d in %s", total, time.Since(began).Round(time.Millisecond)))
	})

	// report prints every run (with its seed) and fails with the first run that went wrong.
	report := func(runs []*run, took time.Duration, check func(r *run) string) {
		GinkgoHelper()
		total += len(runs)
		GinkgoWriter.Printf("%d runs in %s\n", len(runs), took.Round(time.Millisecond))
		var bad []string
		for _, r := range runs {
			GinkgoWriter.Printf("  %s\n", r)
			if r.err != nil {
				bad = append(bad, fmt.Sprintf("%s: %v", r, r.err))
			} else if why := check(r); why != "" {
				bad = append(bad, fmt.Sprintf("%s: %s", r, why))
			}
		}
		Expect(bad).To(BeEmpty(), "%d of %d runs went wrong", len(bad), len(runs))
	}

	It("never fails the reference server wherever one boundary falls in the rate-limit area, and judges both rate rules", func() {
		var runs []*run
		for after := 0; after <= rateArea; after++ {
			for range 8 {
				runs = append(runs, &run{seed: rng.Uint64() >> 1, clock: stability.NewClock(after, singleStep(rng))})
			}
		}
		took := certifyAll(c, runs)
		report(runs, took, func(r *run) string {
			if a := r.alarms(); len(a) > 0 {
				return fmt.Sprint("false alarm: ", a)
			}
			for _, id := range []rules.ID{rules.RateHeadersPresent, rules.RateHeadersFormat, rules.RateDecreasing, rules.Rate429OnExhaustion} {
				if res := r.result(id); res.Status != engine.Pass {
					return fmt.Sprintf("%s is %s (%s), want pass", id, res.Status, res.Reason)
				}
			}
			return ""
		})
	})

	// A window renewing at every request is a server that does not count per minute (requests
	// milliseconds apart would each need a minute of their own): RATE-DECREASING rightly fails it.
	It("never fails it when windows renew every few requests; a rule it cannot follow says not checked", func() {
		var runs []*run
		for every := 2; every <= 8; every++ { // a new window every `every` counted requests
			for range 3 {
				step := time.Minute/time.Duration(every) + time.Duration(rng.IntN(1000))*time.Microsecond
				runs = append(runs, &run{seed: rng.Uint64() >> 1, clock: stability.NewClock(rng.IntN(every+1), step)})
			}
		}
		took := certifyAll(c, runs)
		report(runs, took, func(r *run) string {
			if a := r.alarms(); len(a) > 0 {
				return fmt.Sprint("false alarm: ", a)
			}
			for _, id := range []rules.ID{rules.RateDecreasing, rules.Rate429OnExhaustion} {
				if res := r.result(id); res.Status != engine.Pass && res.Status != engine.CutOff {
					return fmt.Sprintf("%s is %s (%s), want pass or not checked", id, res.Status, res.Reason)
				}
			}
			return ""
		})
	})

	It("still catches every rate-limit fault wherever the boundary falls, and never passes one", func() {
		faults := []string{"rate-never-limited", "rate-limited-late", "rate-remaining-static", "rate-remaining-lagging"}
		rule := map[string]rules.ID{}
		for _, v := range fixtures.Variants() {
			rule[v.Name] = v.Rule
		}
		var runs, dense []*run
		for _, v := range faults {
			Expect(rule).To(HaveKey(v))
			for after := 0; after <= rateArea; after++ {
				runs = append(runs, &run{variant: v, seed: rng.Uint64() >> 1, clock: stability.NewClock(after, singleStep(rng))})
			}
			for every := 2; every <= 5; every++ {
				dense = append(dense, &run{variant: v, seed: rng.Uint64() >> 1, clock: stability.NewClock(rng.IntN(every+1), time.Minute/time.Duration(every))})
			}
		}
		took := certifyAll(c, append(runs, dense...))
		report(runs, took, func(r *run) string {
			if !slices.Contains(r.fired, rule[r.variant]) {
				return fmt.Sprintf("missed: expected %s among the rules fired, got %v", rule[r.variant], r.fired)
			}
			return ""
		})
		report(dense, 0, func(r *run) string {
			if res := r.result(rule[r.variant]); res.Status == engine.Pass {
				return fmt.Sprintf("%s passed a faulty server", res.Rule.ID)
			}
			return ""
		})
	})

	It("finds no false alarm in whole runs, with the boundary anywhere in the run", func() {
		var runs []*run
		add := func(n, examples, payouts int, where func() int) {
			for range n {
				runs = append(runs, &run{full: true, seed: rng.Uint64() >> 1, examples: examples, payouts: payouts,
					clock: stability.NewClock(where(), singleStep(rng))})
			}
		}
		inRateArea := func() int { return rng.IntN(rateArea + 1) }
		// a run's server counts about 700 requests at 30 examples, 530-580 at 5
		anywhere := func(n int) func() int { return func() int { return rng.IntN(n) } }
		add(4, 30, 0, inRateArea) // the default example count
		add(4, 30, 0, anywhere(700))
		add(8, 5, 0, inRateArea)
		add(16, 5, 0, anywhere(530))
		add(2, 5, 180, inRateArea) // a listing of 180 (two pages at the largest page size)
		add(2, 5, 180, anywhere(530))
		add(3, 5, 25_000, inRateArea) // a listing too long to walk whole
		add(3, 5, 25_000, anywhere(530))
		took := certifyAll(c, runs)
		report(runs, took, func(r *run) string {
			if a := r.alarms(); len(a) > 0 {
				return fmt.Sprint("false alarm: ", a)
			}
			for _, id := range []rules.ID{rules.RateDecreasing, rules.Rate429OnExhaustion} {
				if res := r.result(id); res.Status != engine.Pass {
					return fmt.Sprintf("%s is %s (%s), want pass", id, res.Status, res.Reason)
				}
			}
			return ""
		})
	})
})
