package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/introw/conform/suite/jsonvalue"
	"sync"
	"testing"
	"time"

	conform "github.com/introw/conform"
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

var benchStages = []string{"DRAFT", "PENDING_REVIEW", "PENDING_INVOICE", "APPROVED", "SCHEDULED",
	"PENDING_PAYMENT", "PAID", "DECLINED", "POSTPONED", "BLOCKED", "FAILED"}

// conformantPage renders a conformant page of n payouts the way a server would: distinct ids
// and creation instants, a handful of partners, quarterly periods, nullable fields null on
// some items.
func conformantPage(n int, seed int) []byte {
	type partner struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type amount struct {
		Value    string `json:"value"`
		Currency string `json:"currency"`
	}
	type payout struct {
		ID          string  `json:"id"`
		Partner     partner `json:"partner"`
		BatchID     *string `json:"batchId"`
		PeriodStart string  `json:"periodStart"`
		PeriodEnd   string  `json:"periodEnd"`
		Amount      amount  `json:"amount"`
		Stage       string  `json:"stage"`
		PONumber    *string `json:"poNumber"`
		CreatedAt   string  `json:"createdAt"`
		UpdatedAt   string  `json:"updatedAt"`
	}
	const layout = "2006-01-02T15:04:05.000Z"
	quarters := [][2]string{
		{"2026-01-01T00:00:00.000Z", "2026-03-31T23:59:59.000Z"},
		{"2026-04-01T00:00:00.000Z", "2026-06-30T23:59:59.000Z"},
		{"2026-07-01T00:00:00.000Z", "2026-09-30T23:59:59.000Z"},
		{"2026-10-01T00:00:00.000Z", "2026-12-31T23:59:59.000Z"},
	}
	base := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC).Add(time.Duration(seed) * time.Hour)
	page := struct {
		Data       []payout `json:"data"`
		Pagination struct {
			NextCursor *string `json:"nextCursor"`
		} `json:"pagination"`
	}{Data: []payout{}}
	for i := range n {
		k := seed*1000 + i
		p := payout{
			ID:          fmt.Sprintf("pay_%024x", k*7919+1),
			Partner:     partner{ID: fmt.Sprintf("ptn_%022d", k%5), Name: fmt.Sprintf("Partner %d", k%5)},
			PeriodStart: quarters[k%4][0],
			PeriodEnd:   quarters[k%4][1],
			Amount:      amount{Value: fmt.Sprintf("%d.%02d", 100+k*37%9000, k%100), Currency: []string{"USD", "EUR", "GBP"}[k%3]},
			Stage:       benchStages[k%len(benchStages)],
			CreatedAt:   base.Add(time.Duration(k) * 37 * time.Minute).Format(layout),
			UpdatedAt:   base.Add(time.Duration(k)*37*time.Minute + time.Duration(k%7)*time.Hour).Format(layout),
		}
		if k%3 != 0 {
			s := fmt.Sprintf("pbt_%024x", k/10)
			p.BatchID = &s
		}
		if k%4 == 1 {
			s := fmt.Sprintf("PO-%d", k)
			p.PONumber = &s
		}
		page.Data = append(page.Data, p)
	}
	if n > 0 {
		s := "cur_" + page.Data[n-1].ID
		page.Pagination.NextCursor = &s
	}
	raw, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	return raw
}

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
