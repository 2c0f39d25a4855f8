package contract

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestContract runs the package's specs: Load on the project's spec and on unusable specs,
// and Validate's verdicts on bodies decoded as the client decodes them.
func TestContract(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "contract")
}
