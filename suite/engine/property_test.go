package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"net/url"
	"testing"

	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
)

func TestEngine(t *testing.T) {
	RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "engine")
}

// (package engine declares its own Fail status, so Ginkgo's DSL is not dot-imported here)
var _ = ginkgo.It("reports a property failure with the input rapid shrank it to, not the first one found", func() {
	c, err := contract.Load(conform.OpenAPI)
	Expect(err).NotTo(HaveOccurred())
	u, _ := url.Parse("http://127.0.0.1:1")
	cl, err := client.New(client.Config{BaseURL: u, Path: c.Path, KeyHeader: c.KeyHeader})
	Expect(err).NotTo(HaveOccurred())
	ConfigureRapid(7, 100)
	e := New(Config{Contract: c, Client: cl, Seed: 7})
	first := -1
	stop := e.property(context.Background(), rules.ParamInvalid422, func(_ context.Context, t *rapid.T, x *example) error {
		n := rapid.IntRange(0, 1000).Draw(t, "limit")
		if n > 10 {
			if first < 0 {
				first = n
			}
			x.add(Finding{Rule: rules.ParamInvalid422, Message: fmt.Sprintf("limit=%d", n)})
		}
		return nil
	})
	Expect(stop).NotTo(HaveOccurred())
	res := e.Result(rules.ParamInvalid422)
	Expect(res.Findings).To(HaveLen(1))
	Expect(res.Findings[0].Message).To(Equal("limit=11"), "first found: %d", first)
	Expect(res.Findings[0].Minimal).To(BeTrue())
})
