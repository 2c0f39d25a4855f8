package contract

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestContract runs the package's specs: Load on the project's spec and on unusable specs,
// and the differential tests of the validation fast path against the library.
func TestContract(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "contract")
}
