package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/fixtures/hostile"
	"github.com/introw/conform/suite/client"
)

const (
	secret  = "sk_live_hostile_SECRET_0123456789"
	timeout = 500 * time.Millisecond
)

// newClient builds a client for base with a short timeout and the default body cap.
func newClient(base string, mut ...func(*client.Config)) *client.Client {
	u, err := url.Parse(base)
	Expect(err).NotTo(HaveOccurred())
	cfg := client.Config{
		BaseURL: u, Path: "/api/v1/payouts", KeyHeader: "x-api-key",
		Keys:    map[client.KeyKind]string{client.KeyValid: secret},
		Timeout: timeout, MaxRequests: 100,
	}
	for _, m := range mut {
		m(&cfg)
	}
	cl, err := client.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	return cl
}

// valid is a plain request carrying the valid key.
var valid = client.Request{Params: []client.Param{{Name: "limit", Value: "5"}}, Key: client.Key{Kind: client.KeyValid}}

// get sends one request and returns the observation and the bytes allocated meanwhile.
func get(cl *client.Client) (*client.Observation, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	obs, err := cl.Do(context.Background(), valid, false)
	runtime.ReadMemStats(&after)
	Expect(err).NotTo(HaveOccurred())
	return obs, after.TotalAlloc - before.TotalAlloc
}

// started fails the spec on a start error and closes the server after it.
func started(s *hostile.Server, err error) *hostile.Server {
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

var _ = Describe("the client against hostile servers", func() {
	It("gives up on a server that accepts and never answers after Timeout", func() {
		s := started(hostile.Hang())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("timeout"))
		Expect(obs.Err.Connected).To(BeTrue(), "the connection was made: the server is there and silent")
		Expect(obs.Err.Unreachable()).To(BeFalse())
		Expect(obs.Status).To(BeZero())
		Expect(obs.Elapsed).To(BeNumerically("~", timeout, 400*time.Millisecond))
	})

	It("bounds the whole body read by Timeout, not only the headers (drip)", func() {
		s := started(hostile.Drip())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Status).To(Equal(200), "the headers came at once")
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("timeout"))
		Expect(obs.Err.Connected).To(BeTrue())
		Expect(obs.Err.Unreachable()).To(BeFalse())
		Expect(obs.Elapsed).To(BeNumerically("~", timeout, 400*time.Millisecond))
		Expect(len(obs.Body)).To(BeNumerically("<=", int(timeout/hostile.DripInterval)+1))
	})

	It("cuts an endless body at MaxBody and does not parse it", func() {
		s := started(hostile.EndlessBody())
		obs, alloc := get(newClient(s.URL))
		Expect(obs.Err).To(BeNil())
		Expect(obs.Status).To(Equal(200))
		Expect(obs.Truncated).To(BeTrue())
		Expect(obs.Body).To(HaveLen(8 << 20))
		Expect(obs.JSON).To(BeNil())
		Expect(obs.JSONErr).To(MatchError(ContainSubstring("cap")))
		Expect(alloc).To(BeNumerically("<", 64<<20), "bytes allocated for one request")
	})

	It("stops a gzip bomb at MaxBody of inflated bytes", func() {
		s := started(hostile.GzipBomb())
		obs, alloc := get(newClient(s.URL, func(c *client.Config) { c.Timeout = 5 * time.Second }))
		Expect(obs.Err).To(BeNil())
		Expect(obs.Status).To(Equal(200), "the transport asked for gzip, so the bomb was served (406 otherwise)")
		Expect(obs.Truncated).To(BeTrue())
		Expect(obs.Body).To(HaveLen(8 << 20))
		Expect(string(obs.Body[:16])).To(Equal(`{"data":[{"id":"`), "the body is the inflated stream")
		Expect(alloc).To(BeNumerically("<", 64<<20), "bytes allocated for one request (the bomb inflates to over 1 GiB)")
	})

	It("never follows an off-origin redirect, so the collector gets nothing", func() {
		s, col, err := hostile.OffOriginRedirect()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		cl := newClient(s.URL)
		for range 3 {
			obs, err := cl.Do(context.Background(), valid, true)
			Expect(err).NotTo(HaveOccurred())
			Expect(obs.Err).To(BeNil())
			Expect(obs.Status).To(Equal(302))
			Expect(obs.Header.Get("Location")).To(HavePrefix(col.URL))
		}
		Expect(s.Requests()).To(Equal(3))
		Expect(col.Requests()).To(BeZero())
		Expect(col.SawHeader("x-api-key")).To(BeFalse())
		Expect(col.Saw(secret)).To(BeFalse())
	})

	It("records a redirect loop as one 302", func() {
		s := started(hostile.RedirectLoop())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Err).To(BeNil())
		Expect(obs.Status).To(Equal(302))
		Expect(s.Requests()).To(Equal(1))
	})

	It("calls a connection reset mid-body a reset", func() {
		s := started(hostile.Reset())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("reset"))
		Expect(obs.Err.Connected).To(BeTrue())
		Expect(obs.Err.Unreachable()).To(BeFalse())
	})

	It("calls a server that does not speak HTTP a protocol error", func() {
		s := started(hostile.NotHTTP())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("protocol"), obs.Err.Msg)
		Expect(obs.Err.Connected).To(BeTrue())
		Expect(obs.Err.Unreachable()).To(BeFalse())
	})

	It("calls a body shorter than its Content-Length a reset", func() {
		s := started(hostile.LyingLength())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Status).To(Equal(200))
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("reset"), obs.Err.Msg)
		Expect(obs.Err.Msg).To(ContainSubstring("unexpected EOF"))
		Expect(len(obs.Body)).To(BeNumerically("<=", hostile.LyingSent))
	})

	It("keeps an honest answer with invalid JSON as an answer", func() {
		s := started(hostile.InvalidJSON())
		obs, _ := get(newClient(s.URL))
		Expect(obs.Err).To(BeNil())
		Expect(obs.Status).To(Equal(200))
		Expect(string(obs.Body)).To(Equal(hostile.InvalidJSONBody))
		Expect(obs.JSON).To(BeNil())
		Expect(obs.JSONErr).To(HaveOccurred())
	})

	It("calls a closed port refused and unreachable", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr := ln.Addr().String()
		Expect(ln.Close()).To(Succeed())
		obs, _ := get(newClient("http://" + addr))
		Expect(obs.Err).NotTo(BeNil())
		Expect(obs.Err.Kind).To(Equal("refused"))
		Expect(obs.Err.Connected).To(BeFalse())
		Expect(obs.Err.Unreachable()).To(BeTrue())
	})
})

var _ = Describe("giving up on a server that stopped answering", func() {
	It("stops after MaxFailures requests in a row without a usable answer", func() {
		s := started(hostile.NotHTTP())
		cl := newClient(s.URL, func(c *client.Config) { c.MaxFailures = 3 })
		for range 3 {
			obs, err := cl.Do(context.Background(), valid, false)
			Expect(err).NotTo(HaveOccurred())
			Expect(obs.Err).NotTo(BeNil())
		}
		_, err := cl.Do(context.Background(), valid, false)
		Expect(err).To(MatchError(client.ErrGaveUp))
		Expect(errors.Is(err, client.ErrBudget)).To(BeFalse(), "a report can tell it from the budget")
		Expect(cl.Sent()).To(Equal(3))
	})

	It("stops after the first timeout: a server that hung once will hang again", func() {
		s := started(hostile.Hang())
		cl := newClient(s.URL, func(c *client.Config) { c.Timeout = 100 * time.Millisecond; c.MaxFailures = 3 })
		obs, err := cl.Do(context.Background(), valid, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(obs.Err.Kind).To(Equal("timeout"))
		_, err = cl.Do(context.Background(), valid, false)
		Expect(err).To(MatchError(client.ErrGaveUp))
		Expect(cl.Sent()).To(Equal(1))
	})

	It("counts a body over the cap as no usable answer", func() {
		s := started(hostile.EndlessBody())
		cl := newClient(s.URL, func(c *client.Config) { c.MaxBody = 64 << 10; c.MaxFailures = 2 })
		for range 2 {
			obs, err := cl.Do(context.Background(), valid, false)
			Expect(err).NotTo(HaveOccurred())
			Expect(obs.Truncated).To(BeTrue())
		}
		_, err := cl.Do(context.Background(), valid, false)
		Expect(err).To(MatchError(client.ErrGaveUp))
	})

	It("starts counting again after a usable answer", func() {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if n.Add(1)%2 == 1 { // every other request: break the connection mid-body
				w.Header().Set("Content-Length", "100")
				_, _ = w.Write([]byte(`{"da`))
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[]}`))
		}))
		DeferCleanup(srv.Close)
		cl := newClient(srv.URL, func(c *client.Config) { c.MaxFailures = 2 })
		for i := range 8 {
			obs, err := cl.Do(context.Background(), valid, false)
			Expect(err).NotTo(HaveOccurred())
			Expect(obs.Err == nil).To(Equal(i%2 == 1), "request %d", i)
		}
	})
})
