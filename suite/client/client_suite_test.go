package client_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestClient runs the client's specs: the hardened client against the hostile servers of
// fixtures/hostile.
func TestClient(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "client suite")
}
