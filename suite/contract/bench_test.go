package contract

import (
	"sync"
	"testing"

	conform "github.com/introw/conform"
	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/client"
)

// Benchmarks of response-schema validation on conformant 200 pages of GET /api/v1/payouts.
//
//	go test ./suite/contract/ -run '^$' -bench . -benchtime=1s
//
// BenchmarkValidatePage* time Response.Validate (the library's compiled schema),
// BenchmarkDecodeAndValidatePage25 what the run spends on every 200 page: client.DecodeJSON,
// then Validate.

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
	return c.Response(c.SuccessStatus())
}

// conformantPage is the shared sample page of a server's 200 answer.
func conformantPage(n, seed int) []byte { return fixtures.SamplePage(n, seed) }

func benchValidate(b *testing.B, n int) {
	r := successResponse(b)
	body, err := client.DecodeJSON(conformantPage(n, 0))
	if err != nil {
		b.Fatal(err)
	}
	if vs := r.Validate(body, 3); len(vs) > 0 {
		b.Fatalf("the benchmark page is not conformant: %v", vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r.Validate(body, 3) != nil {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkValidatePage25(b *testing.B)  { benchValidate(b, 25) }
func BenchmarkValidatePage100(b *testing.B) { benchValidate(b, 100) }

func BenchmarkDecodeAndValidatePage25(b *testing.B) {
	r := successResponse(b)
	raw := conformantPage(25, 0)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		body, err := client.DecodeJSON(raw) // as suite/client decodes every body
		if err != nil {
			b.Fatal(err)
		}
		if r.Validate(body, 3) != nil {
			b.Fatal("invalid")
		}
	}
}
