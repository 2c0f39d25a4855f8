package engine

import (
	"context"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"net/http"

	"github.com/introw/conform/suite/client"
)

// authKind is one kind of bad key: its rule, the status due, and the keys it sends (one a shape,
// in turn: the invalid kind rotates through its forms).
type authKind struct {
	id   rules.ID
	want int
	keys []badKey
}

// badKey is one key of a kind, with how findings name it.
type badKey struct {
	key  client.Key
	what string
}

// authWorkflow: missing, invalid, revoked and scope-less keys, each on every request shape (the
// bare request, each filter alone, all filters together, a page size, a cursor from a real walk),
// one request per kind and shape: a cursor route, a filtered query or a response cache keyed by
// the URL must not skip the key check. The invalid kind sends a different invalid key on each
// shape (a made-up key, the valid key's prefix with other characters, in upper and lower case,
// with its last character changed, with one appended, cut in half), so every form is tried once.
func authWorkflow(ctx context.Context, e *Engine) {
	expect := func(id rules.ID, r client.Request, want int, what string) bool {
		_, _, err := e.expectStatus(client.WithTag(ctx, id), e, r, want, what, id)
		return !e.stopped(err, id)
	}
	// the plainest refusal first
	if !expect(rules.AuthMissingKey, client.Request{}, http.StatusUnauthorized, "a request without a key") {
		return
	}
	shapes := e.authShapes(ctx)
	// answered once to the valid key first: a response cache keyed by the URL must not hand the
	// same page to a bad key. Pages the valid key was already answered (the preflight's, the head
	// walk's, the rate-limit probes') need no prime; of the others only the page size and all
	// filters together are primed, to keep the area cheap.
	for i, r := range shapes {
		if i == 0 || e.servedValid(r) || !(len(r.Params) == 1 && r.Params[0].Name == e.pageSizeName() || len(r.Params) > 1) {
			continue
		}
		prime := r.WithKey(client.Key{Kind: client.KeyValid})
		prime.Open = true // a cursor already followed may be refused (single-use cursors are allowed)
		if _, _, err := e.send(client.WithTag(ctx, rules.AuthInvalidKey), e, prime); e.stopped(err, rules.AuthInvalidKey) {
			return
		}
	}
	for _, k := range e.authKinds() {
		if len(k.keys) == 0 {
			continue
		}
		if v := k.keys[0].key.Kind.EnvVar(); v != "" && v != "CONFORM_API_KEY" && !e.cl.HasKey(k.keys[0].key.Kind) {
			e.skip(k.id, v+" is not set")
			continue
		}
		for i := range max(len(shapes), len(k.keys)) {
			if k.id == rules.AuthMissingKey && i == 0 {
				continue // sent above
			}
			r := shapes[i%len(shapes)]
			bk := k.keys[i%len(k.keys)]
			r.Key = bk.key
			what := bk.what
			if len(r.Params) > 0 {
				what += " on " + r.String()
			}
			if !expect(k.id, r, k.want, what) {
				return
			}
		}
	}
}

// authShapes are the requests the bad keys are sent on: the shapes of the rate-limit probes that
// carry no cursor and pass their schema, and the head walk's second page (a cursor from a real
// walk, at the page size the walk used).
func (e *Engine) authShapes(ctx context.Context) []client.Request {
	c := e.getCorpus(ctx)
	var out []client.Request
	for _, sh := range e.shapes(ctx) {
		switch {
		case sh.invalid:
		case sh.cursor:
			if c.cursor != "" {
				out = append(out, c.withPageSize(client.Request{}).With(e.c.Cursor().Name, c.cursor)) // as the walk sent it
			}
		default:
			out = append(out, client.Request{Params: sh.params})
		}
	}
	return out
}

// pageSizeName is the page-size parameter's name ("" when the spec has none).
func (e *Engine) pageSizeName() string {
	if ps := e.c.PageSize(); ps != nil {
		return ps.Name
	}
	return ""
}

// authKinds are the bad keys, by rule.
func (e *Engine) authKinds() []authKind {
	n := e.cl.ValidKeyLen()
	invalid := []badKey{{client.Key{Kind: client.KeyLiteral, Literal: fmt.Sprintf("conform_%016x%08x", e.cfg.Seed, e.cfg.Seed>>7)}, "a made-up key"}}
	if n > 0 {
		last := client.Key{Kind: client.KeyValidPrefix, Prefix: n - 1, Literal: "0"}
		if e.cl.SameAsValid(last) {
			last.Literal = "1"
		}
		for _, k := range []badKey{
			{client.Key{Kind: client.KeyValidPrefix, Prefix: n / 2, Literal: "x7Q"}, "the valid key's first half with other characters"},
			{client.Key{Kind: client.KeyValidUpper}, "the valid key in upper case"},
			{last, "the valid key with its last character changed"},
			{client.Key{Kind: client.KeyValidLower}, "the valid key in lower case"},
			{client.Key{Kind: client.KeyValidPrefix, Prefix: n, Literal: "0"}, "the valid key with a character appended"},
			{client.Key{Kind: client.KeyValidPrefix, Prefix: (n + 1) / 2}, "the first half of the valid key"},
		} {
			if !e.cl.SameAsValid(k.key) { // a key without letters has no other case
				invalid = append(invalid, k)
			}
		}
	}
	return []authKind{
		{rules.AuthMissingKey, http.StatusUnauthorized, []badKey{{client.Key{Kind: client.KeyNone}, "a request without a key"}}},
		{rules.AuthInvalidKey, http.StatusUnauthorized, invalid},
		{rules.AuthRevokedKey, http.StatusUnauthorized, []badKey{{client.Key{Kind: client.KeyRevoked}, "a revoked key"}}},
		{rules.AuthNoScope, http.StatusForbidden, []badKey{{client.Key{Kind: client.KeyNoScope}, "a key without commissions:read"}}},
	}
}
