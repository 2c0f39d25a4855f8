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
		if ok && o.Status != http.StatusUnauthorized {
			x.add(e.finding("AUTH-INVALID-KEY", o, "expected 401 for an invalid key, got %d", o.Status))
		}
		return nil
	})
	if e.stopped(err, "AUTH-INVALID-KEY") {
		return
	}
	for _, k := range []struct {
		id   string
		kind client.KeyKind
		want int
		what string
	}{
		{"AUTH-REVOKED-KEY", client.KeyRevoked, http.StatusUnauthorized, "a revoked key"},
		{"AUTH-NO-SCOPE", client.KeyNoScope, http.StatusForbidden, "a key without commissions:read"},
	} {
		if !e.cl.HasKey(k.kind) {
			e.skip(k.id, k.kind.EnvVar()+" is not set")
			continue
		}
		if !expect(k.id, client.Request{Key: client.Key{Kind: k.kind}}, k.want, k.what) {
			return
		}
	}
}
