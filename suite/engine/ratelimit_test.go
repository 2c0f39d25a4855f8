package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/rules"
)

// headerRewriter lets the reference handler answer, then edits the headers of each answer.
type headerRewriter struct {
	http.ResponseWriter
	edit func(http.Header)
	done bool
}

func (w *headerRewriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.edit(w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerRewriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// rateAreaVerdict runs the rate-limit area (valid key only) against the reference handler with
// edit applied to the n-th answer's headers, and returns RATE-DECREASING's verdict.
func rateAreaVerdict(edit func(n int64, h http.Header)) Result {
	e := rateArea("", false, edit)
	Expect(e.Result(rules.Rate429OnExhaustion).Status).To(Equal(Skip)) // no rate-limit key given
	return e.Result(rules.RateDecreasing)
}

// rateArea runs the rate-limit area against a fixture variant ("" the reference) with edit
// applied to the n-th answer's headers, with the valid key (and the rate-limit key when
// withRateKey), and returns the engine.
func rateArea(variant string, withRateKey bool, edit func(n int64, h http.Header)) *Engine {
	c, err := contract.Load(conform.OpenAPI)
	Expect(err).NotTo(HaveOccurred())
	h, keys, err := fixtures.NewHandler(fixtures.Options{Variant: variant})
	Expect(err).NotTo(HaveOccurred())
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		h.ServeHTTP(&headerRewriter{ResponseWriter: w, edit: func(hd http.Header) { edit(i, hd) }}, r)
	}))
	ginkgo.DeferCleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	ks := map[client.KeyKind]string{client.KeyValid: keys.Valid}
	if withRateKey {
		ks[client.KeyRateLimit] = keys.RateLimit
	}
	cl, err := client.New(client.Config{BaseURL: u, Path: c.Path, KeyHeader: c.KeyHeader, Keys: ks})
	Expect(err).NotTo(HaveOccurred())
	e := New(Config{Contract: c, Client: cl, Seed: 1})
	e.RunArea(context.Background(), rules.RateLimits)
	return e
}

var _ = ginkgo.Describe("RATE-DECREASING evidence", func() {
	var remaining, limit string
	ginkgo.BeforeEach(func() {
		c, err := contract.Load(conform.OpenAPI)
		Expect(err).NotTo(HaveOccurred())
		remaining, limit = c.RateLimit.Remaining, c.RateLimit.Limit
	})

	ginkgo.It("passes the reference server, which it compared", func() {
		res := rateAreaVerdict(func(int64, http.Header) {})
		Expect(res.Status).To(Equal(Pass), res.Reason)
	})

	ginkgo.It("never passes a remaining header that holds a word: no reading could be compared", func() {
		res := rateAreaVerdict(func(_ int64, h http.Header) { h.Set(remaining, "many") })
		Expect(res.Violations).To(BeZero())
		Expect(res.Status).To(Equal(CutOff))
		Expect(res.Reason).To(ContainSubstring("not checked"))
	})

	ginkgo.It("does not compare two numbers with a word between them", func() {
		res := rateAreaVerdict(func(n int64, h http.Header) {
			if n%2 == 0 {
				h.Set(remaining, "many")
			}
		})
		Expect(res.Status).To(Equal(CutOff))
	})

	ginkgo.It("fails a 200 whose remaining is still the limit: every 200 counts", func() {
		res := rateAreaVerdict(func(_ int64, h http.Header) { h.Set(remaining, h.Get(limit)) })
		Expect(res.Status).To(Equal(Fail))
	})
})

var _ = ginkgo.Describe("the rate-limit model over request shapes", func() {
	none := func(int64, http.Header) {}

	ginkgo.It("passes the reference server and servers that leave 422, 401 and 403 uncounted or count them", func() {
		for _, v := range []string{"", "benign-422-uncounted", "benign-auth-errors-counted"} {
			e := rateArea(v, true, none)
			for _, id := range []rules.ID{rules.RateDecreasing, rules.Rate429OnExhaustion} {
				Expect(e.Result(id).Status).To(Equal(Pass), "%s %s: %v", v, id, e.Result(id).Findings)
			}
		}
	})

	ginkgo.DescribeTable("fails a counter that is not one per request of the key",
		func(variant string, id rules.ID) {
			res := rateArea(variant, true, none).Result(id)
			Expect(res.Status).To(Equal(Fail))
			Expect(res.Findings[0].Sequence).NotTo(BeEmpty(), "the requests that led to it")
		},
		ginkgo.Entry("a counter per key and URL", "rate-counter-per-url", rules.RateDecreasing),
		ginkgo.Entry("a cursor request charged twice", "rate-cursor-charged-twice", rules.RateDecreasing),
		ginkgo.Entry("filtered 200s not counted", "rate-period-filters-uncounted", rules.RateDecreasing),
		ginkgo.Entry("a 429 where a 200 said 1 remains", "rate-refused-with-one-left", rules.Rate429OnExhaustion),
		ginkgo.Entry("a 200 after a 0", "rate-never-limited", rules.Rate429OnExhaustion),
	)

	ginkgo.It("does not judge two equal readings with a 422 between them: a window may have renewed", func() {
		var m rateModel
		e := rateArea("", false, none)
		t0 := time.Now()
		obs := func(status int, rem string) *client.Observation {
			h := http.Header{}
			h.Set(e.c.RateLimit.Limit, "100")
			h.Set(e.c.RateLimit.Remaining, rem)
			return &client.Observation{Status: status, Header: h}
		}
		step, _, _ := m.observe(e, obs(200, "99"), t0, t0)
		Expect(step).To(Equal(stepFirst))
		step, _, _ = m.observe(e, obs(200, "98"), t0, t0)
		Expect(step).To(Equal(stepFell))
		step, _, _ = m.observe(e, obs(422, ""), t0, t0)
		Expect(step).To(Equal(stepNone))
		step, _, _ = m.observe(e, obs(200, "98"), t0, t0) // a new window counted the 422 and this 200
		Expect(step).To(Equal(stepNewWindow))
		step, _, _ = m.observe(e, obs(200, "98"), t0, t0) // two 200s in a row, milliseconds apart
		Expect(step).To(Equal(stepStatic))
		step, _, _ = m.observe(e, obs(200, "95"), t0, t0)
		Expect(step).To(Equal(stepOver))
	})
})
