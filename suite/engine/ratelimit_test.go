package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"

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
	c, err := contract.Load(conform.OpenAPI)
	Expect(err).NotTo(HaveOccurred())
	h, keys, err := fixtures.NewHandler(fixtures.Options{})
	Expect(err).NotTo(HaveOccurred())
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		h.ServeHTTP(&headerRewriter{ResponseWriter: w, edit: func(hd http.Header) { edit(i, hd) }}, r)
	}))
	ginkgo.DeferCleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	cl, err := client.New(client.Config{BaseURL: u, Path: c.Path, KeyHeader: c.KeyHeader, Keys: map[client.KeyKind]string{client.KeyValid: keys.Valid}})
	Expect(err).NotTo(HaveOccurred())
	e := New(Config{Contract: c, Client: cl, Seed: 1})
	e.RunArea(context.Background(), rules.RateLimits)
	Expect(e.Result("RATE-429-ON-EXHAUSTION").Status).To(Equal(Skip)) // no rate-limit key given
	return e.Result("RATE-DECREASING")
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
