// Package certify wires one certification run: it loads the contract, builds the hardened
// client for a target (a remote base URL, or the built-in reference server started in-process)
// and hands back an engine ready to run the catalog. The CLI, the Ginkgo suite and the kill
// matrix all start runs through it, the same way.
package certify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/config"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
)

// Options configure a run.
type Options struct {
	Contract    *contract.Contract
	BaseURL     string                    // "" starts the reference server (or Variant) in-process
	Variant     string                    // with no BaseURL: the fixture variant to certify ("" = reference)
	Payouts     int                       // with no BaseURL: the dataset size of the built-in server (0 = the reference dataset)
	Keys        map[client.KeyKind]string // from the environment; ignored for the built-in server
	Seed        uint64
	Profile     engine.Profile
	Examples    int
	Thorough    bool // the deeper sweeps of a nightly run
	Timeout     time.Duration
	MaxBody     int64
	MaxRequests int
	Concurrency int // requests in flight at once (0 or 1: one at a time)
	Rate        float64
	Insecure    bool
	CACert      string
	OnWait      func(d time.Duration, why string) // told before each wait (pacing by the rate-limit headers, or a 429)
	Trace       io.Writer                         // one line per request sent (nil: none)
	// Now is the built-in server's clock for its rate-limit windows (nil: real time), so a test
	// can put a minute boundary anywhere in a run; ignored with a BaseURL.
	Now func() time.Time
	// Latency delays every answer of the built-in server (0: none); ignored with a BaseURL.
	Latency time.Duration
	// ValidPerMinute is the built-in server's allowance for the valid key (0: 100,000); ignored
	// with a BaseURL.
	ValidPerMinute int
	// Clock is the client's time for pacing and waits (nil: real time).
	Clock client.Clock
}

// ErrConfig marks an unusable configuration (exit 2).
var ErrConfig = errors.New("configuration error")

// Run is a prepared certification: the engine and what to close afterwards.
type Run struct {
	Engine *engine.Engine
	Client *client.Client
	Target string // the base URL certified
	Keys   map[client.KeyKind]string
	server *fixtures.Server
}

// Close stops the in-process server, if any.
func (r *Run) Close() {
	if r.server != nil {
		_ = r.server.Close()
	}
}

// Prepare starts the in-process server when no base URL is given and builds the engine.
func Prepare(o Options) (*Run, error) {
	run := &Run{Keys: o.Keys}
	target := o.BaseURL
	if target == "" {
		srv, err := fixtures.Start(fixtures.Options{Spec: SpecFor(o.Contract), Variant: o.Variant, Payouts: o.Payouts, Now: o.Now,
			Latency: o.Latency, ValidPerMinute: o.ValidPerMinute})
		if err != nil {
			return nil, fmt.Errorf("%w: starting the reference server: %v", ErrConfig, err)
		}
		run.server, target = srv, srv.URL
		run.Keys = map[client.KeyKind]string{
			client.KeyValid: srv.Keys.Valid, client.KeyNoScope: srv.Keys.NoScope,
			client.KeyRevoked: srv.Keys.Revoked, client.KeyRateLimit: srv.Keys.RateLimit,
		}
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		run.Close()
		return nil, fmt.Errorf("%w: base URL %q is not an http(s) URL", ErrConfig, target)
	}
	if run.Keys[client.KeyValid] == "" {
		run.Close()
		return nil, fmt.Errorf("%w: CONFORM_API_KEY is required with a base URL", ErrConfig)
	}
	cl, err := client.New(client.Config{
		BaseURL: u, Path: o.Contract.Path, KeyHeader: o.Contract.KeyHeader, Keys: run.Keys,
		Timeout: o.Timeout, MaxBody: o.MaxBody, MaxRequests: o.MaxRequests, Rate: o.Rate, Concurrency: o.Concurrency,
		Insecure: o.Insecure, CACert: o.CACert, OnWait: o.OnWait, Trace: o.Trace,
		LimitHeader: o.Contract.RateLimit.Limit, RemainingHeader: o.Contract.RateLimit.Remaining, Clock: o.Clock,
	})
	if err != nil {
		run.Close()
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	run.Client, run.Target = cl, strings.TrimSuffix(u.String(), "/")
	run.Engine = engine.New(engine.Config{Contract: o.Contract, Client: cl, Seed: o.Seed, Profile: o.Profile, Examples: o.Examples, Thorough: o.Thorough})
	return run, nil
}

// FromConfig is the run a configuration (flags and CONFORM_* variables) asks for; the caller
// adds what only it knows (a trace file, a wait callback, the seed when it picks one).
func FromConfig(cfg *config.Config, c *contract.Contract) Options {
	return Options{
		Contract: c, BaseURL: cfg.BaseURL, Variant: cfg.Variant, Payouts: cfg.Payouts, Thorough: cfg.Thorough, Keys: cfg.Keys, Seed: cfg.Seed,
		Profile: engine.Profile(cfg.Profile), Examples: cfg.Examples, Timeout: cfg.Timeout, MaxBody: cfg.MaxBody,
		MaxRequests: cfg.MaxRequests, Concurrency: cfg.Concurrency, Rate: cfg.Rate, Insecure: cfg.Insecure, CACert: cfg.CACert, Latency: cfg.Latency,
	}
}

// SpecFor converts the contract's facts into the fixture server's spec, so the built-in server
// implements whatever spec the run loads: path, key header, rate-limit header names, limit
// bounds and default, the stage enum, the date pattern, and the required top-level item fields
// the dataset does not have (rendered on every item: null when nullable, else the first enum
// member or a fixed value of the field's type; a field with a pattern is left out, as no fixed
// value is known to match it).
func SpecFor(c *contract.Contract) fixtures.Spec {
	s := fixtures.DefaultSpec()
	s.Path, s.KeyHeader = c.Path, c.KeyHeader
	if c.RateLimit.Limit != "" {
		s.LimitHeader, s.RemainingHeader = c.RateLimit.Limit, c.RateLimit.Remaining
	}
	if ps := c.PageSize(); ps != nil {
		s.LimitMin, s.LimitMax = int(*ps.Minimum), int(*ps.Maximum)
		if d, ok := ps.DefaultInt(); ok {
			s.LimitDefault = d
		}
	}
	for _, p := range c.Filters() {
		if len(p.Enum) > 0 {
			s.Stages = p.Enum
		}
		if p.IsDate && p.Pattern != nil {
			s.DatePattern = p.Pattern
		}
	}
	known := fixtures.DatasetFields()
	for _, f := range c.Page.Fields {
		if !f.Required || len(f.Path) != 1 || slices.ContainsFunc(known, func(k []string) bool { return slices.Equal(k, f.Path) }) {
			continue
		}
		has := func(t string) bool { return slices.Contains(f.Types, t) }
		value, ok := "", true // "" renders null
		switch {
		case f.Nullable():
		case len(f.Enum) > 0 && has("string"):
			b, _ := json.Marshal(f.Enum[0]) // a string always marshals
			value = string(b)
		case len(f.Enum) > 0:
			value = f.Enum[0]
		case f.IsDate && (f.Pattern == nil || f.Pattern.MatchString("2026-01-01T00:00:00.000Z")):
			value = `"2026-01-01T00:00:00.000Z"`
		case f.Pattern != nil:
			ok = false
		case has("string"):
			value = `""`
		case has("integer"), has("number"):
			value = "0"
		case has("boolean"):
			value = "false"
		case has("array"):
			value = "[]"
		case has("object"):
			value = "{}"
		default:
			ok = false
		}
		if ok {
			s.ExtraItemFields = append(s.ExtraItemFields, fixtures.ItemField{Name: f.Path[0], JSON: value})
		}
	}
	return s
}
