package killmatrix_test

import (
	"context"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/killmatrix"
)

func TestKillMatrix(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "kill matrix")
}

var _ = Describe("the kill matrix", Label("matrix"), func() {
	It("kills every faulty variant with its rule and passes every benign one", func(ctx SpecContext) {
		c, err := contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		seed := uint64(GinkgoRandomSeed())
		killmatrix.ConfigureRapid(seed, 30)
		GinkgoWriter.Printf("seed %d\n", seed)
		rows := killmatrix.Run(context.Background(), killmatrix.Options{Contract: c, Seed: seed, Examples: 30, MaxRequests: 1500, Workers: 2})
		killmatrix.Print(os.Stdout, rows)
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
		}
	})
})
