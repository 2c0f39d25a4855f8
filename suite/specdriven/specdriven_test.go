package specdriven_test

import (
	"context"
	"github.com/introw/conform/suite/rules"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
)

// The run's knobs: rapid examples per property and the request budget of one certification.
const (
	examples    = 20
	maxRequests = 1500
)

// change is one modified copy of openapi.json and what it must do to the suite.
type change struct {
	file     string                     // in testdata/
	contract func(c *contract.Contract) // asserts the contract loaded the changed fact
	fixture  func(s fixtures.Spec)      // asserts certify.SpecFor carried it into the fixture spec
	lagging  []rules.ID                 // rules the reference server (the OLD spec) must fire
	why      string                     // why those rules fire
}

var changes = []change{
	{
		file: "stage_on_hold.json",
		contract: func(c *contract.Contract) {
			Expect(c.Param("stage").Enum).To(ContainElement("ON_HOLD"))
			Expect(c.Page.Lookup([]string{"stage"}).Enum).To(ContainElement("ON_HOLD"))
		},
		fixture: func(s fixtures.Spec) { Expect(s.Stages).To(HaveLen(12)); Expect(s.Stages[11]).To(Equal("ON_HOLD")) },
		lagging: []rules.ID{rules.ParamValid200, rules.ParamEmptyMatch},
		why: "the lagging server answers stage=ON_HOLD with 422 where the new enum makes it valid (200): " +
			"the parameter edges report PARAM-VALID-200; ON_HOLD matches no item in the old data, so the empty-match probe " +
			"and the value sweep expect an empty 200 page and report PARAM-EMPTY-MATCH",
	},
	{
		file: "limit_max_200.json",
		contract: func(c *contract.Contract) {
			Expect(*c.PageSize().Maximum).To(BeEquivalentTo(200))
			Expect(c.PageSize().Default).To(Equal("25"))
		},
		fixture: func(s fixtures.Spec) {
			Expect([]int{s.LimitMin, s.LimitMax, s.LimitDefault}).To(Equal([]int{1, 200, 25}))
		},
		lagging: []rules.ID{rules.ParamLimitBounds},
		why:     "the lagging server answers limit=200 (the new maximum) with 422",
	},
	{
		file: "invoice_id_required.json",
		contract: func(c *contract.Contract) {
			f := c.Page.Lookup([]string{"invoiceId"})
			Expect(f).NotTo(BeNil())
			Expect(f.Required).To(BeTrue())
			Expect(f.Nullable()).To(BeTrue())
		},
		fixture: func(s fixtures.Spec) {
			Expect(s.ExtraItemFields).To(Equal([]fixtures.ItemField{{Name: "invoiceId"}})) // rendered as null
		},
		lagging: []rules.ID{rules.SchemaBody},
		why:     "the lagging server's items lack the newly required invoiceId",
	},
	{
		file: "rate_headers_renamed.json",
		contract: func(c *contract.Contract) {
			Expect(c.RateLimit).To(Equal(contract.RateLimitHeaders{Limit: "x-rate-limit-limit", Remaining: "x-rate-limit-remaining"}))
		},
		fixture: func(s fixtures.Spec) {
			Expect([]string{s.LimitHeader, s.RemainingHeader}).To(Equal([]string{"x-rate-limit-limit", "x-rate-limit-remaining"}))
		},
		lagging: []rules.ID{rules.RateHeadersPresent},
		why:     "the lagging server still sends x-ratelimit-limit-minute and x-ratelimit-remaining-minute",
	},
	{
		file:     "key_header_renamed.json",
		contract: func(c *contract.Contract) { Expect(c.KeyHeader).To(Equal("x-introw-key")) },
		fixture:  func(s fixtures.Spec) { Expect(s.KeyHeader).To(Equal("x-introw-key")) },
		lagging:  []rules.ID{rules.ParamLimitBounds, rules.ParamValid200, rules.AuthNoScope},
		why: "the lagging server reads the key from x-api-key, so every request the suite sends with x-introw-key " +
			"is unauthenticated: 401 where the limit bounds and the valid values are due 200 (PARAM-LIMIT-BOUNDS, " +
			"PARAM-VALID-200), and 401 where the scope-less key is due 403 (AUTH-NO-SCOPE); the 401 rules themselves " +
			"(missing, invalid, revoked key) pass, as every key is missing to that server",
	},
}

// load reads and loads a contract from testdata/.
func load(file string) *contract.Contract {
	GinkgoHelper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	Expect(err).NotTo(HaveOccurred())
	c, err := contract.Load(raw)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// certifyRun runs the whole catalog for contract c against baseURL with keys, or, with baseURL
// "", against the fixture server certify.Prepare starts from c; it returns the finished engine.
func certifyRun(ctx context.Context, c *contract.Contract, baseURL string, keys fixtures.Keys) *engine.Engine {
	GinkgoHelper()
	o := certify.Options{Contract: c, Seed: seed, Examples: examples, MaxRequests: maxRequests, Timeout: 5 * time.Second}
	if baseURL != "" {
		o.BaseURL = baseURL
		o.Keys = map[client.KeyKind]string{
			client.KeyValid: keys.Valid, client.KeyNoScope: keys.NoScope,
			client.KeyRevoked: keys.Revoked, client.KeyRateLimit: keys.RateLimit,
		}
	}
	run, err := certify.Prepare(o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(run.Close)
	Expect(run.Engine.Preflight(ctx)).To(Succeed())
	run.Engine.RunAll(ctx)
	GinkgoWriter.Printf("%s: %d requests, fired %v\n", CurrentSpecReport().LeafNodeText, run.Engine.Requests(), run.Engine.Fired())
	return run.Engine
}

// reference starts the unmodified reference server: it implements the OLD spec (openapi.json).
func reference() *fixtures.Server {
	GinkgoHelper()
	srv, err := fixtures.Start(fixtures.Options{Spec: fixtures.DefaultSpec()})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	return srv
}

// expectClean asserts a run where every rule passed: none fired, and none was skipped, cut
// short or errored, so "no rule fired" is not the budget's (or a missing key's) doing.
func expectClean(e *engine.Engine) {
	GinkgoHelper()
	Expect(e.Fired()).To(BeEmpty(), "%s", explain(e))
	for _, r := range e.Results() {
		Expect(r.Status).To(Equal(engine.Pass), "%s: %s %s", r.Rule.ID, r.Status, r.Reason)
	}
}

// explain renders every rule that fired, with its evidence.
func explain(e *engine.Engine) string {
	var b strings.Builder
	for _, r := range e.Results() {
		if r.Violations > 0 {
			b.WriteString(suite.Explain(r))
		}
	}
	return b.String()
}

var _ = Describe("the unmodified spec (control)", func() {
	It("gives the fixture server exactly the reference spec", func() {
		c, err := contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		got, want := certify.SpecFor(c), fixtures.DefaultSpec()
		Expect(got.DatePattern.String()).To(Equal(want.DatePattern.String()))
		got.DatePattern, want.DatePattern = nil, nil
		Expect(got).To(Equal(want))
	})

	It("passes the reference server certified by base URL", func(ctx SpecContext) {
		c, err := contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		srv := reference()
		expectClean(certifyRun(ctx, c, srv.URL, srv.Keys))
	}, SpecTimeout(time.Minute))
})

var _ = Describe("a modified spec", func() {
	for _, ch := range changes {
		Describe(strings.TrimSuffix(ch.file, ".json"), func() {
			It("is loaded into the contract and carried into the fixture spec", func() {
				c := load(ch.file)
				ch.contract(c)
				ch.fixture(certify.SpecFor(c))
			})

			It("passes a fixture server implementing it (no rule fires)", func(ctx SpecContext) {
				expectClean(certifyRun(ctx, load(ch.file), "", fixtures.Keys{}))
			}, SpecTimeout(time.Minute))

			It("fails the reference server implementing the old spec with "+strings.Join(idStrings(ch.lagging), ", "), func(ctx SpecContext) {
				srv := reference()
				e := certifyRun(ctx, load(ch.file), srv.URL, srv.Keys)
				Expect(e.Fired()).To(ContainElements(ch.lagging), "%s\n%s", ch.why, explain(e))
			}, SpecTimeout(time.Minute))
		})
	}

	// When the lagging server refuses the corpus's page size (limit=200), the oracle walk fails;
	// the walks of the pagination rules must then not be bounded by the empty oracle.
	It("blames only the limit bounds, not pagination, when the reference server lags on limit 200", func(ctx SpecContext) {
		srv := reference()
		e := certifyRun(ctx, load("limit_max_200.json"), srv.URL, srv.Keys)
		Expect(e.Fired()).NotTo(ContainElement(rules.PageTerminates), "%s", explain(e))
	}, SpecTimeout(time.Minute))
})

func idStrings(ids []rules.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}
