package config_test

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/config"
)

// FuzzParse feeds Parse arbitrary arguments (separated by NUL) and environment lines
// (NAME=value, separated by newlines): it must never panic, and must return either a valid
// configuration or an error that is a usage error (or the request for help), on one line,
// which the CLI prints as "conform: ..." and maps to exit 2.
func FuzzParse(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""},
		{"--bogus", ""},
		{"-h", ""},
		{"--help", ""},
		{"", "CONFORM_SEED=abc"},
		{"--seed\x0018446744073709551615", ""},
		{"--seed=-1", ""},
		{"--timeout=-1s", ""},
		{"--timeout\x000s", ""},
		{"", "CONFORM_TIMEOUT=9999999999h"},
		{"--deadline=1ns", "CONFORM_DEADLINE=-5m"},
		{"--profile=loud", ""},
		{"", "CONFORM_PROFILE=lenient"},
		{"--examples=0\x00--max-requests=2147483648", ""},
		{"--max-body=1023", ""},
		{"--rate=NaN", ""},
		{"--rate=+Inf", "CONFORM_RATE=-0"},
		{"--insecure=maybe", ""},
		{"--base-url=http://127.0.0.1:8080", "CONFORM_API_KEY=k"},
		{"--base-url=http://127.0.0.1:8080", ""},
		{"", "CONFORM_BASE_URL=https://api.example.test/v1\nCONFORM_API_KEY=k\nCONFORM_REVOKED_KEY=r"},
		{"", "CONFORM_BASE_URL=http://h/?q=1#f\nCONFORM_API_KEY=k"},
		{"", "CONFORM_BASE_URL=ftp://h\nCONFORM_API_KEY=k"},
		{"", "CONFORM_BASE_URL=http://h\nCONFORM_API_KEY=a\rb"},
		{"--variant=page-early-null\x00--base-url=http://h", "CONFORM_API_KEY=k"},
		{"--label-filter=auth && !strict\x00--report-dir=/tmp/r\x00--stats", ""},
		{"stray\x00--seed=1", ""},
		{"--\x00--seed=1", ""},
		{"-seed\x00", ""},
		{"--=x", ""},
		{"---seed=1", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, argLine, envLines string) {
		var args []string
		if argLine != "" {
			args = strings.Split(argLine, "\x00")
		}
		env := map[string]string{}
		for line := range strings.SplitSeq(envLines, "\n") {
			if name, value, ok := strings.Cut(line, "="); ok {
				env[name] = value
			}
		}
		var stderr bytes.Buffer
		c, err := config.Parse(args, func(k string) string { return env[k] }, &stderr)
		if err != nil {
			if c != nil {
				t.Fatalf("Parse returned both a config and an error: %v", err)
			}
			if !errors.Is(err, config.ErrUsage) && !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("Parse error is not a usage error (exit 2): %v", err)
			}
			if errors.Is(err, config.ErrUsage) && strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(argLine, "\r\n") {
				t.Fatalf("Parse error is not one line: %q", err.Error())
			}
			return
		}
		if c == nil {
			t.Fatal("Parse returned neither a config nor an error")
		}
		checkValid(t, c)
	})
}

// checkValid asserts the invariants of a configuration Parse accepted.
func checkValid(t *testing.T, c *config.Config) {
	t.Helper()
	switch {
	case c.Timeout <= 0:
		t.Fatalf("timeout %v", c.Timeout)
	case c.Deadline < 0:
		t.Fatalf("deadline %v", c.Deadline)
	case c.Examples < 1 || c.Examples > 10000:
		t.Fatalf("examples %d", c.Examples)
	case c.MaxRequests < 1:
		t.Fatalf("max-requests %d", c.MaxRequests)
	case c.MaxBody < 1024:
		t.Fatalf("max-body %d", c.MaxBody)
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		t.Fatalf("rate %v", c.Rate)
	case c.Profile != "strict" && c.Profile != "lenient":
		t.Fatalf("profile %q", c.Profile)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("base URL %q accepted", c.BaseURL)
		}
		if c.Keys[client.KeyValid] == "" {
			t.Fatal("a base URL accepted without CONFORM_API_KEY")
		}
		if c.Variant != "" {
			t.Fatal("a base URL accepted with a variant")
		}
	}
	for kind, v := range c.Keys {
		if strings.ContainsAny(v, "\r\n") {
			t.Fatalf("key %v holds a line break", kind)
		}
	}
}
