package engine

import (
	"context"
	"net/http"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/client"
)

// authWorkflow: missing, invalid, revoked and scope-less keys.
func authWorkflow(ctx context.Context, e *Engine) {
	expect := func(id string, r client.Request, want int, what string) bool {
		o, ok, err := e.send(client.WithTag(ctx, id), e, r)
		if e.stopped(err, id) {
			return false
		}
		if ok {
			e.judged(id)
		}
		if ok && o.Status != want {
			e.add(e.finding(id, o, "expected %d for %s, got %d", want, what, o.Status))
		}
		return true
	}
	if !expect("AUTH-MISSING-KEY", client.Request{}, http.StatusUnauthorized, "a request without a key") {
		return
	}
	keyLen := e.cl.ValidKeyLen()
	err := e.property(ctx, "AUTH-INVALID-KEY", func(ctx context.Context, t *rapid.T, x *example) error {
		k := client.Key{Kind: client.KeyLiteral, Literal: rapid.StringMatching(`[A-Za-z0-9_\-]{1,64}`).Draw(t, "key")}
		if keyLen > 0 && rapid.Bool().Draw(t, "nearTheValidKey") {
			k = client.Key{Kind: client.KeyValidPrefix, Prefix: rapid.IntRange(keyLen/2, keyLen).Draw(t, "keptPrefix"),
				Literal: rapid.StringMatching(`[A-Za-z0-9]{1,4}`).Draw(t, "otherChars")}
		}
		if e.cl.SameAsValid(k) {
			t.Skip("drew the valid key")
		}
		o, ok, err := e.send(ctx, x, client.Request{Key: k})
		if err != nil {
			return err
		}
		if ok {
			e.judged("AUTH-INVALID-KEY")
		}
		if ok && o.Status != http.StatusUnauthorized {
			x.add(e.finding("AUTH-INVALID-KEY", o, "expected 401 for an invalid key, got %d", o.Status))
		}
		return nil
	})
	if e.stopped(err, "AUTH-INVALID-KEY") {
		return
	}
	// the bad keys again on requests that carry parameters, and on a real cursor: a response
	// cache or a cursor path must not skip the key check
	shapes := []client.Request{{}}
	if f := e.c.Filters(); len(f) > 0 {
		if c := e.getCorpus(ctx); len(c.head) > 0 {
			if v, ok := fieldAt(c.head[0], f[0].Field); ok {
				if s, isStr := v.(string); isStr {
					shapes = append(shapes, c.withPageSize(client.Request{Params: []client.Param{{Name: f[0].Name, Value: s}}}))
				}
			}
			if cur := e.c.Cursor(); cur != nil && c.cursor != "" {
				shapes = append(shapes, c.withPageSize(client.Request{Params: []client.Param{{Name: cur.Name, Value: c.cursor}}}))
			}
		}
	}
	for _, shape := range shapes[1:] {
		// answered once to the valid key first: a response cache keyed by the URL must not
		// hand the same page to a bad key
		prime := shape.WithKey(client.Key{Kind: client.KeyValid})
		prime.Open = true // a cursor already followed may be refused (single-use cursors are allowed)
		if _, _, err := e.send(client.WithTag(ctx, "AUTH-INVALID-KEY"), e, prime); e.stopped(err, "AUTH-INVALID-KEY") {
			return
		}
	}
	for _, k := range []struct {
		id   string
		key  client.Key
		want int
		what string
	}{
		{"AUTH-MISSING-KEY", client.Key{Kind: client.KeyNone}, http.StatusUnauthorized, "a request without a key"},
		{"AUTH-INVALID-KEY", client.Key{Kind: client.KeyValidUpper}, http.StatusUnauthorized, "the valid key in upper case"},
		{"AUTH-INVALID-KEY", client.Key{Kind: client.KeyValidLower}, http.StatusUnauthorized, "the valid key in lower case"},
		{"AUTH-INVALID-KEY", client.Key{Kind: client.KeyLiteral, Literal: "conform-not-a-key"}, http.StatusUnauthorized, "an invalid key"},
		{"AUTH-REVOKED-KEY", client.Key{Kind: client.KeyRevoked}, http.StatusUnauthorized, "a revoked key"},
		{"AUTH-NO-SCOPE", client.Key{Kind: client.KeyNoScope}, http.StatusForbidden, "a key without commissions:read"},
	} {
		if k.key.Kind.EnvVar() != "" && !e.cl.HasKey(k.key.Kind) && k.key.Kind != client.KeyValidUpper && k.key.Kind != client.KeyValidLower {
			e.skip(k.id, k.key.Kind.EnvVar()+" is not set")
			continue
		}
		if e.cl.SameAsValid(k.key) {
			continue // a key without letters has no other case
		}
		for i, shape := range shapes {
			if k.key.Kind == client.KeyNone && i == 0 {
				continue // sent above
			}
			r := shape
			r.Key = k.key
			what := k.what
			if len(r.Params) > 0 {
				what += " on " + r.String()
			}
			if !expect(k.id, r, k.want, what) {
				return
			}
		}
	}
}
