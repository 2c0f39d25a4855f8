package rules_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/rules"
)

func TestRules(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "rule catalog")
}

var _ = Describe("the catalog", func() {
	It("has unique IDs, a level, an area, what it asserts and a spec clause for every rule", func() {
		seen := map[string]bool{}
		for _, r := range rules.Catalog {
			Expect(seen[r.ID]).To(BeFalse(), r.ID)
			seen[r.ID] = true
			Expect(r.ID).To(MatchRegexp(`^[A-Z]+(-[A-Z0-9]+)+$`))
			Expect(r.Level).To(BeElementOf(rules.Strict, rules.Lenient))
			Expect(rules.Areas()).To(ContainElement(r.Area))
			Expect(r.Asserts).NotTo(BeEmpty())
			Expect(r.Clause).NotTo(BeEmpty())
		}
	})

	It("names, for every rule, a faulty fixture variant built to break exactly that rule", func() {
		for _, r := range rules.Catalog {
			v, ok := fixtures.LookupVariant(r.Variant)
			Expect(ok).To(BeTrue(), "%s names unknown variant %q", r.ID, r.Variant)
			Expect(v.Kind).To(Equal(fixtures.Faulty), r.ID)
			Expect(v.Rule).To(Equal(r.ID), r.ID)
		}
	})

	It("knows every rule a fixture variant claims to break", func() {
		for _, v := range fixtures.Variants() {
			if v.Kind == fixtures.Faulty {
				_, ok := rules.Lookup(v.Rule)
				Expect(ok).To(BeTrue(), "%s claims unknown rule %q", v.Name, v.Rule)
			}
		}
	})

	It("keeps its rule IDs stable: the public list users' baselines and scripts name", func() {
		var ids []string
		for _, r := range rules.Catalog {
			ids = append(ids, r.ID)
		}
		Expect(ids).To(ContainElements(
			"AUTH-MISSING-KEY", "AUTH-INVALID-KEY", "AUTH-REVOKED-KEY", "AUTH-NO-SCOPE",
			"PARAM-VALID-200", "PARAM-INVALID-422", "PARAM-LIMIT-BOUNDS", "PARAM-DATE-PATTERN", "PARAM-EMPTY-MATCH", "PARAM-DEFAULT-LIMIT",
			"FILTER-HONOURED", "FILTER-COMPLETE",
			"PAGE-LIMIT", "PAGE-TERMINATES", "PAGE-NO-DUPLICATES", "PAGE-COMPLETE", "PAGE-FILTERS-KEPT", "PAGE-FOREIGN-CURSOR",
			"RATE-HEADERS-PRESENT", "RATE-HEADERS-FORMAT", "RATE-DECREASING", "RATE-429-ON-EXHAUSTION",
			"STATUS-NO-5XX", "STATUS-DOCUMENTED", "SCHEMA-CONTENT-TYPE", "SCHEMA-BODY", "TRANSPORT-ANSWER"))
	})
})
