package engine

import (
	"testing"

	"pgregory.net/rapid"

	conform "github.com/introw/conform"
	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// BenchmarkGenerateRequest measures drawing one request of valid parameter values (a filter
// combination with data-derived values, as the filter property does) from a seed.
func BenchmarkGenerateRequest(b *testing.B) {
	c, err := contract.Load(conform.OpenAPI)
	if err != nil {
		b.Fatal(err)
	}
	e := &Engine{c: c}
	at, _ := instant.Parse("2024-02-29T00:00:00.000Z")
	pool := generators.Pool{
		Values:   map[string][]string{"partnerId": {"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8", "ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J9"}},
		Instants: map[string][]instant.Instant{"periodStart": {at}, "periodEnd": {at.Shift(86399e9)}},
	}
	gen := rapid.Custom(func(t *rapid.T) string { return e.validRequest(t, pool).Query() })
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = gen.Example(i)
	}
}
