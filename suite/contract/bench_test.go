package contract

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/jsonvalue"
)

// Benchmarks of response-schema validation on conformant 200 pages of GET /api/v1/payouts.
//
//	go test ./suite/contract/ -run '^$' -bench . -benchtime=1s
//
// BenchmarkValidatePage* time Response.Validate (the fast path; the page repeats across
// iterations, so the date-pattern cache is warm), *ColdCache empties that cache on every
// iteration (every distinct date string is matched again), *Library is the plain call of the
// library's compiled schema that Validate used to make on every body.

var (
	loadOnce   sync.Once
	loadedSpec *Contract
	loadErr    error
)

// projectContract loads the project's openapi.json once per test binary.
func projectContract() (*Contract, error) {
	loadOnce.Do(func() { loadedSpec, loadErr = Load(conform.OpenAPI) })
	return loadedSpec, loadErr
}

func successResponse(b *testing.B) *Response {
	b.Helper()
	c, err := projectContract()
	if err != nil {
		b.Fatal(err)
	}
	r := c.Response(c.SuccessStatus())
	if ok, why := r.FastPath(); !ok {
		b.Fatalf("the success response has no fast path: %s", why)
	}
	return r
}

// conformantPage is the shared sample page (one piece serves the benchmarks of contract and
// jsonvalue and the differential tests).
func conformantPage(n, seed int) []byte { return fixtures.SamplePage(n, seed) }

// decodeBody decodes a body the way the client does (numbers as json.Number).
func decodeBody(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func mustDecode(b *testing.B, raw []byte) any {
	b.Helper()
	v, err := decodeBody(raw)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func benchValidate(b *testing.B, n int, cold bool) {
	r := successResponse(b)
	body := mustDecode(b, conformantPage(n, 0))
	if vs := r.Validate(body, 3); len(vs) > 0 {
		b.Fatalf("the benchmark page is not conformant: %v", vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		if cold {
			r.schema.fast.resetCaches()
		}
		if r.Validate(body, 3) != nil {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkValidatePage25(b *testing.B)           { benchValidate(b, 25, false) }
func BenchmarkValidatePage100(b *testing.B)          { benchValidate(b, 100, false) }
func BenchmarkValidatePage25ColdCache(b *testing.B)  { benchValidate(b, 25, true) }
func BenchmarkValidatePage100ColdCache(b *testing.B) { benchValidate(b, 100, true) }

func benchLibrary(b *testing.B, n int) {
	r := successResponse(b)
	body := mustDecode(b, conformantPage(n, 0))
	b.ReportAllocs()
	for b.Loop() {
		if err := r.schema.schema.Validate(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidatePage25Library(b *testing.B)  { benchLibrary(b, 25) }
func BenchmarkValidatePage100Library(b *testing.B) { benchLibrary(b, 100) }

func BenchmarkDecodeAndValidatePage25(b *testing.B) {
	r := successResponse(b)
	raw := conformantPage(25, 0)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		body, err := jsonvalue.Decode(raw) // as suite/client decodes every body
		if err != nil {
			b.Fatal(err)
		}
		if r.Validate(body, 3) != nil {
			b.Fatal("invalid")
		}
	}
}
