package jsonvalue

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/introw/conform/fixtures"
)

// Benchmarks of decoding a 200 page of GET /api/v1/payouts (component ListPayoutsResponse):
//
//	go test ./suite/jsonvalue/ -run '^$' -bench . -benchmem
//
// BenchmarkDecodePage* time Decode, BenchmarkStdlibPage* what conform's client did before
// (an encoding/json Decoder with UseNumber into any).

// payoutPage is the shared sample page of a server's 200 answer.
func payoutPage(n, seed int) []byte { return fixtures.SamplePage(n, seed) }

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
