package specdiff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/suite/specdiff"
)

func load(name string) []byte {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	Expect(err).NotTo(HaveOccurred())
	return b
}

func compare(oldName, newName string) *specdiff.Report {
	GinkgoHelper()
	r, err := specdiff.Compare(load(oldName), load(newName))
	Expect(err).NotTo(HaveOccurred())
	Expect(r).NotTo(BeNil())
	return r
}

// only returns the single change at path.
func only(r *specdiff.Report, path string) specdiff.Change {
	GinkgoHelper()
	var found []specdiff.Change
	for _, c := range r.Changes {
		if c.Path == path {
			found = append(found, c)
		}
	}
	Expect(found).To(HaveLen(1), "changes at %q in %+v", path, r.Changes)
	return found[0]
}

func paths(r *specdiff.Report) []string {
	var out []string
	for _, c := range r.Changes {
		out = append(out, c.Path)
	}
	return out
}

var _ = Describe("Compare", func() {
	Describe("documents with the same contract", func() {
		DescribeTable("report no changes and are not breaking",
			func(oldName, newName string) {
				r := compare(oldName, newName)
				Expect(r.Changes).To(BeEmpty())
				Expect(r.Changes).NotTo(BeNil())
				Expect(r.Breaking()).To(BeFalse())
				Expect(r.OldVersion).To(Equal("2026-05-20"))
				Expect(r.NewVersion).To(Equal("2026-05-20"))
			},
			Entry("identical files", "base.json", "base.json"),
			Entry("JSON vs YAML of the same spec", "base.json", "base.yaml"),
			Entry("YAML vs JSON of the same spec", "base.yaml", "base.json"),
			Entry("inlined body schema and $ref'd path-level parameter", "base.json", "refactored.json"),
			Entry("refactored JSON vs YAML", "refactored.json", "base.yaml"),
			Entry("changes to another path and component only", "base.json", "other_path.json"),
		)
	})

	It("lists description-only changes as non-breaking and ignores info/tags", func() {
		r := compare("base.json", "description_changed.json")
		Expect(r.Breaking()).To(BeFalse())
		Expect(r.OldVersion).To(Equal("2026-05-20"))
		Expect(r.NewVersion).To(Equal("2026-06-01"))
		Expect(paths(r)).To(ConsistOf(
			"description",
			"parameters.limit.description",
			"responses.200.data.items.stage.description",
		))
		for _, c := range r.Changes {
			Expect(c.Kind).To(Equal(specdiff.KindModified))
			Expect(c.BreaksClients).To(BeFalse())
			Expect(c.BreaksServers).To(BeFalse())
			Expect(c.Reason).NotTo(BeEmpty())
		}
		Expect(only(r, "parameters.limit.description").New).To(Equal("Page size."))
	})

	type expect struct {
		kind, old, new   string
		clients, servers bool
	}
	DescribeTable("classifies",
		func(oldName, newName, path string, want expect) {
			r := compare(oldName, newName)
			c := only(r, path)
			Expect(c.Kind).To(Equal(want.kind), "kind")
			if want.old != "*" {
				Expect(c.Old).To(Equal(want.old), "old")
			}
			if want.new != "*" {
				Expect(c.New).To(Equal(want.new), "new")
			}
			Expect(c.BreaksClients).To(Equal(want.clients), "breaksClients: %s", c.Reason)
			Expect(c.BreaksServers).To(Equal(want.servers), "breaksServers: %s", c.Reason)
			Expect(c.Reason).NotTo(BeEmpty())
			Expect(c.Reason).NotTo(ContainSubstring("\n"))
			Expect(r.Breaking()).To(Equal(true))
		},
		// enum values
		Entry("new stage value in the parameter: lagging server rejects it",
			"base.json", "stage_added.json", "parameters.stage.schema.enum",
			expect{specdiff.KindAdded, "", "ON_HOLD", false, true}),
		Entry("new stage value in the response: clients may not handle it",
			"base.json", "stage_added.json", "responses.200.data.items.stage.enum",
			expect{specdiff.KindAdded, "", "ON_HOLD", true, false}),
		Entry("removed stage value in the parameter: clients may send it, a lagging server still accepts it",
			"base.json", "stage_removed.json", "parameters.stage.schema.enum",
			expect{specdiff.KindRemoved, "BLOCKED", "", true, true}),
		Entry("removed stage value in the response: clients lose it, lagging server still emits it",
			"base.json", "stage_removed.json", "responses.200.data.items.stage.enum",
			expect{specdiff.KindRemoved, "BLOCKED", "", true, true}),
		// bounds
		Entry("limit maximum raised 100 -> 200",
			"base.json", "limit_max_200.json", "parameters.limit.schema.maximum",
			expect{specdiff.KindModified, "100", "200", false, true}),
		Entry("limit maximum lowered 100 -> 50",
			"base.json", "limit_max_50.json", "parameters.limit.schema.maximum",
			expect{specdiff.KindModified, "100", "50", true, true}),
		Entry("limit maximum 200 -> 100 (reverse of a raise)",
			"limit_max_200.json", "base.json", "parameters.limit.schema.maximum",
			expect{specdiff.KindModified, "200", "100", true, true}),
		// response fields
		Entry("new required response field: lagging server does not send it",
			"base.json", "required_field.json", "responses.200.data.items.required",
			expect{specdiff.KindAdded, "", "externalReference", false, true}),
		Entry("new field in a closed response object: strict OLD clients reject it",
			"base.json", "required_field.json", "responses.200.data.items.externalReference",
			expect{specdiff.KindAdded, "", `{"type":"string"}`, true, false}),
		Entry("removed response field from a closed object",
			"base.json", "field_removed.json", "responses.200.data.items.poNumber",
			expect{specdiff.KindRemoved, "*", "", true, true}),
		Entry("response field becoming nullable",
			"base.json", "nullable_field.json", "responses.200.data.items.periodStart.type",
			expect{specdiff.KindModified, "string", `["string","null"]`, true, false}),
		Entry("response field losing nullability",
			"nullable_field.json", "base.json", "responses.200.data.items.periodStart.type",
			expect{specdiff.KindModified, `["string","null"]`, "string", false, true}),
		Entry("changed response field type",
			"base.json", "type_changed.json", "responses.200.data.items.amount.value.type",
			expect{specdiff.KindModified, "string", "number", true, true}),
		Entry("additionalProperties tightened",
			"ap_open.json", "base.json", "responses.200.data.items.amount.additionalProperties",
			expect{specdiff.KindAdded, "", "false", false, true}),
		Entry("additionalProperties loosened",
			"base.json", "ap_open.json", "responses.200.data.items.amount.additionalProperties",
			expect{specdiff.KindRemoved, "false", "", true, false}),
		// patterns
		Entry("pattern added to a parameter",
			"base.json", "pattern_changed.json", "parameters.partnerId.schema.pattern",
			expect{specdiff.KindAdded, "", "^ptn_[0-9A-Z]{26}$", true, true}),
		Entry("parameter pattern changed",
			"base.json", "pattern_changed.json", "parameters.periodStart.schema.pattern",
			expect{specdiff.KindModified, "*", `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`, true, true}),
		Entry("pattern added to a response field",
			"base.json", "pattern_changed.json", "responses.200.data.items.id.pattern",
			expect{specdiff.KindAdded, "", "^pay_[0-9a-z]{24}$", false, true}),
		// statuses, headers, security
		Entry("documented status removed",
			"base.json", "status_removed.json", "responses.422",
			expect{specdiff.KindRemoved, "Query parameters failed validation.", "", true, true}),
		Entry("rate-limit response header renamed",
			"base.json", "header_renamed.json", "responses.200.headers.x-ratelimit-limit-minute",
			expect{specdiff.KindModified, "x-ratelimit-limit-minute", "x-ratelimit-limit-per-minute", true, true}),
		Entry("security header renamed x-api-key -> x-introw-key",
			"base.json", "security_renamed.json", "security.ApiKeyAuth.name",
			expect{specdiff.KindModified, "x-api-key", "x-introw-key", true, true}),
		// parameters
		Entry("new optional query parameter: clients fine, lagging server cannot honour it",
			"base.json", "optional_param.json", "parameters.currency",
			expect{specdiff.KindAdded, "", "*", false, true}),
		Entry("removed optional query parameter",
			"optional_param.json", "base.json", "parameters.currency",
			expect{specdiff.KindRemoved, "*", "", true, false}),
		Entry("new required query parameter",
			"base.json", "required_param.json", "parameters.organisationId",
			expect{specdiff.KindAdded, "", "*", true, true}),
		Entry("removed required query parameter",
			"required_param.json", "base.json", "parameters.organisationId",
			expect{specdiff.KindRemoved, "*", "", true, true}),
		// assorted
		Entry("operationId renamed",
			"base.json", "assorted.json", "operationId",
			expect{specdiff.KindModified, "listPayouts", "listAllPayouts", true, false}),
		Entry("parameter renamed",
			"base.json", "assorted.json", "parameters.cursor.name",
			expect{specdiff.KindModified, "cursor", "pageToken", true, true}),
		Entry("parameter became required",
			"base.json", "assorted.json", "parameters.limit.required",
			expect{specdiff.KindModified, "false", "true", true, false}),
		Entry("parameter default changed",
			"base.json", "assorted.json", "parameters.limit.schema.default",
			expect{specdiff.KindModified, "25", "50", true, true}),
		Entry("parameter minimum lowered",
			"base.json", "assorted.json", "parameters.limit.schema.minimum",
			expect{specdiff.KindModified, "1", "0", false, true}),
		Entry("response header became required",
			"base.json", "assorted.json", "responses.200.headers.x-ratelimit-limit-minute.required",
			expect{specdiff.KindAdded, "", "true", false, true}),
		Entry("response status added",
			"base.json", "assorted.json", "responses.404",
			expect{specdiff.KindAdded, "", "Partner not found.", true, false}),
		Entry("anonymous access added",
			"base.json", "assorted.json", "security",
			expect{specdiff.KindAdded, "", "anonymous", false, true}),
	)

	It("reports a response-side rename as exactly one change", func() {
		r := compare("base.json", "header_renamed.json")
		Expect(r.Changes).To(HaveLen(1))
	})

	It("reports each stage and nullability change exactly once", func() {
		Expect(compare("base.json", "stage_added.json").Changes).To(HaveLen(2))
		Expect(compare("base.json", "stage_removed.json").Changes).To(HaveLen(2))
		Expect(compare("base.json", "nullable_field.json").Changes).To(HaveLen(1))
	})

	It("marks the deprecation flag non-breaking and servers changes by direction", func() {
		r := compare("base.json", "assorted.json")
		dep := only(r, "deprecated")
		Expect(dep.Breaking()).To(BeFalse())
		var added, removed specdiff.Change
		for _, c := range r.Changes {
			if c.Path == "servers" && c.Kind == specdiff.KindAdded {
				added = c
			}
			if c.Path == "servers" && c.Kind == specdiff.KindRemoved {
				removed = c
			}
		}
		Expect(added.New).To(Equal("https://api.eu.introw.io"))
		Expect(added.BreaksServers).To(BeTrue())
		Expect(removed.Old).To(Equal("https://api.staging.introw.io"))
		Expect(removed.BreaksClients).To(BeTrue())
	})

	It("is deterministic and sorted by path", func() {
		a := compare("base.json", "assorted.json")
		for range 3 {
			Expect(compare("base.json", "assorted.json")).To(Equal(a))
		}
		p := paths(a)
		Expect(p).To(HaveLen(len(a.Changes)))
		for i := 1; i < len(p); i++ {
			Expect(p[i-1] <= p[i]).To(BeTrue(), "%q before %q", p[i-1], p[i])
		}
	})

	Describe("errors", func() {
		DescribeTable("rejects unusable documents on either side",
			func(name string, want error) {
				_, err := specdiff.Compare(load("base.json"), load(name))
				Expect(err).To(MatchError(want))
				Expect(err.Error()).To(HavePrefix("new spec:"))
				Expect(specdiff.IsSpecError(err)).To(BeTrue())

				_, err = specdiff.Compare(load(name), load("base.json"))
				Expect(err).To(MatchError(want))
				Expect(err.Error()).To(HavePrefix("old spec:"))
			},
			Entry("garbage", "garbage.txt", specdiff.ErrUnparsable),
			Entry("Swagger 2.0", "swagger2.json", specdiff.ErrNotOpenAPI3),
			Entry("spec lacking GET /api/v1/payouts", "no_operation.json", specdiff.ErrOperationMissing),
		)

		DescribeTable("rejects malformed input bytes",
			func(doc string, want error) {
				_, err := specdiff.Compare([]byte(doc), load("base.json"))
				Expect(err).To(MatchError(want))
			},
			Entry("empty", "", specdiff.ErrUnparsable),
			Entry("JSON array", "[1, 2]", specdiff.ErrUnparsable),
			Entry("no openapi field", `{"info": {"title": "x"}}`, specdiff.ErrNotOpenAPI3),
			Entry("path without get", `{"openapi": "3.1.0", "paths": {"/api/v1/payouts": {"post": {}}}}`,
				specdiff.ErrOperationMissing),
			Entry("dangling $ref", `{"openapi": "3.1.0", "paths": {"/api/v1/payouts": {"get": {
				"responses": {"200": {"$ref": "#/components/responses/Missing"}}}}}}`,
				specdiff.ErrUnresolvableRef),
			Entry("external $ref", `{"openapi": "3.1.0", "paths": {"/api/v1/payouts": {"get": {
				"responses": {"200": {"$ref": "other.yaml#/Ok"}}}}}}`,
				specdiff.ErrUnresolvableRef),
			Entry("empty $ref", `{"openapi": "3.1.0", "paths": {"/api/v1/payouts": {"get": {
				"responses": {"200": {"$ref": ""}}}}}}`,
				specdiff.ErrUnresolvableRef),
			Entry("$ref chain that loops without reaching a value", `{"openapi": "3.1.0", "paths": {"/api/v1/payouts": {"get": {
				"responses": {"200": {"$ref": "#/components/responses/A"}}}}},
				"components": {"responses": {"A": {"$ref": "#/components/responses/B"}, "B": {"$ref": "#/components/responses/A"}}}}`,
				specdiff.ErrUnresolvableRef),
			Entry("path item that references itself", `{"openapi": "3.1.0", "paths": {
				"/api/v1/payouts": {"$ref": "#/paths/~1api~1v1~1payouts"}}}`,
				specdiff.ErrUnresolvableRef),
		)
	})
})

var _ = Describe("reference handling", func() {
	const spec = `{"openapi": "3.1.0", "info": {"title": "t", "version": "%s"},
	  "paths": {"/api/v1/payouts": {
	    "parameters": [{"$ref": "#/components/parameters/Limit"}],
	    "get": {"responses": {
	      "200": {"$ref": "#/components/responses/Ok"},
	      "default": {"description": "error"}}},
	    "post": {"responses": {"200": {"$ref": "#/components/responses/Missing"}}}}},
	  "components": {
	    "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": %d}}},
	    "responses": {"Ok": {"description": "ok", "content": {"application/json": {
	      "schema": {"$ref": "#/components/schemas/Node"},
	      "example": {"$ref": "not-a-reference"}}}}},
	    "schemas": {"Node": {"type": "object", "properties": {
	      "default": {"type": "%s"},
	      "child": {"$ref": "#/components/schemas/Node"}}}}}}`

	It("inlines component references, keeps recursion and literal examples, ignores sibling operations", func() {
		old := []byte(fmt.Sprintf(spec, "1", 100, "string"))
		r, err := specdiff.Compare(old, old)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Changes).To(BeEmpty())

		r, err = specdiff.Compare(old, []byte(fmt.Sprintf(spec, "2", 200, "integer")))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.OldVersion).To(Equal("1"))
		Expect(r.NewVersion).To(Equal("2"))
		Expect(paths(r)).To(ConsistOf("parameters.limit.schema.maximum", "responses.200.default.type"))
		Expect(only(r, "parameters.limit.schema.maximum").BreaksServers).To(BeTrue())
		Expect(only(r, "responses.200.default.type").Label()).To(Equal("BREAKING-BOTH"))
	})
})

var _ = Describe("reference resolution", func() {
	// The path item, a parameter (through a chain of two references) and a
	// schema with a "/" in its name are all references; x overrides its
	// target's maximum with a sibling key; A and B recurse into each other.
	const spec = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /api/v1/payouts: {$ref: '#/components/pathItems/Payouts'}
components:
  pathItems:
    Payouts:
      get:
        parameters: [{$ref: '#/components/parameters/Alias'}]
        responses:
          "200":
            description: ok
            content:
              application/json:
                schema: {$ref: '#/components/schemas/A'}
  parameters:
    Alias: {$ref: '#/components/parameters/Limit'}
    Limit: {name: limit, in: query, schema: {$ref: '#/components/schemas/Page~1Size'}}
  schemas:
    Page/Size: {type: integer, maximum: %d}
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
        x: {$ref: '#/components/schemas/Page~1Size', maximum: %d}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        list: {type: array, maxItems: %d, items: {$ref: '#/components/schemas/B'}}
`

	It("follows chains, escapes and siblings, and unrolls mutual recursion once", func(ctx SpecContext) {
		old := []byte(fmt.Sprintf(spec, 100, 10, 5))
		r, err := specdiff.Compare(old, old)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Changes).To(BeEmpty())

		r, err = specdiff.Compare(old, []byte(fmt.Sprintf(spec, 200, 20, 3)))
		Expect(err).NotTo(HaveOccurred())
		Expect(paths(r)).To(ConsistOf(
			"parameters.limit.schema.maximum",
			"responses.200.x.maximum",
			"responses.200.b.list.maxItems",
		))
		Expect(only(r, "parameters.limit.schema.maximum").Label()).To(Equal("BREAKING-SERVERS"))
		Expect(only(r, "responses.200.x.maximum").Old).To(Equal("10"))
		Expect(only(r, "responses.200.b.list.maxItems").Label()).To(Equal("BREAKING-SERVERS"))
	}, SpecTimeout(time.Minute))
})

var _ = Describe("Report output", func() {
	It("writes one line per change between a version header and a summary", func() {
		r := compare("base.json", "stage_added.json")
		var buf bytes.Buffer
		Expect(r.WriteText(&buf)).To(Succeed())
		lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
		Expect(lines).To(HaveLen(4))
		Expect(lines[0]).To(Equal("GET /api/v1/payouts: 2026-05-20 -> 2026-05-20"))
		Expect(lines[1]).To(HavePrefix("BREAKING-SERVERS  parameters.stage.schema.enum  - -> ON_HOLD  ("))
		Expect(lines[2]).To(HavePrefix("BREAKING-CLIENTS  responses.200.data.items.stage.enum  - -> ON_HOLD  ("))
		Expect(lines[1]).To(HaveSuffix(")"))
		Expect(lines[3]).To(Equal("summary: 2 changes, 2 breaking (1 clients, 1 servers), 0 non-breaking"))
	})

	It("labels all four classifications", func() {
		Expect(specdiff.Change{BreaksClients: true, BreaksServers: true}.Label()).To(Equal("BREAKING-BOTH"))
		Expect(specdiff.Change{BreaksClients: true}.Label()).To(Equal("BREAKING-CLIENTS"))
		Expect(specdiff.Change{BreaksServers: true}.Label()).To(Equal("BREAKING-SERVERS"))
		Expect(specdiff.Change{}.Label()).To(Equal("NON-BREAKING"))

		var buf bytes.Buffer
		Expect(compare("base.json", "description_changed.json").WriteText(&buf)).To(Succeed())
		Expect(buf.String()).To(ContainSubstring("NON-BREAKING      description  "))
		Expect(buf.String()).To(ContainSubstring("GET /api/v1/payouts: 2026-05-20 -> 2026-06-01\n"))
		Expect(buf.String()).To(HaveSuffix("summary: 3 changes, 0 breaking (0 clients, 0 servers), 3 non-breaking\n"))

		buf.Reset()
		Expect(compare("base.json", "security_renamed.json").WriteText(&buf)).To(Succeed())
		Expect(buf.String()).To(ContainSubstring("BREAKING-BOTH     security.ApiKeyAuth.name  x-api-key -> x-introw-key  ("))
	})

	It("writes a summary for an empty report", func() {
		var buf bytes.Buffer
		Expect(compare("base.json", "base.yaml").WriteText(&buf)).To(Succeed())
		Expect(buf.String()).To(Equal("GET /api/v1/payouts: 2026-05-20 -> 2026-05-20\n" +
			"summary: 0 changes, 0 breaking (0 clients, 0 servers), 0 non-breaking\n"))
	})

	It("writes JSON with stable field names", func() {
		r := compare("base.json", "limit_max_200.json")
		var buf bytes.Buffer
		Expect(r.WriteJSON(&buf)).To(Succeed())
		var got map[string]any
		Expect(json.Unmarshal(buf.Bytes(), &got)).To(Succeed())
		Expect(got).To(HaveKeyWithValue("oldVersion", "2026-05-20"))
		Expect(got).To(HaveKeyWithValue("newVersion", "2026-05-20"))
		Expect(got["changes"]).To(ConsistOf(SatisfyAll(
			HaveKeyWithValue("path", "parameters.limit.schema.maximum"),
			HaveKeyWithValue("kind", "modified"),
			HaveKeyWithValue("old", "100"),
			HaveKeyWithValue("new", "200"),
			HaveKeyWithValue("breaksClients", false),
			HaveKeyWithValue("breaksServers", true),
			HaveKey("reason"),
		)))

		var back specdiff.Report
		Expect(json.Unmarshal(buf.Bytes(), &back)).To(Succeed())
		Expect(&back).To(Equal(r))
	})

	It("writes an empty change list as [] in JSON", func() {
		var buf bytes.Buffer
		Expect(compare("base.json", "base.json").WriteJSON(&buf)).To(Succeed())
		Expect(buf.String()).To(ContainSubstring(`"changes": []`))
		Expect((&specdiff.Report{}).WriteJSON(&buf)).To(Succeed())
		Expect((*specdiff.Report)(nil).Breaking()).To(BeFalse())
	})
})
