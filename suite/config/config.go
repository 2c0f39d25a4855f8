// Package config reads conform's settings from flags and CONFORM_* environment variables (a flag
// wins over its variable) and validates them. Keys come only from the environment. Every
// problem is an error meant for one line on stderr and exit code 2; nothing here panics.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/introw/conform/suite/client"
)

// ErrUsage marks a bad flag, environment value or argument.
var ErrUsage = errors.New("usage error")

// Config is a validated run configuration.
type Config struct {
	BaseURL       string
	Spec          string // path of the spec file ("" = the embedded openapi.json)
	Seed          uint64
	SeedSet       bool
	Timeout       time.Duration
	Deadline      time.Duration
	LabelFilter   string
	ReportDir     string
	Profile       string
	Examples      int
	MaxRequests   int
	Concurrency   int // requests in flight at once (1: one at a time, in a fixed order)
	Rate          float64
	MaxBody       int64
	Insecure      bool
	CACert        string
	Variant       string
	Payouts       int           // with no base URL: the built-in server's dataset size (0 = the reference dataset)
	Latency       time.Duration // with no base URL: the built-in server delays every answer by this much
	Baseline      string
	Stats         bool
	Thorough      bool   // the nightly depth: every date edge on every date parameter, more boundaries and page sizes, 30 examples
	Trace         string // file to write one line per request to
	WriteBaseline string // set by "conform baseline write FILE": write the run's failures there
	Keys          map[client.KeyKind]string
}

// Env lists the environment variables conform reads, flag by flag ("" for flag-only settings).
var Env = map[string]string{
	"base-url": "CONFORM_BASE_URL", "spec": "CONFORM_SPEC", "seed": "CONFORM_SEED", "timeout": "CONFORM_TIMEOUT",
	"deadline": "CONFORM_DEADLINE", "label-filter": "CONFORM_LABEL_FILTER", "report-dir": "CONFORM_REPORT_DIR",
	"profile": "CONFORM_PROFILE", "examples": "CONFORM_EXAMPLES", "max-requests": "CONFORM_MAX_REQUESTS",
	"rate": "CONFORM_RATE", "max-body": "CONFORM_MAX_BODY", "insecure": "CONFORM_INSECURE", "ca-cert": "CONFORM_CA_CERT",
	"baseline": "CONFORM_BASELINE", "payouts": "CONFORM_PAYOUTS", "latency": "CONFORM_LATENCY", "thorough": "CONFORM_THOROUGH",
	"concurrency": "CONFORM_CONCURRENCY",
}

// KeyEnv names the environment variables that hold keys.
var KeyEnv = map[client.KeyKind]string{
	client.KeyValid: "CONFORM_API_KEY", client.KeyNoScope: "CONFORM_NO_SCOPE_KEY",
	client.KeyRevoked: "CONFORM_REVOKED_KEY", client.KeyRateLimit: "CONFORM_RATE_LIMIT_KEY",
}

// Defaults of the run settings.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultExamples    = 6  // engine.DefaultExamples
	ThoroughExamples   = 30 // with --thorough
	DefaultMaxRequests = 1500
	DefaultConcurrency = 8 // measured: README "Speed against a real server"
	MaxConcurrency     = 64
	DefaultMaxBody     = 8 << 20
	MaxPayouts         = 5_000_000 // fixtures.MaxPayouts
)

// Parse reads args (without the program name) and the environment (getenv) into a Config;
// -h prints the flags to out and returns flag.ErrHelp.
func Parse(args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors come back as one line; --help prints the flags below
	fs.Usage = func() {}
	c := &Config{Keys: map[client.KeyKind]string{}}
	seed := fs.String("seed", "", "seed for every random choice (default: random, printed); replays a run exactly")
	timeout := fs.String("timeout", DefaultTimeout.String(), "per-request timeout: connect, TLS, headers and the whole body")
	deadline := fs.String("deadline", "0s", "deadline for the whole run (0: none)")
	examples := fs.String("examples", strconv.Itoa(DefaultExamples), "rapid examples per property")
	concurrency := fs.String("concurrency", strconv.Itoa(DefaultConcurrency), "requests in flight at once (1: one at a time, in the same order on every run); walks, rate-limit counts and exhaustion keep their order")
	maxReq := fs.String("max-requests", strconv.Itoa(DefaultMaxRequests), "hard budget of HTTP requests for the run")
	rate := fs.String("rate", "0", "pace requests to at most N per second (0: unpaced)")
	maxBody := fs.String("max-body", strconv.Itoa(DefaultMaxBody), "cap on response body bytes")
	payouts := fs.String("payouts", "0", "with no base URL: the built-in server serves this many payouts (0: the reference dataset of 300)")
	latency := fs.String("latency", "0s", "with no base URL: the built-in server delays every answer by this much, e.g. 20ms")
	fs.BoolVar(&c.Insecure, "insecure", false, "skip TLS certificate verification (loudly)")
	fs.StringVar(&c.BaseURL, "base-url", "", "base URL of the server to certify (none: the built-in reference server)")
	fs.StringVar(&c.Spec, "spec", "", "OpenAPI 3.1 spec: a file or an http(s) URL, JSON or YAML (default: the embedded openapi.json)")
	fs.StringVar(&c.LabelFilter, "label-filter", "", "select rules by label (Ginkgo syntax): area names, rule IDs, strict, lenient")
	fs.StringVar(&c.ReportDir, "report-dir", "", "write junit.xml, report.json and report.html here")
	fs.StringVar(&c.Profile, "profile", "strict", "strict (default) or lenient: in lenient, strict-level rules only warn")
	fs.StringVar(&c.CACert, "ca-cert", "", "PEM file of extra CAs to trust")
	fs.StringVar(&c.Variant, "variant", "", "with no base URL: certify this built-in fixture variant instead of the reference")
	fs.StringVar(&c.Baseline, "baseline", "", "file of known violations to accept")
	fs.BoolVar(&c.Stats, "stats", false, "print requests, wall time and per-rule request counts")
	fs.BoolVar(&c.Thorough, "thorough", false, "the nightly depth: every date edge on every date parameter, more boundaries, page sizes and lookups, and 30 examples per property unless --examples says otherwise")
	fs.StringVar(&c.Trace, "trace", "", "write one line per request (sequence, plan, key variable, query, status) to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(out, "usage: conform [flags] (certify CONFORM_BASE_URL, or the built-in reference server); conform rules | serve | diff | baseline write")
			fs.SetOutput(out)
			fs.PrintDefaults()
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// a flag wins over its environment variable
	fromEnv := map[string]string{}
	for name, env := range Env {
		if v := getenv(env); v != "" && !set[name] {
			if err := fs.Set(name, v); err != nil {
				return nil, fmt.Errorf("%w: %s=%q: %v", ErrUsage, env, v, err)
			}
			set[name], fromEnv[name] = true, env
		}
	}
	if c.Thorough && !set["examples"] {
		*examples = strconv.Itoa(ThoroughExamples)
	}
	c, err := validate(c, seed, timeout, deadline, examples, maxReq, rate, maxBody, getenv)
	if err == nil {
		c.Concurrency, err = boundedInt("concurrency", *concurrency, 1, MaxConcurrency)
	}
	if err == nil {
		err = validateBuiltIn(c, *payouts, *latency, set)
	}
	if err != nil && len(fromEnv) > 0 {
		for name, env := range fromEnv { // say where a bad value came from
			if strings.Contains(err.Error(), name+" ") {
				err = fmt.Errorf("%w (from %s)", err, env)
				break
			}
		}
	}
	return c, err
}

// validate turns the raw flag values into the Config, one clear error per bad value.
func validate(c *Config, seed, timeout, deadline, examples, maxReq, rate, maxBody *string, getenv func(string) string) (*Config, error) {
	var err error
	if *seed != "" {
		if c.Seed, err = strconv.ParseUint(*seed, 10, 64); err != nil {
			return nil, fmt.Errorf("%w: seed %q is not a non-negative integer", ErrUsage, *seed)
		}
		c.SeedSet = true
	}
	if c.Timeout, err = positiveDuration("timeout", *timeout, false); err != nil {
		return nil, err
	}
	if c.Deadline, err = positiveDuration("deadline", *deadline, true); err != nil {
		return nil, err
	}
	if c.Examples, err = boundedInt("examples", *examples, 1, 10000); err != nil {
		return nil, err
	}
	if c.MaxRequests, err = boundedInt("max-requests", *maxReq, 1, math.MaxInt32); err != nil {
		return nil, err
	}
	mb, err := boundedInt("max-body", *maxBody, 1024, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	c.MaxBody = int64(mb)
	if c.Rate, err = strconv.ParseFloat(*rate, 64); err != nil || c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0) {
		return nil, fmt.Errorf("%w: rate %q is not a non-negative number of requests per second", ErrUsage, *rate)
	}
	if c.Profile != "strict" && c.Profile != "lenient" {
		return nil, fmt.Errorf("%w: profile %q is not strict or lenient", ErrUsage, c.Profile)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%w: base URL %q is not an http(s) URL without query or fragment", ErrUsage, c.BaseURL)
		}
		if c.Variant != "" {
			return nil, fmt.Errorf("%w: --variant certifies a built-in server; it cannot go with a base URL", ErrUsage)
		}
		for kind, env := range KeyEnv {
			if v := getenv(env); v != "" {
				if strings.ContainsAny(v, "\r\n") {
					return nil, fmt.Errorf("%w: %s holds a line break", ErrUsage, env)
				}
				c.Keys[kind] = v
			}
		}
		if c.Keys[client.KeyValid] == "" {
			return nil, fmt.Errorf("%w: CONFORM_API_KEY is required with a base URL (keys come only from the environment)", ErrUsage)
		}
	}
	return c, nil
}

// validateBuiltIn reads the options of the built-in server (--payouts: its dataset size,
// --latency: a delay of its answers): meaningless, and a usage error, with a base URL.
func validateBuiltIn(c *Config, payouts, latency string, set map[string]bool) error {
	for _, name := range []string{"payouts", "latency"} {
		if set[name] && c.BaseURL != "" {
			return fmt.Errorf("%w: --%s shapes the built-in server; it cannot go with a base URL", ErrUsage, name)
		}
	}
	n, err := boundedInt("payouts", payouts, 0, MaxPayouts)
	if err != nil {
		return err
	}
	d, err := positiveDuration("latency", latency, true)
	if err != nil {
		return err
	}
	c.Payouts, c.Latency = n, d
	return nil
}

func positiveDuration(name, v string, zeroOK bool) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		return 0, fmt.Errorf("%w: %s %q is not a positive duration such as 10s", ErrUsage, name, v)
	}
	return d, nil
}

func boundedInt(name, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s %q is not a whole number from %d to %d", ErrUsage, name, v, lo, hi)
	}
	return n, nil
}
