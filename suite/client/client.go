package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrBudget is returned once the run's request budget is spent.
var ErrBudget = errors.New("request budget exhausted")

// ErrGaveUp is returned once MaxFailures requests in a row got no usable answer (no complete
// HTTP answer, or a body over the cap): a server that hangs, drips or streams forever is not
// fed the rest of the budget at one timeout per request. Like ErrBudget it ends the run's
// sending for good; it is kept apart so a report can say why.
var ErrGaveUp = errors.New("the server gave no usable answer to too many requests in a row")

// DefaultMaxFailures is Config.MaxFailures when unset.
const DefaultMaxFailures = 10

// maxHeaderBytes caps the response headers the transport reads (Go's default is 10 MB).
const maxHeaderBytes = 1 << 20

// Config configures the client.
type Config struct {
	BaseURL     *url.URL
	Path        string // the operation's path, e.g. "/api/v1/payouts"
	KeyHeader   string // e.g. "x-api-key"
	Keys        map[KeyKind]string
	Timeout     time.Duration                     // per request: connect, TLS, headers and the whole body
	MaxBody     int64                             // response bodies are read through this cap
	MaxRequests int                               // hard budget for the run (0: unlimited)
	Rate        float64                           // requests per second (0: unpaced)
	Insecure    bool                              // skip TLS verification
	CACert      string                            // PEM file of extra CAs
	MaxBackoff  time.Duration                     // longest wait on a 429 before retrying (0: 65s)
	OnWait      func(d time.Duration, why string) // told before each wait (pacing or a 429), with why (may be nil)
	Trace       io.Writer                         // one line per request sent: sequence, tag, query, status (nil: none)
	MaxFailures int                               // requests in a row without a usable answer before ErrGaveUp (0: DefaultMaxFailures)
	Concurrency int                               // requests in flight at once (0 or 1: one at a time)
	// LimitHeader and RemainingHeader name the rate-limit headers (contract.RateLimit): requests
	// that may wait are paced by them, per key kind, so the server never needs to refuse
	// (see admit). Empty: no pacing from headers.
	LimitHeader, RemainingHeader string
	Clock                        Clock // time for pacing and waits (nil: the real clock)
}

// Client sends requests and records observations.
type Client struct {
	cfg       Config
	http      *http.Client
	sent      atomic.Int64
	seq       atomic.Int64
	pace      sync.Mutex
	next      time.Time
	waiting   atomic.Int64 // nanoseconds spent waiting (pacing and 429s)
	failing   atomic.Int64 // requests in a row without a usable answer
	tags      sync.Map     // tag -> *atomic.Int64: requests sent under each tag
	traceMu   sync.Mutex
	usable    sync.Map // tag -> *atomic.Int64: usable answers under each tag
	usableAll atomic.Int64
	clock     Clock
	pmu       sync.Mutex // guards buckets and waitedTo
	buckets   map[KeyKind]*bucket
	waitedTo  time.Time
	slots     chan struct{} // one per request in flight (Config.Concurrency)
	serial    sync.Mutex    // held by each request while the server is failing (see once)
}

type tagKey struct{}

// WithTag labels the requests sent with ctx (a rule ID, or "corpus" for the shared walk) so the
// run can report how many requests each rule spent.
func WithTag[S ~string](ctx context.Context, tag S) context.Context {
	return context.WithValue(ctx, tagKey{}, string(tag))
}

// Counts returns the requests sent per tag ("" for untagged ones).
func (c *Client) Counts() map[string]int {
	out := map[string]int{}
	c.tags.Range(func(k, v any) bool {
		out[k.(string)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return out
}

// New builds the client. It never follows redirects (a 3xx is recorded as it came, and nothing
// is sent to its Location), asks for gzip and inflates transparently (the body cap applies to
// the inflated bytes), and bounds every request, body included, by Timeout.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 8 << 20
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 65 * time.Second
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	tlsCfg := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // opt-in, loud in the CLI
	if cfg.CACert != "" {
		pem, err := os.ReadFile(cfg.CACert)
		if err != nil {
			return nil, fmt.Errorf("reading --ca-cert: %w", err)
		}
		pool, _ := x509.SystemCertPool()
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s holds no PEM certificate", cfg.CACert)
		}
		tlsCfg.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:        tlsCfg,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        30 * time.Second,
	}
	clock := cfg.Clock
	if clock == nil {
		clock = realClock{}
	}
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, cfg.Concurrency)
	tr.MaxIdleConns = tr.MaxIdleConnsPerHost
	return &Client{cfg: cfg, clock: clock, buckets: map[KeyKind]*bucket{}, slots: make(chan struct{}, cfg.Concurrency), http: &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}, nil
}

// Sent is the number of HTTP requests sent so far.
func (c *Client) Sent() int { return int(c.sent.Load()) }

// Waited is the time spent waiting for rate limits: pacing and 429s.
func (c *Client) Waited() time.Duration { return time.Duration(c.waiting.Load()) }

// Config returns the client's configuration (keys included: never print it).
func (c *Client) Config() Config { return c.cfg }

// Do sends the request and returns its observation. A transport failure is recorded in the
// observation's Err; ErrBudget and context errors are returned. When backoff is true the
// request may wait: it is paced by the rate-limit headers of earlier answers to its key kind
// (never the rate-limit key's, which RATE-429-ON-EXHAUSTION spends on purpose), and a 429 is
// waited out (Retry-After, else until the rate-limit window rolls over) and retried a few times.
// With backoff false it goes at once and a 429 is returned as it came.
func (c *Client) Do(ctx context.Context, r Request, backoff bool) (*Observation, error) {
	for attempt := 0; ; attempt++ {
		obs, err := c.once(ctx, r, backoff && paced(r.Key.Kind))
		if err != nil {
			return nil, err
		}
		if !backoff || obs.Status != http.StatusTooManyRequests {
			return obs, nil
		}
		if attempt >= maxRetries {
			return nil, ErrRateLimited
		}
		wait, why := c.on429(r.Key.Kind, obs.Header)
		if err := c.wait(ctx, r.Key.Kind, wait, why); err != nil {
			return nil, err
		}
	}
}

// maxRetries bounds how often one request is retried after a 429 (the waits add up to a few
// minutes: long enough for a per-minute window to reset several times).
const maxRetries = 6

// ErrRateLimited is returned when a request is still answered 429 after every retry.
var ErrRateLimited = errors.New("still rate limited after waiting out the window several times")

func (c *Client) pacing(ctx context.Context) error {
	if c.cfg.Rate <= 0 {
		return nil
	}
	c.pace.Lock()
	now := c.clock.Now()
	at := c.next
	if at.Before(now) {
		at = now
	}
	c.next = at.Add(time.Duration(float64(time.Second) / c.cfg.Rate))
	c.pace.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.clock.After(at.Sub(now)):
		return nil
	}
}

// once sends r once; when mayWait it first waits as the rate-limit headers say (admit).
func (c *Client) once(ctx context.Context, r Request, mayWait bool) (*Observation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cfg.MaxRequests > 0 && c.sent.Load() >= int64(c.cfg.MaxRequests) {
		return nil, ErrBudget
	}
	if c.failing.Load() >= int64(c.cfg.MaxFailures) {
		return nil, ErrGaveUp
	}
	if err := c.pacing(ctx); err != nil {
		return nil, err
	}
	tk, err := c.admit(ctx, r.Key.Kind, mayWait)
	if err != nil {
		return nil, err
	}
	var answer http.Header
	defer func() { c.observe(tk, answer) }()
	if c.failing.Load() > 0 {
		// a server that has just failed to answer (a hang, an endless or oversize body) gets one
		// request at a time: its failures cost one timeout and one body cap at once, not N
		c.serial.Lock()
		defer c.serial.Unlock()
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.slots }()
	u := *c.cfg.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + c.cfg.Path
	u.RawQuery = r.Query()
	// one deadline for the whole exchange: connect, TLS, headers and every byte of the body
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var connected atomic.Bool // a connection to the server was made (TCP and TLS)
	rctx = httptrace.WithClientTrace(rctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	})
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "conform")
	if k := c.keyValue(r.Key); r.Key.Kind != KeyNone {
		req.Header.Set(c.cfg.KeyHeader, k)
	}
	if !c.reserve() {
		return nil, ErrBudget // spent while this request waited
	}
	obs := &Observation{Seq: int(c.seq.Add(1)), Request: r}
	tag, _ := ctx.Value(tagKey{}).(string)
	n, _ := c.tags.LoadOrStore(tag, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	defer c.trace(obs, tag)
	defer c.countUsable(obs, tag)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		obs.Err = transportError(err, connected.Load())
		obs.Elapsed = time.Since(start)
		c.fail(obs.Err)
		return obs, nil
	}
	defer resp.Body.Close()
	obs.Status, obs.Header = resp.StatusCode, resp.Header
	answer = resp.Header
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	obs.Elapsed = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		obs.Err = transportError(err, true)
	}
	obs.Body = body
	if int64(len(body)) > c.cfg.MaxBody {
		obs.Body, obs.Truncated = body[:c.cfg.MaxBody:c.cfg.MaxBody], true
		obs.JSONErr = fmt.Errorf("body cut at the %d-byte cap", c.cfg.MaxBody) // a cut body is not worth parsing
	} else {
		obs.decode()
	}
	if obs.Err != nil || obs.Truncated || obs.Status >= 300 && obs.Status < 400 {
		c.fail(obs.Err)
	} else {
		c.failing.Store(0)
	}
	return obs, nil
}

// reserve counts one more request sent, unless the budget is spent (requests in flight
// together never overshoot it).
func (c *Client) reserve() bool {
	for {
		n := c.sent.Load()
		if c.cfg.MaxRequests > 0 && n >= int64(c.cfg.MaxRequests) {
			return false
		}
		if c.sent.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (c *Client) keyValue(k Key) string {
	switch k.Kind {
	case KeyLiteral:
		return k.Literal
	case KeyValidPrefix:
		v := c.cfg.Keys[KeyValid]
		return v[:min(k.Prefix, len(v))] + k.Literal
	case KeyValidUpper:
		return strings.ToUpper(c.cfg.Keys[KeyValid])
	case KeyValidLower:
		return strings.ToLower(c.cfg.Keys[KeyValid])
	}
	return c.cfg.Keys[k.Kind]
}

// fail counts a request without a usable answer. A timeout trips the breaker at once: a server
// that hung for a whole --timeout will hang again, and one timeout already fails the run
// (TRANSPORT-ANSWER), so waiting out more of them would only delay the verdict.
func (c *Client) fail(err *TransportError) {
	if err != nil && err.Kind == "timeout" {
		c.failing.Store(int64(c.cfg.MaxFailures))
		return
	}
	c.failing.Add(1)
}

// countUsable counts, per tag, the answers a rule can judge: complete HTTP answers that are
// not redirects.
func (c *Client) countUsable(o *Observation, tag string) {
	if o.Err != nil || o.Truncated || o.Status == 0 || (o.Status >= 300 && o.Status < 400) {
		return
	}
	n, _ := c.usable.LoadOrStore(tag, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	c.usableAll.Add(1)
}

// Usable returns the usable answers per tag and in all.
func (c *Client) Usable() (map[string]int, int) {
	out := map[string]int{}
	c.usable.Range(func(k, v any) bool {
		out[k.(string)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return out, int(c.usableAll.Load())
}

// trace writes one line for an exchange (keys never appear: the request's key is named by kind).
func (c *Client) trace(o *Observation, tag string) {
	if c.cfg.Trace == nil {
		return
	}
	c.traceMu.Lock()
	defer c.traceMu.Unlock()
	fmt.Fprintf(c.cfg.Trace, "%d\t%s\t%s\t%s\t%d\n", o.Seq, tag, o.Request.Key.Kind.EnvVar(), o.Request.String(), o.Status)
}

// HasKey reports whether a key of that kind was configured.
func (c *Client) HasKey(k KeyKind) bool { return c.cfg.Keys[k] != "" }

// Curl renders the request as a reproducing curl line.
func (c *Client) Curl(r Request) string { return r.Curl(c.cfg.BaseURL, c.cfg.Path, c.cfg.KeyHeader) }

// TransportError is a request that got no complete HTTP answer.
type TransportError struct {
	// Kind says what went wrong:
	//   - "timeout": no complete answer within Timeout (the connection could not be made in
	//     time, or the server hung or dripped its headers or body)
	//   - "refused": no connection (refused, unknown host, no route)
	//   - "reset": the connection broke or ended before the answer was complete (a reset, or a
	//     close before the declared Content-Length or the last chunk)
	//   - "tls": the TLS handshake or the certificate failed
	//   - "protocol": what came back is not HTTP/1.1 (garbage, a malformed status line or header)
	//   - "other": anything else
	Kind string
	Msg  string
	// Connected is true when a connection to the server was made (TCP, and TLS for https)
	// before the failure: the server is there and misbehaved. False means conform never
	// reached it.
	Connected bool
}

func (e *TransportError) Error() string { return e.Kind + ": " + e.Msg }

// Unreachable reports whether the failure means the target cannot be certified at all (exit 3)
// rather than a server answering badly (a TRANSPORT-ANSWER violation): no connection could be
// made, or the TLS handshake or certificate failed.
func (e *TransportError) Unreachable() bool {
	return e != nil && (!e.Connected || e.Kind == "refused" || e.Kind == "tls")
}

// transportError classifies a failed exchange; connected says whether a connection was made.
func transportError(err error, connected bool) *TransportError {
	msg := err.Error()
	lower := strings.ToLower(msg)
	var (
		ne      net.Error
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		host    x509.HostnameError
	)
	kind := "other"
	switch {
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		kind = "timeout"
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dnsErr), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), strings.Contains(lower, "connection refused"), strings.Contains(lower, "no such host"):
		kind = "refused"
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alert), errors.As(err, &unknown),
		errors.As(err, &invalid), errors.As(err, &host), strings.Contains(lower, "tls:"), strings.Contains(lower, "x509:"):
		kind = "tls"
	case strings.Contains(lower, "malformed"), strings.Contains(lower, "bad status"), strings.Contains(lower, "invalid header"),
		strings.Contains(lower, "invalid content-length"):
		kind = "protocol"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF), strings.Contains(lower, "reset"), strings.Contains(lower, "eof"), strings.Contains(lower, "broken pipe"):
		kind = "reset"
	}
	if kind == "refused" {
		connected = false
	}
	return &TransportError{Kind: kind, Msg: msg, Connected: connected}
}

// Observation is one exchange: the request, the response and its body decoded once.
type Observation struct {
	Seq       int
	Request   Request
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
	Elapsed   time.Duration
	Err       *TransportError // the request got no complete answer

	JSON    any   // the decoded body (numbers as json.Number), nil when not JSON
	JSONErr error // why the body is not JSON
}

func (o *Observation) decode() {
	if len(bytes.TrimSpace(o.Body)) == 0 {
		o.JSONErr = errors.New("empty body")
		return
	}
	v, err := DecodeJSON(o.Body)
	if err != nil {
		o.JSONErr = err
		return
	}
	o.JSON = v
}

// MediaType is the response's Content-Type without parameters ("" when absent or unparsable).
func (o *Observation) MediaType() string {
	mt, _, err := mime.ParseMediaType(o.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// Excerpt is the start of the body, for evidence.
func (o *Observation) Excerpt(n int) string {
	b := o.Body
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// SameAsValid reports whether a made-up key happens to equal CONFORM_API_KEY (so a probe for
// invalid keys never sends the real one by accident).
func (c *Client) SameAsValid(k Key) bool {
	v := c.cfg.Keys[KeyValid]
	return v != "" && c.keyValue(k) == v
}

// ValidKeyLen is the length of CONFORM_API_KEY (0 when unset).
func (c *Client) ValidKeyLen() int { return len(c.cfg.Keys[KeyValid]) }
