package contract_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite/contract"
)

// FuzzLoad feeds Load arbitrary bytes: it must never panic (not even in a goroutine of the
// OpenAPI library, which would kill the process) and must return either a usable contract or
// an error that wraps ErrSpec, which the CLI turns into exit 2.
func FuzzLoad(f *testing.F) {
	f.Add(conform.OpenAPI)
	if b, err := os.ReadFile(filepath.Join("testdata", "keywords.openapi.json")); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"   \n\t",
		"\x00\x01\x02 not a spec {[",
		"null",
		"[]",
		`{}`,
		`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`,
		`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`,
		`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`,
		`{"openapi":3.1,"info":"x","paths":[]}`,
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /api/v1/payouts:\n    get:\n      operationId: listPayouts\n      responses: {'200': {description: ok}}\n",
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/payouts:\n    get:\n      responses: {'200': {description: ok}}\n  /b/payouts:\n    get:\n      responses: {'200': {description: ok}}\n",
		// a self-referencing schema and a dangling reference
		`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/api/v1/payouts":{"get":{"operationId":"listPayouts","parameters":[{"name":"limit","in":"query","schema":{"$ref":"#/components/schemas/L"}}],"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}},"components":{"schemas":{"L":{"$ref":"#/components/schemas/L"}}}}`,
		// YAML anchors and aliases (a small "billion laughs")
		"openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-a: &a [1,1,1,1,1,1,1,1]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\npaths: {}\n",
	} {
		f.Add([]byte(s))
	}
	// the project's spec with its operation renamed away, and cut in half
	f.Add([]byte(strings.ReplaceAll(string(conform.OpenAPI), "listPayouts", "listSomethingElse")))
	f.Add(conform.OpenAPI[:len(conform.OpenAPI)/2])

	f.Fuzz(func(t *testing.T, spec []byte) {
		if len(spec) > 1<<20 {
			t.Skip("larger than any spec worth parsing in a fuzz run")
		}
		c, err := contract.Load(spec)
		if err != nil {
			if c != nil {
				t.Fatalf("Load returned both a contract and an error: %v", err)
			}
			if !errors.Is(err, contract.ErrSpec) {
				t.Fatalf("Load error does not wrap ErrSpec (the CLI would not map it to exit 2): %v", err)
			}
			return
		}
		if c == nil {
			t.Fatal("Load returned neither a contract nor an error")
		}
		if c.Method != "GET" || c.Path == "" || !strings.HasPrefix(c.OpenAPIVersion, "3.1") {
			t.Fatalf("Load accepted a spec without a usable GET operation: method %q path %q version %q", c.Method, c.Path, c.OpenAPIVersion)
		}
	})
}
