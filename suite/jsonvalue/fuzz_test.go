package jsonvalue

import (
	"strings"
	"testing"
)

// FuzzDecode compares Decode (and its fast parser alone) with encoding/json (a Decoder with
// UseNumber, nothing but whitespace after the value) on arbitrary bytes: the same verdict,
// the same value on valid input, encoding/json's error on invalid input.
//
//	go test ./suite/jsonvalue/ -run '^$' -fuzz FuzzDecode -fuzztime 1m
func FuzzDecode(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	for _, c := range invalidCases {
		f.Add([]byte(c))
	}
	f.Add(payoutPage(3, 0))
	f.Add(payoutPage(25, 0))
	f.Add(escapedPage())
	f.Add([]byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)))
	f.Add([]byte(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)))
	f.Add([]byte(strings.Repeat(`{"a":`, 3) + `"\uD83D\uDE00\ud800x\xff"` + strings.Repeat("}", 3)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d := disagreement(b); d != "" {
			t.Fatal(d)
		}
	})
}
