// Package client is the only place that talks HTTP to the server under test. One hardened
// http.Client (timeouts, no redirects, a body cap, a request budget, pacing and 429 backoff)
// sends Requests and records each exchange as an Observation. API keys enter here by kind and
// leave nowhere: a Request names the key it uses, and its curl line names the environment
// variable that holds it.
package client

import (
	"net/url"
	"strconv"
	"strings"
)

// KeyKind says which credential a request carries.
type KeyKind int

const (
	// KeyNone sends no key header.
	KeyNone KeyKind = iota
	// KeyValid is CONFORM_API_KEY: a key with commissions:read.
	KeyValid
	// KeyNoScope is CONFORM_NO_SCOPE_KEY: a key without commissions:read.
	KeyNoScope
	// KeyRevoked is CONFORM_REVOKED_KEY: a revoked key.
	KeyRevoked
	// KeyRateLimit is CONFORM_RATE_LIMIT_KEY: a key with a small per-minute limit.
	KeyRateLimit
	// KeyLiteral is a made-up key carried in Key.Literal (not a secret).
	KeyLiteral
	// KeyValidPrefix is the first Key.Prefix characters of CONFORM_API_KEY followed by Key.Literal.
	KeyValidPrefix
	// KeyValidUpper is CONFORM_API_KEY in upper case (a server must not match keys case-blind).
	KeyValidUpper
	// KeyValidLower is CONFORM_API_KEY in lower case.
	KeyValidLower
)

// EnvVar names the environment variable that holds a key of this kind ("" for none).
func (k KeyKind) EnvVar() string {
	switch k {
	case KeyValid, KeyValidPrefix, KeyValidUpper, KeyValidLower:
		return "CONFORM_API_KEY"
	case KeyNoScope:
		return "CONFORM_NO_SCOPE_KEY"
	case KeyRevoked:
		return "CONFORM_REVOKED_KEY"
	case KeyRateLimit:
		return "CONFORM_RATE_LIMIT_KEY"
	}
	return ""
}

// Key is the credential of one request.
type Key struct {
	Kind    KeyKind
	Literal string // KeyLiteral: the whole key; KeyValidPrefix: the suffix
	Prefix  int    // KeyValidPrefix: how many leading characters of the valid key to keep
}

// Param is one query parameter as sent, in order (repeats allowed).
type Param struct {
	Name, Value string
}

// Request is one GET of the operation: its query and its key.
type Request struct {
	Params []Param
	Key    Key
	// Open marks a request whose status the contract leaves open (a cursor the server never
	// issued, unknown, repeated or empty parameters): any non-5xx status is accepted, and only
	// documented statuses have their body checked.
	Open bool
}

// Get returns the first value of a parameter and whether it was present.
func (r Request) Get(name string) (string, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// With returns a copy of the request with the parameter set (replacing the first occurrence).
func (r Request) With(name, value string) Request {
	out := r
	out.Params = append([]Param(nil), r.Params...)
	for i := range out.Params {
		if out.Params[i].Name == name {
			out.Params[i].Value = value
			return out
		}
	}
	out.Params = append(out.Params, Param{name, value})
	return out
}

// WithKey returns a copy of the request with another key.
func (r Request) WithKey(k Key) Request {
	out := r
	out.Key = k
	return out
}

// Without returns a copy of the request without the parameter.
func (r Request) Without(name string) Request {
	out := r
	out.Params = nil
	for _, p := range r.Params {
		if p.Name != name {
			out.Params = append(out.Params, p)
		}
	}
	return out
}

// Query encodes the parameters in order.
func (r Request) Query() string {
	var b strings.Builder
	for i, p := range r.Params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

// String is the request's query in readable form (keys never appear), e.g. "?limit=5&stage=PAID".
func (r Request) String() string {
	q := r.Query()
	if q == "" {
		return "(no parameters)"
	}
	return "?" + q
}

// Curl renders a one-line curl command that reproduces the request. The key is referenced
// through its environment variable, never written out.
func (r Request) Curl(base *url.URL, path string, header string) string {
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = r.Query()
	var b strings.Builder
	b.WriteString("curl -sS -i ")
	b.WriteString(shellQuote(u.String()))
	switch r.Key.Kind {
	case KeyNone:
	case KeyLiteral:
		b.WriteString(" -H " + shellQuote(header+": "+r.Key.Literal))
	case KeyValidPrefix:
		b.WriteString(` -H "` + header + `: ${` + r.Key.Kind.EnvVar() + `:0:` + strconv.Itoa(r.Key.Prefix) + `}` + dq(r.Key.Literal) + `"`)
	case KeyValidUpper:
		b.WriteString(` -H "` + header + `: ${` + r.Key.Kind.EnvVar() + `^^}"`)
	case KeyValidLower:
		b.WriteString(` -H "` + header + `: ${` + r.Key.Kind.EnvVar() + `,,}"`)
	default:
		b.WriteString(` -H "` + header + `: $` + r.Key.Kind.EnvVar() + `"`)
	}
	return b.String()
}

// shellQuote single-quotes s for POSIX shells.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// dq escapes s for use inside double quotes.
func dq(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s)
}
