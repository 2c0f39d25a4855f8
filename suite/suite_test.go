package suite_test

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
)

// TestSuite runs the contract specs against the built-in reference server.
func TestSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "conform: payouts contract against the reference server")
}

var run *certify.Run

var _ = suite.Register()

var _ = BeforeSuite(func() {
	c, err := contract.Load(conform.OpenAPI)
	Expect(err).NotTo(HaveOccurred())
	seed := uint64(GinkgoRandomSeed())
	engine.ConfigureRapid(seed, 30)
	run, err = certify.Prepare(certify.Options{Contract: c, Seed: seed, MaxRequests: 1500})
	Expect(err).NotTo(HaveOccurred())
	Expect(run.Engine.Preflight(context.Background())).To(Succeed())
	suite.Use(&suite.Target{Engine: run.Engine})
	GinkgoWriter.Printf("seed %d\n", seed)
})

var _ = AfterSuite(func() {
	if run != nil {
		run.Close()
	}
})
