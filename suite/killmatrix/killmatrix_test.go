package killmatrix_test

import (
	"context"
	"flag"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"os"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/killmatrix"
)

func TestKillMatrix(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "kill matrix")
}

// tableFile, when set, receives every printed matrix (.ci/run shows it without a second run).
var tableFile = os.Getenv("KILLMATRIX_TABLE")

// printTable writes rows to stdout, and to tableFile when set.
func printTable(title string, rows []killmatrix.Row) {
	var b strings.Builder
	b.WriteString("== " + title + "\n")
	killmatrix.Print(&b, rows)
	GinkgoWriter.Print(b.String())
	if tableFile != "" {
		f, err := os.OpenFile(tableFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		Expect(err).NotTo(HaveOccurred())
		_, _ = f.WriteString(b.String())
		_ = f.Close()
	}
}

// allowedUnchecked are the rules a benign server may leave without evidence: a listing with no
// payouts has no cursor to follow or item to compare, and one payout makes no second page.
var allowedUnchecked = map[string][]rules.ID{
	"benign-empty-dataset": {rules.FilterComplete, rules.PageComplete, rules.PageFiltersKept, rules.PageNoDuplicates, rules.PageForeignCursor},
	"benign-tiny-listing":  {rules.PageComplete, rules.PageFiltersKept, rules.PageNoDuplicates, rules.PageForeignCursor},
}

// seedsAtReference is how many seeds the matrix runs at the reference size.
const seedsAtReference = 5

// setRapidSeed sets rapid's process-wide seed (the matrices run one after another, so each
// certifies with its own).
func setRapidSeed(s uint64) {
	GinkgoHelper()
	Expect(flag.Lookup("rapid.seed").Value.Set(strconv.FormatUint(s, 10))).To(Succeed())
}

var _ = Describe("the kill matrix", Label("matrix"), func() {
	var c *contract.Contract
	var seed uint64
	BeforeEach(func() {
		var err error
		c, err = contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		seed = uint64(GinkgoRandomSeed())
		killmatrix.ConfigureRapid(seed, engine.DefaultExamples) // the default run's depth
		GinkgoWriter.Printf("seed %d\n", seed)
	})

	check := func(rows []killmatrix.Row) {
		faulty, benign := 0, 0
		for _, r := range rows {
			Expect(r.Err).NotTo(HaveOccurred(), r.Variant.Name)
			if r.Variant.Kind == fixtures.Faulty {
				faulty++
			} else {
				benign++
			}
		}
		Expect(faulty).To(BeNumerically(">=", 45))
		Expect(benign).To(BeNumerically(">=", 11)) // the reference and at least ten benign variants
		for _, r := range rows {
			Expect(r.Killed()).To(BeTrue(), "%s (%s, expected %q) fired %v", r.Variant.Name, r.Variant.Kind, r.Variant.Rule, r.Fired)
			if r.Variant.Kind == fixtures.Benign {
				// no rule of a conformant server goes unchecked for its size
				for _, id := range r.Unchecked {
					Expect(allowedUnchecked[r.Variant.Name]).To(ContainElement(id), "%s left %s unchecked", r.Variant.Name, id)
				}
			}
		}
	}

	DescribeTable("kills every faulty variant with its rule and passes every benign one, at every data size",
		func(payouts int) {
			rows := killmatrix.Run(context.Background(), killmatrix.Options{Contract: c, Seed: seed, MaxRequests: 1500, Workers: 2, Payouts: payouts})
			printTable(killmatrix.SizeName(payouts), rows)
			check(rows)
		},
		Entry("180 payouts", 180),
		Entry("25,000 payouts", 25_000),
	)

	// A variant killed on one seed only is caught by luck: at the reference size every variant is
	// certified on seedsAtReference seeds (the run's and the next ones), rapid's seed with it, and
	// every faulty one must be killed, and every benign one pass, on each.
	It("kills every faulty variant and passes every benign one on each of 5 seeds, at the reference size", func() {
		defer setRapidSeed(seed)
		for i := range uint64(seedsAtReference) {
			s := seed + i
			setRapidSeed(s)
			rows := killmatrix.Run(context.Background(), killmatrix.Options{Contract: c, Seed: s, MaxRequests: 1500, Workers: 2})
			printTable(fmt.Sprintf("%s, seed %d", killmatrix.SizeName(0), s), rows)
			check(rows)
		}
	})

	It("kills the variants whose faults hide in big listings at 1,000,000 payouts", func() {
		var rows []killmatrix.Row
		for _, name := range []string{fixtures.ReferenceName, "filter-stage-ignored", "filter-partner-prefix-match", "filter-period-start-exclusive",
			"filter-no-seconds-midnight", "page-cursor-never-ends", "page-ties-skipped", "benign-filter-after-fetch"} {
			rows = append(rows, killmatrix.RunOne(context.Background(), killmatrix.Options{Contract: c, Seed: seed, MaxRequests: 1500, Payouts: 1_000_000}, name))
		}
		printTable(killmatrix.SizeName(1_000_000), rows)
		for _, r := range rows {
			Expect(r.Err).NotTo(HaveOccurred(), r.Variant.Name)
			Expect(r.Killed()).To(BeTrue(), "%s (%s, expected %q) fired %v", r.Variant.Name, r.Variant.Kind, r.Variant.Rule, r.Fired)
			if r.Variant.Kind == fixtures.Benign {
				Expect(r.Unchecked).To(BeEmpty(), r.Variant.Name)
			}
		}
	})
})
