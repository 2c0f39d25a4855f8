package contract

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	conform "github.com/introw/conform"
)

// specJSON reads the project's openapi.json as plain JSON, independently of libopenapi, to
// check the facts Load extracts against the document itself.
type specJSON map[string]any

func (s specJSON) at(path ...string) any {
	var cur any = map[string]any(s)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (s specJSON) obj(path ...string) map[string]any {
	m, _ := s.at(path...).(map[string]any)
	return m
}

// orderedKeys lists an object's keys in document order (encoding/json maps lose it).
func orderedKeys(raw []byte, path ...string) []string {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var walk func(depth int) []string
	walk = func(depth int) []string {
		tok, err := dec.Token()
		Expect(err).NotTo(HaveOccurred())
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			Fail("not an object")
		}
		var keys []string
		for dec.More() {
			k, err := dec.Token()
			Expect(err).NotTo(HaveOccurred())
			if depth < len(path) && k == path[depth] {
				return walk(depth + 1)
			}
			if depth == len(path) {
				keys = append(keys, k.(string))
			}
			var skip json.RawMessage
			Expect(dec.Decode(&skip)).To(Succeed())
		}
		return keys
	}
	return walk(0)
}

func resolveRef(s specJSON, m map[string]any) map[string]any {
	if ref, ok := m["$ref"].(string); ok {
		return s.obj(strings.Split(strings.TrimPrefix(ref, "#/"), "/")...)
	}
	return m
}

var _ = Describe("Load", func() {
	Context("on the project's openapi.json", func() {
		var (
			c    *Contract
			spec specJSON
			op   map[string]any
		)
		BeforeEach(func() {
			var err error
			c, err = projectContract()
			Expect(err).NotTo(HaveOccurred())
			Expect(json.Unmarshal(conform.OpenAPI, &spec)).To(Succeed())
			op = spec.obj("paths", "/api/v1/payouts", "get")
			Expect(op).NotTo(BeNil())
		})

		It("identifies the operation and the document", func() {
			Expect(c.OpenAPIVersion).To(Equal(spec["openapi"]))
			Expect(c.Title).To(Equal(spec.at("info", "title")))
			Expect(c.APIVersion).To(Equal(spec.at("info", "version")))
			Expect(c.Method).To(Equal("GET"))
			Expect(c.Path).To(Equal("/api/v1/payouts"))
			Expect(c.OperationID).To(Equal(op["operationId"]))
			Expect(c.OperationPtr).To(Equal("#/paths/~1api~1v1~1payouts/get"))
		})

		It("reads the apiKey header from the security scheme", func() {
			Expect(c.KeyHeader).To(Equal(spec.at("components", "securitySchemes", "ApiKeyAuth", "name")))
			Expect(c.KeyHeader).To(Equal("x-api-key"))
		})

		It("lists the documented statuses and their responses", func() {
			var want []int
			for code := range spec.obj("paths", "/api/v1/payouts", "get", "responses") {
				n, err := strconv.Atoi(code)
				Expect(err).NotTo(HaveOccurred())
				want = append(want, n)
			}
			sort.Ints(want)
			Expect(c.Statuses).To(Equal(want))
			Expect(c.Statuses).To(Equal([]int{200, 401, 403, 422, 429, 500}))
			for _, st := range want {
				Expect(c.Documented(st)).To(BeTrue())
				r := c.Response(st)
				Expect(r).NotTo(BeNil())
				Expect(r.Status).To(Equal(st))
				Expect(r.MediaType).To(Equal("application/json"))
				Expect(r.HasSchema()).To(BeTrue())
				Expect(r.Pointer).To(Equal(c.OperationPtr + "/responses/" + strconv.Itoa(st)))
			}
			Expect(c.Documented(404)).To(BeFalse())
			Expect(c.Response(404)).To(BeNil())
			Expect(c.SuccessStatus()).To(Equal(200))
			Expect(c.ValidationStatus()).To(Equal(422))
		})

		It("reads the rate-limit headers of the success response", func() {
			headers := orderedKeys(conform.OpenAPI, "paths", "/api/v1/payouts", "get", "responses", "200", "headers")
			Expect(c.Response(200).Headers).To(Equal(headers))
			Expect(c.RateLimit).To(Equal(RateLimitHeaders{Limit: "x-ratelimit-limit-minute", Remaining: "x-ratelimit-remaining-minute"}))
			Expect(headers).To(ContainElements(c.RateLimit.Limit, c.RateLimit.Remaining))
		})

		It("reads the query parameters with their schemas, in spec order", func() {
			raw, _ := op["parameters"].([]any)
			Expect(c.Params).To(HaveLen(len(raw)))
			for i, rp := range raw {
				p := rp.(map[string]any)
				s := p["schema"].(map[string]any)
				got := c.Params[i]
				Expect(got.Name).To(Equal(p["name"]))
				Expect(got.Required).To(Equal(p["required"] == true))
				Expect(got.Type).To(Equal(s["type"]))
				Expect(got.Pointer).To(Equal(c.OperationPtr + "/parameters/" + strconv.Itoa(i)))
				var enum []string
				enumRaw, _ := s["enum"].([]any)
				for _, e := range enumRaw {
					enum = append(enum, e.(string))
				}
				Expect(got.Enum).To(Equal(enum), got.Name)
				if pat, ok := s["pattern"].(string); ok {
					Expect(got.Pattern).NotTo(BeNil())
					Expect(got.Pattern.String()).To(Equal(pat))
				} else {
					Expect(got.Pattern).To(BeNil())
				}
				Expect(got.Format).To(Equal(stringOr(s["format"])))
			}
			limit := c.PageSize()
			Expect(limit).NotTo(BeNil())
			Expect(limit.Name).To(Equal("limit"))
			Expect(*limit.Minimum).To(BeEquivalentTo(1))
			Expect(*limit.Maximum).To(BeEquivalentTo(100))
			n, ok := limit.DefaultInt()
			Expect(ok).To(BeTrue())
			Expect(n).To(Equal(25))
			Expect(c.Cursor().Name).To(Equal("cursor"))
		})

		It("assigns each parameter its role and compared field", func() {
			roles := map[string]Role{}
			fields := map[string]string{}
			for _, p := range c.Params {
				roles[p.Name] = p.Role
				fields[p.Name] = strings.Join(p.Field, ".")
			}
			Expect(roles).To(Equal(map[string]Role{
				"limit": RolePageSize, "cursor": RoleCursor, "stage": RoleEquals,
				"partnerId": RoleEquals, "periodStart": RoleAtLeast, "periodEnd": RoleAtMost,
			}))
			Expect(fields).To(Equal(map[string]string{
				"limit": "", "cursor": "", "stage": "stage", "partnerId": "partner.id",
				"periodStart": "periodStart", "periodEnd": "periodEnd",
			}))
			Expect(c.Param("periodStart").IsDate).To(BeTrue())
			Expect(c.Param("nope")).To(BeNil())
			var filters []string
			for _, p := range c.Filters() {
				filters = append(filters, p.Name)
			}
			Expect(filters).To(Equal([]string{"stage", "partnerId", "periodStart", "periodEnd"}))
		})

		It("reads the page shape from the success schema", func() {
			page := resolveRef(spec, spec.obj("paths", "/api/v1/payouts", "get", "responses", "200", "content", "application/json", "schema"))
			item := page["properties"].(map[string]any)["data"].(map[string]any)["items"].(map[string]any)
			Expect(c.Page.DataField).To(Equal("data"))
			Expect(c.Page.CursorPath).To(Equal([]string{"pagination", "nextCursor"}))
			Expect(c.Page.CursorField).To(Equal("nextCursor"))
			Expect(c.Page.IDField).To(Equal("id"))

			// the leaf fields, nested objects flattened, in spec order
			var want []string
			itemRaw := conform.OpenAPI
			for _, name := range orderedKeys(itemRaw, "components", "schemas", "ListPayoutsResponse", "properties", "data", "items", "properties") {
				ps := item["properties"].(map[string]any)[name].(map[string]any)
				if ps["type"] == "object" {
					for _, sub := range orderedKeys(itemRaw, "components", "schemas", "ListPayoutsResponse", "properties", "data", "items", "properties", name, "properties") {
						want = append(want, name+"."+sub)
					}
					continue
				}
				want = append(want, name)
			}
			var got []string
			for _, f := range c.Page.Fields {
				got = append(got, strings.Join(f.Path, "."))
			}
			Expect(got).To(Equal(want))

			required := item["required"].([]any)
			for _, f := range c.Page.Fields {
				if len(f.Path) == 1 {
					Expect(f.Required).To(Equal(slices.Contains(required, any(f.Path[0]))), f.Path[0])
				}
			}
			Expect(c.Page.Lookup([]string{"batchId"}).Nullable()).To(BeTrue())
			Expect(c.Page.Lookup([]string{"poNumber"}).Nullable()).To(BeTrue())
			Expect(c.Page.Lookup([]string{"id"}).Nullable()).To(BeFalse())
			Expect(c.Page.Lookup([]string{"stage"}).Enum).To(Equal(c.Param("stage").Enum))
			for _, name := range []string{"periodStart", "periodEnd", "createdAt", "updatedAt"} {
				f := c.Page.Lookup([]string{name})
				Expect(f.IsDate).To(BeTrue(), name)
				Expect(f.Pattern).NotTo(BeNil(), name)
			}
			Expect(c.Page.Lookup([]string{"amount", "currency"}).Types).To(Equal([]string{"string"}))
		})
	})

	Context("on an unusable spec", func() {
		minimal31 := `{"openapi":"3.1.0","info":{"title":"x","version":"1"},
			"components":{"securitySchemes":{"k":{"type":"apiKey","in":"header","name":"x-api-key"}}},
			"security":[{"k":[]}],"paths":{"/api/v1/partners":{"get":{"operationId":"listPartners",
			"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object"}}}}}}}}}`
		DescribeTable("returns an error wrapping ErrSpec without panicking",
			func(spec string, mention string) {
				var (
					c   *Contract
					err error
				)
				Expect(func() { c, err = Load([]byte(spec)) }).NotTo(Panic())
				Expect(c).To(BeNil())
				Expect(err).To(HaveOccurred())
				Expect(errors.Is(err, ErrSpec)).To(BeTrue(), err.Error())
				Expect(err.Error()).To(ContainSubstring(mention))
			},
			Entry("empty input", "", "empty"),
			Entry("whitespace only", " \n\t ", "empty"),
			Entry("garbage", "garbage ::: [ {", "invalid spec"),
			Entry("binary garbage", "\x00\x01\x02\xff", "invalid spec"),
			Entry("a JSON array", "[1, 2]", "invalid spec"),
			Entry("a JSON scalar", "42", "invalid spec"),
			Entry("JSON null", "null", "invalid spec"),
			Entry("a Swagger 2.0 document", `{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{"/api/v1/payouts":{"get":{"operationId":"listPayouts","responses":{"200":{"description":"ok"}}}}}}`, "2.0"),
			Entry("an OpenAPI 3.0.3 document", strings.Replace(string(conform.OpenAPI), `"openapi": "3.1.0"`, `"openapi": "3.0.3"`, 1), "3.0.3"),
			Entry("an OpenAPI 3.0.0 YAML document", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n", "3.0.0"),
			Entry("a 3.1 document lacking the operation", minimal31, "no GET operation"),
			Entry("a 3.1 document without paths", `{"openapi":"3.1.0","info":{"title":"x","version":"1"}}`, "no GET operation"),
			Entry("a 3.1 document whose operation has no security", strings.Replace(strings.Replace(minimal31, "/api/v1/partners", "/api/v1/payouts", 1), `"security":[{"k":[]}],`, "", 1), "security"),
			Entry("a 3.1 document whose operation has no array page", strings.Replace(minimal31, "/api/v1/partners", "/api/v1/payouts", 1), "array of items"),
			Entry("a 3.1 document with a dangling $ref", strings.Replace(strings.Replace(minimal31, "/api/v1/partners", "/api/v1/payouts", 1), `{"type":"object"}`, `{"$ref":"#/components/schemas/Nope"}`, 1), "invalid spec"),
		)

		It("checks that the 3.0.3 variant really is the project's spec", func() {
			Expect(string(conform.OpenAPI)).To(ContainSubstring(`"openapi": "3.1.0"`))
		})

		It("never panics on a truncated or corrupted project spec", func() {
			rapid.Check(GinkgoT(), func(t *rapid.T) {
				raw := []byte(string(conform.OpenAPI))
				switch rapid.IntRange(0, 2).Draw(t, "how") {
				case 0: // truncate
					raw = raw[:rapid.IntRange(0, len(raw)-1).Draw(t, "cut")]
				case 1: // overwrite bytes
					for range rapid.IntRange(1, 8).Draw(t, "n") {
						raw[rapid.IntRange(0, len(raw)-1).Draw(t, "at")] = rapid.Byte().Draw(t, "b")
					}
				default: // random bytes
					raw = rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "bytes")
				}
				var err error
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("Load panicked: %v", r)
						}
					}()
					_, err = Load(raw)
				}()
				if err != nil && !errors.Is(err, ErrSpec) {
					t.Fatalf("error does not wrap ErrSpec: %v", err)
				}
			})
		})
	})
})

func stringOr(v any) string {
	s, _ := v.(string)
	return s
}
