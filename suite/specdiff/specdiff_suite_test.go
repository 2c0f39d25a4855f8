package specdiff_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSpecdiff(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "specdiff suite")
}
