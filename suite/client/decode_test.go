package client_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/client"
)

// lenient decodes b as encoding/json does with UseNumber, nothing but whitespace after the
// value: the values DecodeJSON must produce on every body it accepts.
func lenient(b []byte) (any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	var rest json.RawMessage
	if err := json.Unmarshal(b, &rest); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeCases are bodies DecodeJSON accepts; the values must be encoding/json's.
var decodeCases = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `"x"`, `[]`, `{}`, " \t\r\n[1, \"a\", null] \n",
	`{"a":{"b":[{"c":[]}, {}]},"d":"\u00e9\ud83d\ude00\n\"\\\/"}`,
	`12345678901234567890`, `1e400`, `-1E-400`, `0.1000000000000000000001`,
	`{"amount":{"value":"4250.00","currency":"USD"},"n":42}`,
	"\"é€😀\"",
}

// rejectedCases are bodies DecodeJSON rejects; strict says whether only the strict rules
// (duplicate names, invalid UTF-8) reject them.
var rejectedCases = map[string]bool{
	`{"a":1,"a":2}`: true,
	`{"pagination":{"nextCursor":null,"nextCursor":"c"}}`: true,
	`{"a":{"b":1},"c":{"b":2,"b":3}}`:                     true,
	"\"\xe9\"":                                            true,
	"{\"name\":\"\xe9t\xe9\"}":                            true,
	`"\ud800"`:                                            true,
	"{\"\xff\":1}":                                        true,
	`{"a":1,"\u0061":2}`:                                  true,
	``:                                                    false,
	`   `:                                                 false,
	`{`:                                                   false,
	`{"a":1,}`:                                            false,
	`[1 2]`:                                               false,
	`{"a":1} {"b":2}`:                                     false,
	`{"a":1}x`:                                            false,
	`01`:                                                  false,
	`+1`:                                                  false,
	`NaN`:                                                 false,
	`'x'`:                                                 false,
	"\"a\tb\"":                                            false,
	"\ufeff{}":                                            false,
	`{"a":1,"a":2`:                                        false,
}

var _ = Describe("DecodeJSON", func() {
	It("decodes a body into encoding/json's values, numbers as json.Number", func() {
		for _, c := range append(decodeCases, string(fixtures.SamplePage(25, 0)), string(fixtures.SamplePage(0, 1))) {
			got, err := client.DecodeJSON([]byte(c))
			Expect(err).NotTo(HaveOccurred(), c)
			want, err := lenient([]byte(c))
			Expect(err).NotTo(HaveOccurred(), c)
			Expect(reflect.DeepEqual(got, want)).To(BeTrue(), "%s: got %#v, want %#v", c, got, want)
		}
	})

	It("keeps a number's literal, so the schema's integer and bounds checks stay exact", func() {
		got, err := client.DecodeJSON([]byte(`[12345678901234567890, 1e400, 0.1000000000000000000001, -0]`))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]any{json.Number("12345678901234567890"), json.Number("1e400"),
			json.Number("0.1000000000000000000001"), json.Number("-0")}))
	})

	It("rejects a body with a duplicate member name or invalid UTF-8 as not acceptable JSON", func() {
		for c, strict := range rejectedCases {
			_, err := client.DecodeJSON([]byte(c))
			Expect(err).To(HaveOccurred(), "%q", c)
			if strict {
				Expect(err.Error()).To(HavePrefix("not acceptable JSON (RFC 8259 §4 and §8.1, RFC 7493): "), "%q", c)
			} else {
				Expect(err.Error()).NotTo(ContainSubstring("not acceptable"), "%q", c)
			}
		}
	})

	It("accepts nesting to encoding/json's depth limit and no deeper", func() {
		_, err := client.DecodeJSON([]byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)))
		Expect(err).NotTo(HaveOccurred())
		_, err = client.DecodeJSON([]byte(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)))
		Expect(err).To(HaveOccurred())
	})
})

// FuzzDecodeJSON holds DecodeJSON to the libraries on arbitrary bytes: it accepts exactly
// what jsontext's strict validation accepts, with encoding/json's values (UseNumber), and says
// "not acceptable JSON" exactly when only the strict rules reject the body.
//
//	go test ./suite/client/ -run '^$' -fuzz FuzzDecodeJSON -fuzztime 1m
func FuzzDecodeJSON(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	for c := range rejectedCases {
		f.Add([]byte(c))
	}
	f.Add(fixtures.SamplePage(3, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := client.DecodeJSON(b)
		if valid := jsontext.Value(b).IsValid(); valid != (err == nil) {
			t.Fatalf("jsontext says valid %v, DecodeJSON error %v on %q", valid, err, b)
		}
		lenientOK := jsontext.Value(b).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		if err != nil {
			if strict := strings.HasPrefix(err.Error(), "not acceptable JSON"); strict != lenientOK {
				t.Fatalf("only the strict rules reject %q: %v, but the error is %v", b, lenientOK, err)
			}
			return
		}
		want, lerr := lenient(b)
		if lerr != nil {
			t.Fatalf("DecodeJSON accepts %q, encoding/json does not: %v", b, lerr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeJSON %#v, encoding/json %#v on %q", got, want, b)
		}
	})
}

// Benchmarks of decoding a 200 page of GET /api/v1/payouts, as the client decodes every body:
//
//	go test ./suite/client/ -run '^$' -bench DecodeJSON -benchmem
func benchDecode(b *testing.B, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.DecodeJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJSONPage25(b *testing.B)  { benchDecode(b, fixtures.SamplePage(25, 0)) }
func BenchmarkDecodeJSONPage100(b *testing.B) { benchDecode(b, fixtures.SamplePage(100, 0)) }
