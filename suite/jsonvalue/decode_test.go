package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"
)

// reference decodes b with encoding/json alone, the way conform's client did: a Decoder
// with UseNumber into any; and nothing but JSON whitespace may follow the value.
func reference(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if rest := bytes.TrimLeft(b[d.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("trailing data %q", rest[:min(len(rest), 10)])
	}
	return v, nil
}

// disagreement compares Decode (and its fast parser alone) with encoding/json on b and
// describes the first difference, or returns "".
func disagreement(b []byte) string {
	want, wantErr := reference(b)
	valid := wantErr == nil
	if json.Valid(b) != valid { // the reference itself, checked against encoding/json's scanner
		return fmt.Sprintf("reference verdict %v but json.Valid %v on %q", valid, !valid, clip(b))
	}
	fast, fastOK := parse(b)
	if fastOK != valid {
		return fmt.Sprintf("fast parser verdict %v, encoding/json %v (%v) on %q", fastOK, valid, wantErr, clip(b))
	}
	if valid && !reflect.DeepEqual(fast, want) {
		return fmt.Sprintf("fast parser decoded %#v, encoding/json %#v from %q", fast, want, clip(b))
	}
	got, err := Decode(b)
	if (err == nil) != valid {
		return fmt.Sprintf("Decode error %v, encoding/json error %v on %q", err, wantErr, clip(b))
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("Decode returned %#v, encoding/json %#v from %q", got, want, clip(b))
	}
	if !valid && !strings.HasPrefix(wantErr.Error(), "trailing data") && err.Error() != wantErr.Error() {
		return fmt.Sprintf("Decode error %q, encoding/json's %q on %q", err, wantErr, clip(b))
	}
	return ""
}

// checkMany runs a rapid property over rounds × rapid's -rapid.checks (100 by default)
// random inputs, each round with a new seed (unless -rapid.seed fixes one).
func checkMany(prop func(*rapid.T)) {
	GinkgoHelper()
	for range rounds {
		rapid.Check(GinkgoT(), prop)
	}
}

const rounds = 30

func clip(b []byte) []byte {
	if len(b) > 300 {
		return append(append([]byte{}, b[:300]...), "..."...)
	}
	return b
}

func expectAgreement(b []byte) {
	GinkgoHelper()
	Expect(disagreement(b)).To(BeEmpty())
}

// validCases are documents encoding/json accepts, each an edge of the grammar or of the
// decoding.
var validCases = []string{
	`null`, `true`, `false`, " \t\n\rnull\r\n\t ", "\n[\n1\n,\n2\n]\n",
	`0`, `-0`, `1`, `-1`, `10`, `123456789012345678901234567890`, `-9223372036854775809`,
	`1.5`, `-0.0`, `0.000001`, `1e5`, `1E5`, `1e+5`, `1e-5`, `1.5E-10`, `0e0`, `0.0e00`, `-0E+0`,
	`1e400`, `123.456e789`,
	`""`, `"a"`, `"hello world"`, `"\"\\\/\b\f\n\r\t"`, `"\u0000"`, `"\u001f"`, `"\u0041\u00e9\u4e2d"`,
	`"\u00E9\u00e9"`, `"\uFFFD"`, `"\uFFFF"`, `"\uFEFF"`,
	`"\uD83D\uDE00"`, `"\ud83d\ude00"`, `"\uDBFF\uDFFF"`, `"\uD800\uDC00"`,
	`"\uD83D"`, `"\uDE00"`, `"\uD83D\uD83D"`, `"\uD83D\uD83D\uDE00"`, `"\uD83D\u0041"`, `"\uD83Dx"`,
	`"\uDE00\uD83D"`, `"\uD83D\uDE00\uDE00"`, `"\uD83D\\"`, `"\uD83D\""`, `"\uD83D\n"`, `"x\uD83D"`,
	`"\uD83D\uFFFD"`, `"\uD83D\/"`,
	`"é"`, `"😀"`, `"中文"`, "\"\x7f\"", "\"\u2028\u2029\"",
	"\"\xff\"", "\"\x80abc\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\xe2\x82\"", "\"\xf4\x90\x80\x80\"",
	"\"\xf0\x9f\x98\"", "\"a\xffb\\n\xfe\"", "\"\xff\\u0041\"", "\"\\u0041\xff\"", "\"\xc3\"", "\"\xc3\xa9\xa9\"",
	"{\"\xff\":1}", "{\"\xff\":1,\"\xfe\":2}", "{\"\\uFFFD\":1,\"\xff\":2}",
	`[]`, `{}`, `[ ]`, `{ }`, "[\n]", "{\t}", `[[]]`, `[{}]`, `{"a":[]}`, `{"a":{}}`,
	`[1,2,3]`, `[null,true,false,"",0,[],{}]`, `{"a":1}`, ` { "a" : 1 , "b" : [ 1 , 2 ] } `,
	`{"a":1,"a":2}`, `{"a":{"b":1},"a":[1]}`, `{"a":1,"b":2,"a":null}`, `{"":""}`, `{"":1,"":2}`,
	`{"\u0061":1,"a":2}`, `{"a\u0000b":1}`, `{"\uD83D":1,"\uDE00":2}`,
	`{"a":{"a":{"a":{"a":{"a":[[[[["deep"]]]]]}}}}}`,
	`[1e1,-1E-1,0.5,-0.5,100,1E+2]`, `["a","b","a"]`,
}

// invalidCases are documents encoding/json rejects (or, for the trailing-data ones, where
// conform rejects what follows the first value).
var invalidCases = []string{
	``, ` `, "\n\t\r ", `nul`, `nulll`, `n`, `tru`, `truee`, `fals`, `True`, `NULL`, `FALSE`, `undefined`,
	`+1`, `01`, `-01`, `00`, `.5`, `-.5`, `1.`, `1.e5`, `1e`, `1e+`, `1E-`, `1e.5`, `-`, `--1`, `- 1`,
	`0x10`, `Infinity`, `-Infinity`, `NaN`, `1_000`, `1.5.5`, `1e5e5`, `١`,
	`1 2`, `{} {}`, `[] x`, `"a" "b"`, `null ]`, `null }`, `1,`, `"a":1`, `[1]]`, `{}}`, "1\x00", "[]\x00",
	`"abc`, `"`, `"\"`, `"\x"`, `"\'"`, `"\a"`, `"\u12"`, `"\u12"x`, `"\uGHIJ"`, `"\u-123"`, `"\U0041"`,
	`"\uD83D\uDE0"`, `"\uD83D\u"`, `"\`, "\"\x00\"", "\"\x1f\"", "\"\t\"", "\"\n\"", "\"a\rb\"",
	`[1,]`, `[,1]`, `[1 2]`, `[,]`, `[`, `]`, `{`, `}`, `[1`, `[1,`, `{"a":1`, `{"a":`, `{"a"`, `{"a`,
	`{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{a:1}`, `{'a':1}`, `{1:1}`, `{null:1}`, `{"a" 1}`, `{"a"::1}`,
	`{"a":1 "b":2}`, `{"a":1,,"b":2}`, `[1,,2]`, `['a']`,
	"\f1", "1\f", "\v1", "\u00a01", "1\u00a0", "\xef\xbb\xbf{}", "\xff", "\x00", `/* */1`, "// c\n1",
	`{"a":tru}`, `[nul]`, `[-]`, `{"a":01}`, `[1.]`, `{"a":"\x"}`, "[\"\x01\"]", "{\"\x01\":1}",
}

var _ = Describe("Decode", func() {
	It("agrees with encoding/json on every valid edge case, without falling back", func() {
		for _, c := range validCases {
			_, ok := parse([]byte(c))
			Expect(ok).To(BeTrue(), "%q", c)
			expectAgreement([]byte(c))
		}
	})

	It("rejects every invalid edge case with encoding/json's verdict and error", func() {
		for _, c := range invalidCases {
			_, err := Decode([]byte(c))
			Expect(err).To(HaveOccurred(), "%q", c)
			expectAgreement([]byte(c))
		}
	})

	It("decodes escapes, surrogates and invalid UTF-8 as encoding/json does", func() {
		cases := map[string]any{
			`"\uD83D\uDE00"`:           "😀",
			`"\uD83D"`:                 "\uFFFD",
			`"\uD83D\u0041"`:           "\uFFFDA",
			`"\uD83D\uD83D\uDE00"`:     "\uFFFD😀",
			"\"\xed\xa0\x80\"":         "\uFFFD\uFFFD\uFFFD",
			"\"a\xffb\"":               "a\uFFFDb",
			`"\"\\\/\b\f\n\r\t"`:       "\"\\/\b\f\n\r\t",
			"{\"\xff\":1,\"\xfe\":2}":  map[string]any{"\uFFFD": json.Number("2")},
			`{"a":1,"b":[true,null]}`:  map[string]any{"a": json.Number("1"), "b": []any{true, nil}},
			`{"a":1,"a":{"x":-0.5e3}}`: map[string]any{"a": map[string]any{"x": json.Number("-0.5e3")}},
			`[]`:                       []any{},
			`{}`:                       map[string]any{},
		}
		for in, want := range cases {
			v, err := Decode([]byte(in))
			Expect(err).NotTo(HaveOccurred(), "%q", in)
			Expect(v).To(Equal(want), "%q", in)
			expectAgreement([]byte(in))
		}
	})

	It("returns encoding/json's errors", func() {
		var syn *json.SyntaxError
		_, err := Decode([]byte(`{"a":1,}`))
		Expect(errors.As(err, &syn)).To(BeTrue())
		Expect(err.Error()).To(Equal("invalid character '}' looking for beginning of object key string"))
		_, err = Decode([]byte(`{"a":1} x`))
		Expect(errors.As(err, &syn)).To(BeTrue())
		Expect(err.Error()).To(Equal("invalid character 'x' after top-level value"))
		Expect(syn.Offset).To(BeEquivalentTo(9))
		_, err = Decode([]byte(`[1,2`))
		Expect(err).To(HaveOccurred())
	})

	It("agrees on the nesting depth limit (10000 levels)", func() {
		nest := func(n int, open, close, inner string) []byte {
			return []byte(strings.Repeat(open, n) + inner + strings.Repeat(close, n))
		}
		for _, n := range []int{9999, 10000, 10001, 10002, 20000} {
			expectAgreement(nest(n, "[", "]", ""))
			expectAgreement(nest(n, "[", "]", "1"))
			expectAgreement(nest(n, `{"a":`, "}", "null"))
			expectAgreement(nest(n/2, `[{"k":`, "}]", "[]"))
			expectAgreement([]byte(strings.Repeat("[", n))) // unclosed
		}
		_, ok := parse(nest(10000, "[", "]", ""))
		Expect(ok).To(BeTrue())
		_, err := Decode(nest(10001, "[", "]", ""))
		Expect(err).To(MatchError(ContainSubstring("exceeded max depth")))
		// depth is the current nesting, not the number of containers
		expectAgreement([]byte(strings.Repeat("[[]],", 20000) + "[]")) // trailing data, invalid
		expectAgreement([]byte("[" + strings.Repeat("[[]],", 20000) + "[]]"))
	})

	It("agrees on the payouts page, on every prefix of a small page and on a sample of the large one", func() {
		for _, n := range []int{0, 1, 25, 100} {
			page := payoutPage(n, 3)
			_, ok := parse(page)
			Expect(ok).To(BeTrue())
			expectAgreement(page)
		}
		small := payoutPage(2, 1)
		for i := range len(small) {
			expectAgreement(small[:i])
		}
		page := payoutPage(25, 0)
		for i := 0; i < len(page); i += 97 {
			expectAgreement(page[:i])
		}
		expectAgreement(escapedPage())
	})

	It("does not keep or depend on the input slice", func() {
		b := []byte(`{"id":"pay_1","n":12,"s":"a\u0062c"}`)
		v, err := Decode(b)
		Expect(err).NotTo(HaveOccurred())
		for i := range b {
			b[i] = 'x'
		}
		Expect(v).To(Equal(map[string]any{"id": "pay_1", "n": json.Number("12"), "s": "abc"}))
	})

	It("is safe for concurrent use", func() {
		docs := [][]byte{payoutPage(25, 0), payoutPage(5, 2), escapedPage(), []byte(validCases[40]), []byte(`[1,`)}
		var wg sync.WaitGroup
		diffs := make(chan string, 64)
		for g := range 8 {
			wg.Go(func() {
				for i := range 50 {
					if d := disagreement(docs[(g+i)%len(docs)]); d != "" {
						diffs <- d
						return
					}
				}
			})
		}
		wg.Wait()
		close(diffs)
		Expect(diffs).To(BeEmpty())
	})

	It("agrees with encoding/json on random JSON text, valid and not", func() {
		checkMany(func(t *rapid.T) {
			doc := genDoc(t)
			if d := disagreement(doc); d != "" {
				t.Fatalf("%s", d)
			}
		})
	})

	It("decodes random Go values as encoding/json does after json.Marshal", func() {
		checkMany(func(t *rapid.T) {
			b, err := json.Marshal(genValue(3).Draw(t, "value"))
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			if _, ok := parse(b); !ok {
				t.Fatalf("fast parser rejected %q", b)
			}
			if d := disagreement(b); d != "" {
				t.Fatalf("%s", d)
			}
		})
	})

	It("agrees with encoding/json on mutated and truncated valid documents", func() {
		seeds := [][]byte{payoutPage(3, 0), []byte(validCases[len(validCases)-3])}
		for _, c := range validCases {
			seeds = append(seeds, []byte(c))
		}
		checkMany(func(t *rapid.T) {
			var doc []byte
			if rapid.Bool().Draw(t, "generated") {
				doc = genValidDoc(t)
			} else {
				doc = rapid.SampledFrom(seeds).Draw(t, "seed")
			}
			doc = mutate(t, doc)
			if d := disagreement(doc); d != "" {
				t.Fatalf("%s", d)
			}
		})
	})
})

// interestingBytes are the bytes a mutation prefers: structure, escapes, number characters,
// whitespace (valid and not), control characters and bytes that are not UTF-8.
var interestingBytes = []byte("\"\\,:[]{} \t\n\r\f\v0123456789-+.eEuUtrfnlsaxbD/'\x00\x01\x1f\x7f\x80\xbf\xc3\xed\xf0\xff")

// mutate applies one to four random edits to a copy of doc: replace, insert or delete a
// byte, truncate, duplicate or drop a span, or append data.
func mutate(t *rapid.T, doc []byte) []byte {
	b := append([]byte{}, doc...)
	for range rapid.IntRange(1, 4).Draw(t, "edits") {
		pos := rapid.IntRange(0, len(b)).Draw(t, "pos")
		pick := func() byte {
			if rapid.IntRange(0, 3).Draw(t, "random byte") == 0 {
				return rapid.Byte().Draw(t, "byte")
			}
			return rapid.SampledFrom(interestingBytes).Draw(t, "interesting")
		}
		switch rapid.IntRange(0, 6).Draw(t, "edit") {
		case 0:
			if pos < len(b) {
				b[pos] = pick()
			}
		case 1:
			b = append(b[:pos], append([]byte{pick()}, b[pos:]...)...)
		case 2:
			if pos < len(b) {
				b = append(b[:pos], b[pos+1:]...)
			}
		case 3:
			b = b[:pos]
		case 4:
			end := rapid.IntRange(pos, min(len(b), pos+12)).Draw(t, "end")
			b = append(b[:end], append(append([]byte{}, b[pos:end]...), b[end:]...)...)
		case 5:
			end := rapid.IntRange(pos, min(len(b), pos+12)).Draw(t, "end")
			b = append(b[:pos], b[end:]...)
		case 6:
			b = append(b, rapid.SampledFrom([]string{" ", "\n", "x", "1", "]", "}", ",", " null", "\x00", "\xff"}).Draw(t, "tail")...)
		}
	}
	return b
}

// docGen writes random JSON text. With sloppy set, every token is occasionally replaced by
// a malformed one (so most sloppy documents are invalid in one place or a few); without it
// the text is valid JSON, and exercises the grammar's corners: whitespace, escapes,
// surrogates, invalid UTF-8 in strings, duplicate keys, number forms.
type docGen struct {
	t      *rapid.T
	sloppy bool
	keys   []string
}

func genDoc(t *rapid.T) []byte {
	return (&docGen{t: t, sloppy: rapid.Bool().Draw(t, "sloppy")}).doc()
}

func genValidDoc(t *rapid.T) []byte { return (&docGen{t: t}).doc() }

func (g *docGen) doc() []byte {
	b := g.ws(nil)
	b = g.value(b, 0)
	b = g.ws(b)
	if g.rare() {
		b = append(b, rapid.SampledFrom([]string{"x", "1", "]", "}", ",", "null", "\x00", `""`, "[]"}).Draw(g.t, "trailing")...)
	}
	return b
}

// rare is true, only when sloppy, for about one token in 30.
func (g *docGen) rare() bool {
	return g.sloppy && rapid.IntRange(0, 29).Draw(g.t, "rare") == 0
}

func (g *docGen) ws(b []byte) []byte {
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{"\f", "\v", "\x00", "\u00a0", "\xef\xbb\xbf", "\x85", "/**/"}).Draw(g.t, "bad ws")...)
	}
	return append(b, rapid.SampledFrom([]string{"", "", "", "", " ", "\n", "\t", "\r\n", "  ", " \t\r\n "}).Draw(g.t, "ws")...)
}

func (g *docGen) value(b []byte, depth int) []byte {
	kinds := 3
	if depth < 4 {
		kinds = 5
	}
	switch rapid.IntRange(0, kinds-1).Draw(g.t, "kind") {
	case 0:
		return g.literal(b)
	case 1:
		return g.number(b)
	case 2:
		return g.str(b)
	case 3:
		return g.array(b, depth)
	default:
		return g.object(b, depth)
	}
}

func (g *docGen) literal(b []byte) []byte {
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{"tru", "nul", "fals", "True", "NULL", "nulll", "t", "undefined", "NaN", "truefalse"}).Draw(g.t, "bad literal")...)
	}
	return append(b, rapid.SampledFrom([]string{"true", "false", "null"}).Draw(g.t, "literal")...)
}

func (g *docGen) number(b []byte) []byte {
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{"+1", "01", "-01", "00", ".5", "-.5", "1.", "1.e5", "1e", "1e+", "1E-",
			"-", "--1", "0x10", "Infinity", "-Infinity", "1_0", "1.5.5", "1e5e5", "- 1", "0.e1", "١"}).Draw(g.t, "bad number")...)
	}
	if rapid.Bool().Draw(g.t, "negative") {
		b = append(b, '-')
	}
	if rapid.IntRange(0, 3).Draw(g.t, "zero") == 0 {
		b = append(b, '0')
	} else {
		b = append(b, rapid.StringMatching(`[1-9][0-9]{0,25}`).Draw(g.t, "int")...)
	}
	if rapid.Bool().Draw(g.t, "frac") {
		b = append(b, '.')
		b = append(b, rapid.StringMatching(`[0-9]{1,20}`).Draw(g.t, "frac digits")...)
	}
	if rapid.Bool().Draw(g.t, "exp") {
		b = append(b, rapid.SampledFrom([]string{"e", "E", "e+", "E+", "e-", "E-"}).Draw(g.t, "e")...)
		b = append(b, rapid.StringMatching(`[0-9]{1,4}`).Draw(g.t, "exp digits")...)
	}
	return b
}

func (g *docGen) str(b []byte) []byte {
	b = append(b, '"')
	for range rapid.IntRange(0, 8).Draw(g.t, "pieces") {
		b = g.piece(b)
	}
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{"", `\`, `\"`, "\x00", "\n"}).Draw(g.t, "bad end")...) // unterminated
	}
	return append(b, '"')
}

func hex4(r int, upper bool) string {
	if upper {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// piece writes one part of a string's content.
func (g *docGen) piece(b []byte) []byte {
	t := g.t
	if g.rare() {
		bad := rapid.SampledFrom([]string{"\x00", "\x01", "\t", "\n", "\r", "\x1f", `\x`, `\'`, `\a`, `\U0041`, `\u12`, `\uGHIJ`,
			`\u-123`, `\u00`, `\ `, `\0`}).Draw(t, "bad piece")
		return append(b, bad...)
	}
	upper := rapid.Bool().Draw(t, "upper hex")
	switch rapid.IntRange(0, 7).Draw(t, "piece") {
	case 0: // printable ASCII but '"' and '\\'
		return append(b, rapid.StringMatching(`[ !#-\[\]-~]{0,12}`).Draw(t, "ascii")...)
	case 1: // any rune, escaped where JSON requires it
		r := rapid.Rune().Draw(t, "rune")
		switch {
		case r < 0x20:
			return append(b, hex4(int(r), upper)...)
		case r == '"' || r == '\\':
			return append(b, '\\', byte(r))
		}
		return append(b, string(r)...)
	case 2: // a short escape
		return append(b, rapid.SampledFrom([]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`}).Draw(t, "escape")...)
	case 3: // \u of any BMP code unit, surrogates included
		return append(b, hex4(rapid.IntRange(0, 0xFFFF).Draw(t, "unit"), upper)...)
	case 4: // \u of a surrogate range boundary or a pair
		switch rapid.IntRange(0, 4).Draw(t, "surrogate") {
		case 0: // a valid pair
			r := rapid.IntRange(0x10000, 0x10FFFF).Draw(t, "supplementary")
			r -= 0x10000
			return append(b, hex4(0xD800+r>>10, upper)+hex4(0xDC00+r&0x3FF, upper)...)
		case 1: // a lone high surrogate, then anything
			return append(b, hex4(rapid.IntRange(0xD800, 0xDBFF).Draw(t, "high"), upper)...)
		case 2: // a lone low surrogate
			return append(b, hex4(rapid.IntRange(0xDC00, 0xDFFF).Draw(t, "low"), upper)...)
		case 3: // high, high
			return append(b, hex4(0xD83D, upper)+hex4(0xD83D, upper)...)
		default: // reversed
			return append(b, hex4(0xDE00, upper)+hex4(0xD83D, upper)...)
		}
	case 5: // bytes that are not UTF-8 (encoding/json replaces each with U+FFFD)
		return append(b, rapid.SampledFrom([]string{"\x80", "\xbf", "\xff", "\xfe", "\xc0\xaf", "\xc1\xbf", "\xed\xa0\x80",
			"\xed\xbf\xbf", "\xe2\x82", "\xf4\x90\x80\x80", "\xf0\x9f\x98", "\xc3", "\xf8\x88\x80\x80\x80"}).Draw(t, "invalid utf8")...)
	case 6: // valid multi-byte UTF-8 at the edges of its ranges
		return append(b, rapid.SampledFrom([]string{"\u0080", "\u07ff", "\u0800", "\ufffd", "\uffff", "\U00010000", "\U0010ffff",
			"é", "😀", "\u2028", "\x7f"}).Draw(t, "utf8")...)
	default: // a longer plain run
		return append(b, rapid.StringMatching(`[a-zA-Z0-9_:.\-]{8,40}`).Draw(t, "run")...)
	}
}

func (g *docGen) array(b []byte, depth int) []byte {
	b = append(b, '[')
	b = g.ws(b)
	n := rapid.IntRange(0, 5).Draw(g.t, "elems")
	for i := range n {
		if i > 0 {
			b = g.ws(b)
			b = g.comma(b)
			b = g.ws(b)
		}
		b = g.value(b, depth+1)
	}
	b = g.ws(b)
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{",]", "", "}", ",", "]]"}).Draw(g.t, "bad close")...)
	}
	return append(b, ']')
}

func (g *docGen) comma(b []byte) []byte {
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{"", ",,", ":", ";"}).Draw(g.t, "bad comma")...)
	}
	return append(b, ',')
}

func (g *docGen) object(b []byte, depth int) []byte {
	b = append(b, '{')
	b = g.ws(b)
	n := rapid.IntRange(0, 5).Draw(g.t, "members")
	for i := range n {
		if i > 0 {
			b = g.ws(b)
			b = g.comma(b)
			b = g.ws(b)
		}
		switch {
		case g.rare():
			b = append(b, rapid.SampledFrom([]string{"a", "1", "null", "'a'", "[]", ""}).Draw(g.t, "bad key")...)
		case len(g.keys) > 0 && rapid.IntRange(0, 3).Draw(g.t, "reuse key") == 0:
			b = append(b, rapid.SampledFrom(g.keys).Draw(g.t, "old key")...) // a duplicate, possibly
		default:
			start := len(b)
			b = g.str(b)
			g.keys = append(g.keys, string(b[start:]))
		}
		b = g.ws(b)
		if g.rare() {
			b = append(b, rapid.SampledFrom([]string{"", "::", "="}).Draw(g.t, "bad colon")...)
		} else {
			b = append(b, ':')
		}
		b = g.ws(b)
		b = g.value(b, depth+1)
	}
	b = g.ws(b)
	if g.rare() {
		return append(b, rapid.SampledFrom([]string{",}", "", "]", ","}).Draw(g.t, "bad close")...)
	}
	return append(b, '}')
}

// genValue draws Go values of the shapes Decode returns, with arbitrary strings and numbers,
// to be marshalled by encoding/json.
func genValue(depth int) *rapid.Generator[any] {
	scalar := rapid.OneOf(
		rapid.Just[any](nil),
		rapid.Map(rapid.Bool(), func(b bool) any { return b }),
		rapid.Map(rapid.String(), func(s string) any { return s }),
		rapid.Map(rapid.StringN(0, 40, -1), func(s string) any { return s }),
		rapid.Map(rapid.Int64(), func(i int64) any { return json.Number(fmt.Sprint(i)) }),
		rapid.Map(rapid.Float64().Filter(func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }),
			func(f float64) any { return json.Number(fmt.Sprint(f)) }),
	)
	if depth == 0 {
		return scalar
	}
	sub := genValue(depth - 1)
	return rapid.OneOf(
		scalar,
		rapid.Map(rapid.SliceOfN(sub, 0, 4), func(s []any) any { return s }),
		rapid.Map(rapid.MapOfN(rapid.String(), sub, 0, 5), func(m map[string]any) any { return m }),
	)
}
