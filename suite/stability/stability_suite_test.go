package stability_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestStability(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "stability: verdicts across rate-limit windows")
}
