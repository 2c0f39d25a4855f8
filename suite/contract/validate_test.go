package contract

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite/client"
)

// Validate's verdicts on bodies decoded as the client decodes them (client.DecodeJSON):
// conformant pages, every listed mutation of one, and the keywords of
// testdata/keywords.openapi.json with numbers whose verdict needs their exact literal.

// decoded decodes a body as the client does.
func decoded(raw []byte) any {
	v, err := client.DecodeJSON(raw)
	Expect(err).NotTo(HaveOccurred(), string(raw))
	return v
}

// --- paths into a decoded body ---------------------------------------------------------

type path []any // string keys and int indexes

func get(v any, p path) any {
	for _, s := range p {
		switch s := s.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	return v
}

// set replaces the value at p and returns the (possibly new) root.
func set(root any, p path, v any) any {
	if len(p) == 0 {
		return v
	}
	switch parent := get(root, p[:len(p)-1]).(type) {
	case map[string]any:
		parent[p[len(p)-1].(string)] = v
	case []any:
		parent[p[len(p)-1].(int)] = v
	}
	return root
}

// del removes the value at p: a key from its object.
func del(root any, p path) any {
	delete(get(root, p[:len(p)-1]).(map[string]any), p[len(p)-1].(string))
	return root
}

func itemPath(i int, dotted string) path {
	p := path{"data", i}
	for _, s := range strings.Split(dotted, ".") {
		p = append(p, s)
	}
	return p
}

func show(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(raw)
}

func jn(s string) json.Number { return json.Number(s) }

// --- the cases of the project's success schema -----------------------------------------

type bodyCase struct {
	name   string
	mutate func(root any) any
	valid  bool // the verdict the spec dictates
}

func setCase(name string, p path, v any, valid bool) bodyCase {
	return bodyCase{name: name, mutate: func(root any) any { return set(root, p, v) }, valid: valid}
}

var itemLeaves = []string{"id", "partner.id", "partner.name", "batchId", "periodStart", "periodEnd",
	"amount.value", "amount.currency", "stage", "poNumber", "createdAt", "updatedAt"}

var dateFields = []string{"periodStart", "periodEnd", "createdAt", "updatedAt"}

var validDates = []string{"2026-04-05T09:00:00.000Z", "2000-02-29T00:00:00Z", "2024-02-29T23:59:59Z",
	"1600-02-29T00:00:00Z", "0000-02-29T12:00:00Z", "2026-04-30T23:59Z", "2026-12-31T23:59:59.123456789Z",
	"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9Z"}

var invalidDates = []string{"2100-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	"2026-04-05T09:00:00+01:00", "2026-04-05T09:00:00.000z", "2026-04-05 09:00:00Z", "2026-04-31T00:00:00Z",
	"2026-13-01T00:00:00Z", "2026-04-30T24:00:00Z", "2026-04-30T23:59:60Z", "2026-04-30T23:59:59.Z",
	"2026-04-30T23:59:59Z\n", "2026-04-30", "", "２０２６-04-30T00:00:00Z"}

// successCases mutates a conformant 25-item page: every field missing, mistyped, out of its
// enum, pattern or length, extra properties, and the page's envelope.
func successCases() []bodyCase {
	cases := []bodyCase{{name: "conformant", mutate: func(r any) any { return r }, valid: true}}
	for _, i := range []int{0, 24} {
		at := fmt.Sprintf("item %d", i)
		for _, f := range append(slices.Clone(itemLeaves), "partner", "amount") {
			p := itemPath(i, f)
			cases = append(cases, bodyCase{name: at + ": drop " + f, mutate: func(r any) any { return del(r, p) }})
		}
		for _, obj := range []string{"", "partner", "amount"} {
			p := path{"data", i, "extra"}
			if obj != "" {
				p = itemPath(i, obj+".extra")
			}
			cases = append(cases, setCase(at+": extra property in "+obj, p, "x", false))
		}
		for _, f := range itemLeaves {
			nullable := f == "batchId" || f == "poNumber"
			for _, wrong := range []any{jn("1"), jn("1.5"), true, map[string]any{}, []any{}, nil} {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s = %s", at, f, show(wrong)), itemPath(i, f), wrong, wrong == nil && nullable))
			}
			cases = append(cases, setCase(at+": "+f+" empty string", itemPath(i, f), "", f != "amount.currency" && f != "stage" && !slices.Contains(dateFields, f)))
		}
		for _, s := range []string{"DRAFT", "PAID", "FAILED"} {
			cases = append(cases, setCase(at+": stage "+s, itemPath(i, "stage"), s, true))
		}
		for _, s := range []string{"paid", "PAID ", "UNKNOWN", "PAID\x00"} {
			cases = append(cases, setCase(at+": stage "+s, itemPath(i, "stage"), s, false))
		}
		for _, f := range dateFields {
			for _, d := range validDates {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s %q", at, f, d), itemPath(i, f), d, true))
			}
			for _, d := range invalidDates {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s %q", at, f, d), itemPath(i, f), d, false))
			}
		}
		for cur, ok := range map[string]bool{"USD": true, "€€€": true, "US": false, "USDD": false, "€€": false} {
			cases = append(cases, setCase(at+": currency "+cur, itemPath(i, "amount.currency"), cur, ok))
		}
		for _, wrong := range []any{nil, []any{}, "x", jn("1")} {
			cases = append(cases, setCase(fmt.Sprintf("%s: item = %s", at, show(wrong)), path{"data", i}, wrong, false))
		}
	}
	for _, wrong := range []any{map[string]any{}, "x", nil, jn("1")} {
		cases = append(cases, setCase("data = "+show(wrong), path{"data"}, wrong, false))
	}
	return append(cases,
		setCase("data empty", path{"data"}, []any{}, true),
		bodyCase{name: "data missing", mutate: func(r any) any { return del(r, path{"data"}) }},
		bodyCase{name: "nextCursor missing", mutate: func(r any) any { return del(r, path{"pagination", "nextCursor"}) }},
		setCase("pagination null", path{"pagination"}, nil, false),
		setCase("pagination extra", path{"pagination", "extra"}, nil, false),
		setCase("nextCursor null", path{"pagination", "nextCursor"}, nil, true),
		setCase("nextCursor number", path{"pagination", "nextCursor"}, jn("12"), false),
		setCase("root extra", path{"extra"}, []any{}, false),
		setCase("root array", path{}, []any{}, false),
		setCase("root null", path{}, nil, false),
	)
}

var _ = Describe("Validate", func() {
	var success *Response
	BeforeEach(func() {
		c, err := projectContract()
		Expect(err).NotTo(HaveOccurred())
		success = c.Response(c.SuccessStatus())
	})

	It("accepts conformant pages of every size and the spec's own example", func() {
		for _, n := range []int{0, 1, 25, 100} {
			Expect(success.Validate(decoded(conformantPage(n, n)), 0)).To(BeEmpty(), "page of %d", n)
		}
		var spec map[string]any
		Expect(json.Unmarshal(conform.OpenAPI, &spec)).To(Succeed())
		example, err := json.Marshal(get(spec, path{"paths", "/api/v1/payouts", "get", "responses", "200", "content", "application/json", "example"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(success.Validate(decoded(example), 0)).To(BeEmpty())
	})

	It("gives the spec's verdict on every listed mutation of a page", func() {
		cases := successCases()
		Expect(len(cases)).To(BeNumerically(">", 300))
		for _, tc := range cases {
			body := tc.mutate(decoded(conformantPage(25, 1)))
			Expect(success.Validate(body, 0)).To(WithTransform(func(vs []SchemaViolation) bool { return len(vs) == 0 }, Equal(tc.valid)), tc.name)
		}
	})

	It("returns the library's violations, ordered by path, at most max", func() {
		body := decoded(conformantPage(25, 0))
		body = set(body, itemPath(3, "createdAt"), "2100-02-29T00:00:00Z")
		body = del(body, itemPath(7, "amount.currency"))
		got := success.Validate(body, 0)
		Expect(got).To(HaveLen(2))
		Expect(got[0].Path).To(Equal("/data/3/createdAt"))
		Expect(got[1].Path).To(Equal("/data/7/amount"))
		Expect(got[1].Message).To(ContainSubstring("currency"))
		Expect(success.Validate(body, 1)).To(Equal(got[:1]))
	})

	It("judges numbers by their exact literal", func() {
		raw, err := os.ReadFile("testdata/keywords.openapi.json")
		Expect(err).NotTo(HaveOccurred())
		c, err := Load(raw)
		Expect(err).NotTo(HaveOccurred())
		kw := c.Response(200)
		item := func(k, v string) []byte {
			fields := `"n":` + v
			if k != "n" {
				fields = `"n":0,"` + k + `":` + v
			}
			return []byte(`{"data":[{"id":"ab_1",` + fields + `}],"pagination":null,"extraReq":0}`)
		}
		for body, valid := range map[string]bool{
			`{"data":[],"pagination":null,"extraReq":0}`:       true,
			`{"data":[],"pagination":null,"extraReq":1e400}`:   true,
			`{"data":[],"pagination":null,"extraReq":"1e400"}`: false,
			string(item("n", "1.0")):                           true,
			string(item("n", "1e1")):                           true,
			string(item("n", "2.5")):                           false,
			string(item("n", "11")):                            false,
			string(item("n", "10.0000000000000000001")):        false,
			string(item("n", "99999999999999999999")):          false,
			string(item("x", "1.25")):                          true,
			string(item("x", "1.3")):                           false,
			string(item("x", "1.2500000000000000000001")):      false,
			string(item("big", "100000000000000000000")):       true,
			string(item("big", "100000000000000000001")):       false,
			string(item("big", "12345678901234567890")):        true,
			string(item("one", "1e400")):                       true,
			string(item("one", "2.5")):                         true,
			string(item("one", "2")):                           false,
			string(item("e", `{"k":[1,2.0]}`)):                 true,
			string(item("c", `{"a":1.0}`)):                     true,
		} {
			Expect(kw.Validate(decoded([]byte(body)), 0)).To(WithTransform(func(vs []SchemaViolation) bool { return len(vs) == 0 }, Equal(valid)), body)
		}
	})
})
