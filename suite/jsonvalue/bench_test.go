package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// Benchmarks of decoding a 200 page of GET /api/v1/payouts (component ListPayoutsResponse):
//
//	go test ./suite/jsonvalue/ -run '^$' -bench . -benchmem
//
// BenchmarkDecodePage* time Decode, BenchmarkStdlibPage* what conform's client did before
// (an encoding/json Decoder with UseNumber into any).

var benchStages = []string{"DRAFT", "PENDING_REVIEW", "PENDING_INVOICE", "APPROVED", "SCHEDULED",
	"PENDING_PAYMENT", "PAID", "DECLINED", "POSTPONED", "BLOCKED", "FAILED"}

// payoutPage renders a page of n payouts the way a server would (as suite/contract's
// benchmarks do): string ids, nested partner and amount objects, nullable fields null on some
// items, ISO 8601 instants, and a next cursor.
func payoutPage(n int, seed int) []byte {
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

// stdlibDecode is the client's former decoding: a Decoder with UseNumber into any.
func stdlibDecode(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func benchDecode(b *testing.B, raw []byte, decode func([]byte) (any, error)) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePage25(b *testing.B)  { benchDecode(b, payoutPage(25, 0), Decode) }
func BenchmarkStdlibPage25(b *testing.B)  { benchDecode(b, payoutPage(25, 0), stdlibDecode) }
func BenchmarkDecodePage100(b *testing.B) { benchDecode(b, payoutPage(100, 0), Decode) }
func BenchmarkStdlibPage100(b *testing.B) { benchDecode(b, payoutPage(100, 0), stdlibDecode) }

// escapedPage is the 25-item page pretty-printed and with every ASCII letter 'a' in a
// string written as the escape \u0061: the slow string path and whitespace skipping.
func escapedPage() []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, payoutPage(25, 0), "", "  "); err != nil {
		panic(err)
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte("a"), []byte(`\u0061`))
}

func BenchmarkDecodePage25Escaped(b *testing.B) { benchDecode(b, escapedPage(), Decode) }
func BenchmarkStdlibPage25Escaped(b *testing.B) { benchDecode(b, escapedPage(), stdlibDecode) }
