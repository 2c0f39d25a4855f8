package specdriven_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/suite/engine"
)

func TestSpecDriven(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "specdriven: the spec drives the suite")
}

// seed is the run's seed (Ginkgo's, so --seed replays a run); rapid's knobs are process-wide
// and set once.
var seed uint64

var _ = BeforeSuite(func() {
	seed = uint64(GinkgoRandomSeed())
	engine.ConfigureRapid(seed, examples)
	GinkgoWriter.Printf("seed %d\n", seed)
})
