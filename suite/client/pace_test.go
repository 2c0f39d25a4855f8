package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/client"
)

// fakeClock is a clock whose waits pass at once: After moves it forward by d.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 5, 20, 10, 0, 17, 0, time.UTC)} // mid-minute
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- f.now
	return ch
}

// scaledClock runs speed times faster than real time, for every goroutine alike: the gap
// between a client's decision and the server's count stays a real network trip (scaled).
type scaledClock struct {
	base, real0 time.Time
	speed       int
}

func (s *scaledClock) Now() time.Time {
	return s.base.Add(time.Since(s.real0) * time.Duration(s.speed))
}

func (s *scaledClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	time.AfterFunc(d/time.Duration(s.speed), func() { ch <- s.Now() })
	return ch
}

// limitedServer answers 200 with X-RateLimit-Limit/-Remaining, perMinute requests per key in
// fixed clock-minute windows, then 429 with Retry-After (when retryAfter) until the minute ends.
type limitedServer struct {
	mu         sync.Mutex
	clock      client.Clock
	perMinute  int
	retryAfter bool
	window     map[string]int64
	hits       map[string]int
	refused    int
	served     int
}

func (s *limitedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now()
	key := r.Header.Get("x-api-key")
	s.mu.Lock()
	if m := now.Unix() / 60; s.window[key] != m {
		s.window[key], s.hits[key] = m, 0
	}
	s.hits[key]++
	hits := s.hits[key]
	over := hits > s.perMinute
	if over {
		s.refused++
	} else {
		s.served++
	}
	s.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.perMinute))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(s.perMinute-hits, 0)))
	w.Header().Set("Content-Type", "application/json")
	if over {
		if s.retryAfter {
			end := time.Unix((now.Unix()/60+1)*60, 0)
			w.Header().Set("Retry-After", strconv.Itoa(int((end.Sub(now)+time.Second-1)/time.Second)))
		}
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
		return
	}
	_, _ = w.Write([]byte(`{"data":[],"pagination":{"nextCursor":null}}`))
}

// waits records the OnWait announcements.
type waits struct {
	mu  sync.Mutex
	why []string
	d   []time.Duration
}

func (w *waits) on(d time.Duration, why string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.why, w.d = append(w.why, why), append(w.d, d)
}

func (w *waits) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.why...)
}

// pacedClient is a client on clk that reads the X-RateLimit headers.
func pacedClient(base string, clk client.Clock, w *waits, max int) *client.Client {
	return newClient(base, func(c *client.Config) {
		c.Clock, c.OnWait = clk, w.on
		c.LimitHeader, c.RemainingHeader = "X-RateLimit-Limit", "X-RateLimit-Remaining"
		c.MaxRequests = max
		c.Keys[client.KeyRateLimit] = "sk_live_rate_limited_0123456789"
	})
}

var _ = Describe("pacing by the rate-limit headers", func() {
	var (
		clk *fakeClock
		w   *waits
		ctx context.Context
	)
	BeforeEach(func() {
		clk, w, ctx = newFakeClock(), &waits{}, context.Background()
	})
	limited := func(perMinute int, retryAfter bool) (*limitedServer, string) {
		s := &limitedServer{clock: clk, perMinute: perMinute, retryAfter: retryAfter, window: map[string]int64{}, hits: map[string]int{}}
		srv := httptest.NewServer(s)
		DeferCleanup(srv.Close)
		return s, srv.URL
	}

	It("sends N requests to a 60-a-minute key without a single 429, spread over the windows", func() {
		s, url := limited(60, true)
		cl := pacedClient(url, clk, w, 1000)
		start := clk.Now()
		for range 200 {
			o, err := cl.Do(ctx, valid, true)
			Expect(err).NotTo(HaveOccurred())
			Expect(o.Status).To(Equal(http.StatusOK))
		}
		Expect(s.refused).To(BeZero())
		Expect(s.served).To(Equal(200))
		// 200 requests at 60 a minute need four windows: from 10:00:17 into the minute of 10:03
		Expect(clk.Now().Sub(start)).To(BeNumerically(">", 3*time.Minute-17*time.Second))
		Expect(clk.Now().Sub(start)).To(BeNumerically("<", 4*time.Minute))
		Expect(w.all()).To(ContainElement(MatchRegexp(`^pacing: \d+ of 60 requests left in this minute$`)))
		Expect(w.all()).To(ContainElement("pacing: 0 of 60 requests left in this minute"))
		Expect(cl.Waited()).To(BeNumerically(">", 2*time.Minute))
	})

	It("keeps concurrent requests of one key under the limit too", func() {
		// waits of the fake clock pass at once and move every goroutine's time; a clock 100
		// times faster than real time moves alike for the client and the server
		fast := &scaledClock{base: clk.Now(), real0: time.Now(), speed: 100}
		s := &limitedServer{clock: fast, perMinute: 60, retryAfter: true, window: map[string]int64{}, hits: map[string]int{}}
		srv := httptest.NewServer(s)
		DeferCleanup(srv.Close)
		cl := pacedClient(srv.URL, fast, w, 1000)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				defer GinkgoRecover()
				for range 40 {
					o, err := cl.Do(ctx, valid, true)
					Expect(err).NotTo(HaveOccurred())
					Expect(o.Status).To(Equal(http.StatusOK))
				}
			})
		}
		wg.Wait()
		Expect(s.refused).To(BeZero())
		Expect(s.served).To(Equal(160))
	})

	It("certifies-style traffic to the fixtures server with a 60-a-minute valid key draws no 429", func() {
		srv, err := fixtures.Start(fixtures.Options{Now: clk.Now, ValidPerMinute: 60})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		cl := newClient(srv.URL, func(c *client.Config) {
			c.Clock, c.OnWait = clk, w.on
			c.LimitHeader, c.RemainingHeader = fixtures.DefaultSpec().LimitHeader, fixtures.DefaultSpec().RemainingHeader
			c.Keys[client.KeyValid] = srv.Keys.Valid
			c.MaxRequests = 1000
		})
		for range 150 {
			o, err := cl.Do(ctx, valid, true)
			Expect(err).NotTo(HaveOccurred())
			Expect(o.Status).To(Equal(http.StatusOK))
		}
		Expect(w.all()).NotTo(ContainElement(ContainSubstring("429")))
		Expect(w.all()).To(ContainElement(ContainSubstring("pacing")))
	})

	It("never paces the rate-limit key: RATE-429-ON-EXHAUSTION spends it on purpose", func() {
		s, url := limited(10, true)
		cl := pacedClient(url, clk, w, 1000)
		start := clk.Now()
		r := client.Request{Key: client.Key{Kind: client.KeyRateLimit}}
		statuses := map[int]int{}
		for range 15 {
			o, err := cl.Do(ctx, r, false)
			Expect(err).NotTo(HaveOccurred())
			statuses[o.Status]++
		}
		Expect(statuses).To(Equal(map[int]int{200: 10, 429: 5}))
		Expect(s.refused).To(Equal(5))
		Expect(clk.Now()).To(Equal(start))
		Expect(w.all()).To(BeEmpty())
	})

	It("does not pace a server that sends no rate-limit headers", func() {
		n := 0
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			n++
			rw.Header().Set("Content-Type", "application/json")
			_, _ = rw.Write([]byte(`{"data":[],"pagination":{"nextCursor":null}}`))
		}))
		DeferCleanup(srv.Close)
		cl := pacedClient(srv.URL, clk, w, 1000)
		start := clk.Now()
		for range 100 {
			_, err := cl.Do(ctx, valid, true)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(n).To(Equal(100))
		Expect(clk.Now()).To(Equal(start))
		Expect(w.all()).To(BeEmpty())
		Expect(cl.Waited()).To(BeZero())
	})

	DescribeTable("stops pacing by headers whose allowance is not renewed when the window rolls over",
		func(limit, remaining string) {
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("X-RateLimit-Limit", limit)
				rw.Header().Set("X-RateLimit-Remaining", remaining) // and still 200, every time
				rw.Header().Set("Content-Type", "application/json")
				_, _ = rw.Write([]byte(`{"data":[],"pagination":{"nextCursor":null}}`))
			}))
			DeferCleanup(srv.Close)
			cl := pacedClient(srv.URL, clk, w, 1000)
			start := clk.Now()
			for range 30 {
				_, err := cl.Do(ctx, valid, true)
				Expect(err).NotTo(HaveOccurred())
			}
			Expect(len(w.all())).To(BeNumerically("<=", 1)) // at most one wait for the window, then the headers are not believed
			Expect(clk.Now().Sub(start)).To(BeNumerically("<=", 62*time.Second))
		},
		Entry("0 of 2 left on every 200", "2", "0"),
		Entry("1 of 100 left on every 200", "100", "1"),
	)

	Describe("a 429", func() {
		// once answers the first request 429 with Retry-After ra (none when ""), then 200.
		once := func(ra func() string) string {
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				n++
				rw.Header().Set("Content-Type", "application/json")
				if n == 1 {
					if v := ra(); v != "" {
						rw.Header().Set("Retry-After", v)
					}
					rw.WriteHeader(http.StatusTooManyRequests)
					_, _ = rw.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
					return
				}
				_, _ = rw.Write([]byte(`{"data":[],"pagination":{"nextCursor":null}}`))
			}))
			DeferCleanup(srv.Close)
			return srv.URL
		}
		retried := func(url string) time.Duration {
			cl := pacedClient(url, clk, w, 1000)
			start := clk.Now()
			o, err := cl.Do(ctx, valid, true)
			Expect(err).NotTo(HaveOccurred())
			Expect(o.Status).To(Equal(http.StatusOK))
			Expect(cl.Sent()).To(Equal(2))
			return clk.Now().Sub(start)
		}

		It("waits the Retry-After seconds and says so", func() {
			waited := retried(once(func() string { return "20" }))
			Expect(waited).To(BeNumerically("~", 20*time.Second, time.Second))
			Expect(w.all()).To(Equal([]string{"the server answered 429 with Retry-After 20s"}))
		})

		It("waits until a Retry-After HTTP-date", func() {
			waited := retried(once(func() string { return clk.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat) }))
			Expect(waited).To(BeNumerically("~", 30*time.Second, time.Second))
			Expect(w.all()).To(HaveLen(1))
			Expect(w.all()[0]).To(HavePrefix("the server answered 429 with Retry-After "))
		})

		It("without Retry-After waits for the window to roll over, not an exponential guess", func() {
			waited := retried(once(func() string { return "" }))
			Expect(waited).To(BeNumerically("~", 61*time.Second, time.Second))
			Expect(w.all()).To(ConsistOf(ContainSubstring("window to roll over")))
		})

		It("caps a long Retry-After at MaxBackoff", func() {
			waited := retried(once(func() string { return "3600" }))
			Expect(waited).To(Equal(65 * time.Second))
		})

		It("gives up on a server that keeps answering 429", func() {
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("Retry-After", "1")
				rw.WriteHeader(http.StatusTooManyRequests)
			}))
			DeferCleanup(srv.Close)
			cl := pacedClient(srv.URL, clk, w, 1000)
			_, err := cl.Do(ctx, valid, true)
			Expect(errors.Is(err, client.ErrRateLimited)).To(BeTrue())
			Expect(cl.Sent()).To(Equal(7))
		})
	})
})
