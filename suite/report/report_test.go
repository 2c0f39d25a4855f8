package report_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/report"
	"github.com/introw/conform/suite/rules"
)

var _ = Describe("Redactor", func() {
	It("never garbles a word, a number or the seed around a one-character key", func() {
		for _, key := range []string{"x", "1", "e"} {
			red := report.NewRedactor(key).WithHeader("x-api-key")
			for _, text := range []string{
				"expected 200 for valid parameter values, got 422",
				"FAIL PARAM-LIMIT 15 violation(s), showing 5",
				"seed 1 (replay with --seed 1)",
				"?limit=1&periodStart=2024-02-29T10:30Z",
				`{"data":[{"id":"po_1","amount":"100.10"}],"pagination":{"nextCursor":null}}`,
				"x 1 e", // a short key standing alone in free text is indistinguishable from text
			} {
				Expect(red.Redact(text)).To(Equal(text), "key %q", key)
			}
		}
	})

	It("redacts a key of any length where it is the value of the key header or a key variable", func() {
		red := report.NewRedactor("1").WithHeader("X-Custom-Key")
		Expect(red.Redact(`curl -sS -i 'http://h/p?limit=1' -H 'x-api-key: 1'`)).To(Equal(`curl -sS -i 'http://h/p?limit=1' -H 'x-api-key: [REDACTED]'`))
		Expect(red.Redact(`-H "X-Custom-Key: 1"`)).To(Equal(`-H "X-Custom-Key: [REDACTED]"`))
		Expect(red.Redact(`{"x-api-key": "1", "limit": 1}`)).To(Equal(`{"x-api-key": "[REDACTED]", "limit": 1}`))
		Expect(red.Redact("export CONFORM_API_KEY=1")).To(Equal("export CONFORM_API_KEY=[REDACTED]"))
		Expect(red.Redact("x-api-key: 12")).To(Equal("x-api-key: 12"), "another value is not the key")
	})

	It("redacts a long key wherever it begins a token, in any case, never inside a word", func() {
		key := "ck_live_HOSTILE_valid_7f3a9c1e5b2d"
		red := report.NewRedactor(key, "", "ck_live_short")
		Expect(red.Redact("invalid key " + key + ".")).To(Equal("invalid key [REDACTED]."))
		Expect(red.Redact("https://h/p?api_key=" + key + "&x=1")).To(Equal("https://h/p?api_key=[REDACTED]&x=1"))
		Expect(red.Redact(strings.ToUpper(key))).To(Equal("[REDACTED]"))
		Expect(red.Redact(key+"Zq9")).To(Equal("[REDACTED]Zq9"), "the key with characters appended (an invalid-key probe, echoed)")
		Expect(red.Redact("x"+key)).To(Equal("x"+key), "inside a word it is not a key")
		Expect(red.Redact("ck_live_short ck_live_shortest")).To(Equal("[REDACTED] [REDACTED]est"))
	})

	It("says which keys are too short to redact from free text", func() {
		Expect(report.TooShort("1")).To(BeTrue())
		Expect(report.TooShort("1234567")).To(BeTrue())
		Expect(report.TooShort("12345678")).To(BeFalse())
		Expect(report.TooShort("")).To(BeFalse())
	})
})

// summary is a failing run: one rule with more violations than findings kept.
func summary() report.Summary {
	rule, _ := rules.Lookup(rules.PageLimit)
	var fs []engine.Finding
	for range 5 {
		fs = append(fs, engine.Finding{Rule: rule.ID, Message: "expected at most 3 items, got 4", Request: "?limit=3",
			Curl: `curl -sS -i 'http://h/api/v1/payouts?limit=3' -H "x-api-key: $CONFORM_API_KEY"`, Status: 200})
	}
	pass, _ := rules.Lookup(rules.AuthMissingKey)
	s := report.Summary{Seed: 1, Target: "http://h", Profile: "strict", Results: []engine.Result{
		{Rule: rule, Status: engine.Fail, Findings: fs, Violations: 15, Requests: 40},
		{Rule: pass, Status: engine.Pass, Requests: 3},
	}}
	s.Tally()
	return s
}

var _ = Describe("renderers", func() {
	It(`say "15 violation(s), showing 5" when a rule kept fewer findings than it had violations`, func() {
		s, red := summary(), report.NewRedactor()
		var console, md, html bytes.Buffer
		Expect(report.WriteConsole(&console, s, red, false)).To(Succeed())
		Expect(report.WriteMarkdown(&md, s, red)).To(Succeed())
		Expect(report.WriteHTML(&html, s, red)).To(Succeed())
		for name, out := range map[string]string{"console": console.String(), "markdown": md.String(), "html": html.String()} {
			Expect(out).To(ContainSubstring("15 violation(s), showing 5"), name)
		}
		all := s.Results[0]
		all.Violations = 5
		Expect(report.Violations(all)).To(Equal("5 violation(s)"))
	})

	It("writes report.json in camelCase throughout, the rule included", func() {
		var b bytes.Buffer
		Expect(report.WriteJSON(&b, summary(), report.NewRedactor())).To(Succeed())
		var doc map[string]any
		Expect(json.Unmarshal(b.Bytes(), &doc)).To(Succeed())
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if path != ".requestsByPlan" && path != ".counts" { // keys there are data
						Expect(k).NotTo(BeEmpty())
						Expect(unicode.IsLower(rune(k[0]))).To(BeTrue(), "%s.%s is not camelCase", path, k)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for _, e := range v {
					walk(path+"[]", e)
				}
			}
		}
		walk("", doc)
		res := doc["results"].([]any)[0].(map[string]any)
		Expect(res["rule"]).To(HaveKeyWithValue("id", string(rules.PageLimit)))
		Expect(res["rule"]).To(HaveKeyWithValue("area", "pagination"))
		Expect(res["rule"]).To(HaveKeyWithValue("level", "lenient"))
		Expect(res["rule"]).To(HaveKey("asserts"))
		Expect(res["rule"]).To(HaveKey("clause"))
		Expect(res["rule"]).To(HaveKeyWithValue("variant", "page-limit-plus-one"))
		Expect(res).To(HaveKeyWithValue("violations", BeEquivalentTo(15)))
		Expect(res["findings"]).To(HaveLen(5))
		Expect(res).To(HaveKey("durationNs"))
		Expect(doc).To(HaveKeyWithValue("verdict", "violations"))
	})
})

var _ = Describe("date ambiguity", func() {
	pattern := regexp.MustCompile(`^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$`)
	params := []report.DateParam{{Name: "periodStart", Pattern: pattern}, {Name: "periodEnd", Pattern: pattern}}
	finding := func(id rules.ID, request string) []engine.Result {
		rule, _ := rules.Lookup(id)
		return []engine.Result{{Rule: rule, Status: engine.Fail, Violations: 1,
			Findings: []engine.Finding{{Rule: id, Message: "expected 200, got 422", Request: request}}}}
	}

	DescribeTable("notes a finding that hinges on a value the pattern and format: date-time judge differently",
		func(id rules.ID, request, note string) {
			in := finding(id, request)
			out := report.NoteAmbiguousDates(in, params)
			Expect(in[0].Findings[0].Message).To(Equal("expected 200, got 422"), "the input is not changed")
			if note == "" {
				Expect(out[0].Findings[0].Message).To(Equal("expected 200, got 422"))
				return
			}
			Expect(out[0].Findings[0].Message).To(Equal("expected 200, got 422; " + note))
		},
		Entry("no seconds: the pattern only", rules.ParamValid200, "?limit=1&periodStart=2026-03-01T00%3A00Z", report.NotePatternOnly),
		Entry("no seconds, on PARAM-DATE-PATTERN", rules.ParamDatePattern, "?periodEnd=2024-02-29T10%3A30Z", report.NotePatternOnly),
		Entry("an offset: format only", rules.ParamInvalid422, "?periodStart=2024-01-01T00%3A00%3A00%2B01%3A00", report.NoteFormatOnly),
		Entry("lower-case t and z: format only", rules.ParamInvalid422, "?periodEnd=2024-01-01t00%3A00%3A00z", report.NoteFormatOnly),
		Entry("both admit it", rules.ParamValid200, "?periodStart=2024-01-01T00%3A00%3A00.123456789012Z", ""),
		Entry("both refuse it (Feb 29 of 2100)", rules.ParamDatePattern, "?periodStart=2100-02-29T00%3A00%3A00Z", ""),
		Entry("not a date rule", rules.FilterHonoured, "?periodStart=2026-03-01T00%3A00Z", ""),
		Entry("no date parameter", rules.ParamValid200, "?limit=1", ""),
	)

	DescribeTable("RFC3339DateTime is RFC 3339's date-time",
		func(v string, ok bool) { Expect(report.RFC3339DateTime(v)).To(Equal(ok)) },
		Entry(nil, "2024-02-29T10:30:00Z", true),
		Entry(nil, "2024-02-29t10:30:00z", true),
		Entry(nil, "2024-02-29T10:30:00.1234567890123Z", true),
		Entry(nil, "2024-02-29T10:30:00+01:00", true),
		Entry(nil, "2024-12-31T23:59:60Z", true),
		Entry(nil, "2024-02-29T10:30Z", false),
		Entry(nil, "2023-02-29T10:30:00Z", false),
		Entry(nil, "2024-02-29T24:00:00Z", false),
		Entry(nil, "2024-02-29T10:30:00.Z", false),
		Entry(nil, "2024-02-29T10:30:00+0100", false),
		Entry(nil, "2024-02-29 10:30:00Z", false),
	)
})
