package rules_test

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
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
		seen := map[rules.ID]bool{}
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
			ids = append(ids, string(r.ID))
		}
		Expect(ids).To(ContainElements(
			"AUTH-MISSING-KEY", "AUTH-INVALID-KEY", "AUTH-REVOKED-KEY", "AUTH-NO-SCOPE",
			"PARAM-VALID-200", "PARAM-INVALID-422", "PARAM-LIMIT-BOUNDS", "PARAM-DATE-PATTERN", "PARAM-EMPTY-MATCH", "PARAM-DEFAULT-LIMIT",
			"FILTER-HONOURED", "FILTER-COMPLETE",
			"PAGE-LIMIT", "PAGE-TERMINATES", "PAGE-NO-DUPLICATES", "PAGE-COMPLETE", "PAGE-FILTERS-KEPT", "PAGE-FOREIGN-CURSOR",
			"RATE-HEADERS-PRESENT", "RATE-HEADERS-FORMAT", "RATE-DECREASING", "RATE-429-ON-EXHAUSTION",
			"STATUS-NO-5XX", "STATUS-DOCUMENTED", "SCHEMA-CONTENT-TYPE", "SCHEMA-BODY", "TRANSPORT-ANSWER"))
	})

	It("is the rule table in README, exactly (conform rules --markdown prints rules.Markdown)", func() {
		readme, err := os.ReadFile("../../README.md")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(readme)).To(ContainSubstring(rules.Markdown()), "paste `go run ./cmd/conform rules --markdown` into README's Rule catalog")
	})

	It("cites, for every rule, a clause of openapi.json that exists, README's settled readings, or an RFC", func() {
		raw, err := os.ReadFile("../../openapi.json")
		Expect(err).NotTo(HaveOccurred())
		var spec any
		Expect(json.Unmarshal(raw, &spec)).To(Succeed())
		readme, err := os.ReadFile("../../README.md")
		Expect(err).NotTo(HaveOccurred())
		for _, r := range rules.Catalog {
			switch {
			case r.Clause == rules.Settled:
				Expect(string(readme)).To(ContainSubstring("\n## Settled readings\n"), "%s cites README.md#settled-readings", r.ID)
			case strings.HasPrefix(r.Clause, "RFC "):
			default:
				Expect(r.Clause).To(HavePrefix("#/"), r.ID)
				Expect(resolves(spec, r.Clause)).To(BeTrue(), "%s: %s is not in openapi.json", r.ID, r.Clause)
			}
		}
	})
})

// resolves reports whether a JSON pointer ("#/a/b~1c/0") names a value in doc.
func resolves(doc any, pointer string) bool {
	v := doc
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	return true
}
