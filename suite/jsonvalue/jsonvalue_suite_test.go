package jsonvalue

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestJSONValue runs the package's specs: the differential tests of Decode against
// encoding/json (a Decoder with UseNumber) on edge cases, the payouts page, random JSON
// and mutated documents.
func TestJSONValue(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "jsonvalue")
}
