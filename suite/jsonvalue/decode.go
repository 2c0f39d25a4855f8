// Package jsonvalue decodes one JSON document into the generic Go values encoding/json
// produces with Decoder.UseNumber (map[string]any, []any, string, json.Number, bool, nil),
// several times faster than encoding/json.
//
// The parser is a single recursive-descent pass over one string copy of the input: keys,
// escape-free strings and numbers are substrings of that copy (no allocation each), so every
// decoded string shares the copy's memory. Anything the parser does not accept (every
// invalid document, and nesting deeper than encoding/json's limit) is handed to
// encoding/json, whose verdict and error are returned; so on invalid input the error is
// always encoding/json's.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit (scanner.go, maxNestingDepth): 10000 nested
// arrays/objects are accepted, 10001 are not.
const maxDepth = 10000

// Decode parses one JSON value from b (surrounding whitespace allowed, nothing else after it)
// into the same Go values encoding/json with UseNumber produces: map[string]any, []any,
// string, json.Number, bool, nil. On input encoding/json rejects it returns encoding/json's
// error; bytes after the value other than JSON whitespace are an error too (the
// *json.SyntaxError "invalid character ... after top-level value").
//
// Decoded strings and keys may share one copy of b, which stays alive as long as any of them
// does; b itself is not retained and may be reused by the caller.
func Decode(b []byte) (any, error) {
	if v, ok := parse(b); ok {
		return v, nil
	}
	return decodeStdlib(b)
}

// parse is the fast parser: the decoded value and true when b is one JSON value (with
// surrounding whitespace) that encoding/json accepts, false on anything else.
func parse(b []byte) (any, bool) {
	p := parserPool.Get().(*parser)
	p.s = string(b)
	p.i = 0
	p.depth = 0
	p.failed = false
	p.ws()
	var v any
	if p.i < len(p.s) {
		v = p.value()
		p.ws()
	} else {
		p.failed = true
	}
	ok := !p.failed && p.i == len(p.s)
	p.release()
	if !ok {
		return nil, false
	}
	return v, true
}

// decodeStdlib is Decode's fallback: it decodes b with encoding/json alone, as conform's
// client did (a Decoder with UseNumber), and rejects anything but whitespace after the value.
func decodeStdlib(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if len(bytes.TrimLeft(b[d.InputOffset():], " \t\r\n")) == 0 {
		return v, nil
	}
	// Trailing data: json.Unmarshal checks the whole input and names the offending byte.
	var raw json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	return nil, errTrailing // unreachable: Unmarshal rejects trailing data
}

var errTrailing = errors.New("jsonvalue: trailing data after the JSON value")

// maxHint bounds the size hint of a new map (so one large object does not make the next
// ones large).
const maxHint = 64

type parser struct {
	s      string
	i      int
	depth  int
	failed bool
	elems  []any     // scratch stack of array elements (arrays in progress)
	hints  [32]uint8 // by depth: the size of the last object completed there
	hiE    int       // high-water mark of elems (of completed arrays): the part cleared on
	// release, with what a failed parse left on it
	buf []byte // scratch for strings with escapes or invalid UTF-8
}

var parserPool = sync.Pool{New: func() any {
	return &parser{elems: make([]any, 0, 64), buf: make([]byte, 0, 64)}
}}

// release clears the scratch (so the pool does not keep decoded values alive) and returns
// the parser to the pool unless a pathological document made its scratch large.
func (p *parser) release() {
	clear(p.elems[:max(p.hiE, len(p.elems))])
	p.elems = p.elems[:0]
	p.hiE = 0
	p.s = ""
	if cap(p.elems) > 4096 || cap(p.buf) > 1<<16 {
		return
	}
	parserPool.Put(p)
}

// ws skips JSON whitespace (space, tab, newline, carriage return).
func (p *parser) ws() {
	s, i := p.s, p.i
	for i < len(s) {
		c := s[i]
		if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			break
		}
		i++
	}
	p.i = i
}

// value parses the value starting at p.i (which is in range and not whitespace).
func (p *parser) value() any {
	s := p.s
	switch c := s[p.i]; c {
	case '"':
		str, ok := p.str()
		if !ok {
			return p.fail()
		}
		return str
	case '{':
		return p.object()
	case '[':
		return p.array()
	case 't':
		if len(s)-p.i >= 4 && s[p.i:p.i+4] == "true" {
			p.i += 4
			return true
		}
	case 'f':
		if len(s)-p.i >= 5 && s[p.i:p.i+5] == "false" {
			p.i += 5
			return false
		}
	case 'n':
		if len(s)-p.i >= 4 && s[p.i:p.i+4] == "null" {
			p.i += 4
			return nil
		}
	default:
		if c == '-' || c-'0' < 10 {
			return p.number()
		}
	}
	return p.fail()
}

func (p *parser) fail() any {
	p.failed = true
	p.i = len(p.s) + 1 // stops every loop; Decode sees p.i != len(p.s)
	return nil
}

// number parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? into a json.Number.
func (p *parser) number() any {
	s := p.s
	start, i := p.i, p.i
	if s[i] == '-' {
		i++
		if i == len(s) {
			return p.fail()
		}
	}
	switch c := s[i]; {
	case c == '0':
		i++
	case c-'1' < 9:
		i++
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	default:
		return p.fail()
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || s[i]-'0' >= 10 {
			return p.fail()
		}
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || s[i]-'0' >= 10 {
			return p.fail()
		}
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	}
	p.i = i
	return json.Number(s[start:i])
}

func (p *parser) object() any {
	p.depth++
	if p.depth > maxDepth {
		return p.fail()
	}
	s := p.s
	p.i++ // '{'
	p.ws()
	if p.i < len(s) && s[p.i] == '}' {
		p.i++
		p.depth--
		return map[string]any{}
	}
	// The map is made with the size of the last object completed at this depth (documents
	// repeat their shapes: every item of a page has the same fields), so it rarely grows.
	var m map[string]any
	if p.depth < len(p.hints) {
		m = make(map[string]any, p.hints[p.depth])
	} else {
		m = make(map[string]any)
	}
	for {
		if p.i >= len(s) || s[p.i] != '"' {
			return p.fail()
		}
		k, ok := p.str()
		if !ok {
			return p.fail()
		}
		if p.i < len(s) && s[p.i] == ':' {
			p.i++
		} else {
			p.ws()
			if p.i >= len(s) || s[p.i] != ':' {
				return p.fail()
			}
			p.i++
		}
		p.ws()
		if p.i >= len(s) {
			return p.fail()
		}
		v := p.value()
		if p.failed {
			return nil
		}
		m[k] = v // in document order: the last of duplicate keys wins, as in encoding/json
		more, ok := p.sep('}')
		if !ok {
			return p.fail()
		}
		if !more {
			break
		}
	}
	if p.depth < len(p.hints) {
		p.hints[p.depth] = uint8(min(len(m), maxHint))
	}
	p.depth--
	return m
}

// sep reads what follows a member or an element: a comma (more follow) or the closing
// bracket (the end); ok is false for anything else.
func (p *parser) sep(closing byte) (more, ok bool) {
	p.ws()
	if p.i >= len(p.s) {
		return false, false
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		p.ws()
		return true, true
	case closing:
		p.i++
		return false, true
	}
	return false, false
}

func (p *parser) array() any {
	p.depth++
	if p.depth > maxDepth {
		return p.fail()
	}
	s := p.s
	p.i++ // '['
	p.ws()
	if p.i < len(s) && s[p.i] == ']' {
		p.i++
		p.depth--
		return make([]any, 0) // encoding/json returns an empty, non-nil slice
	}
	base := len(p.elems)
	for {
		if p.i >= len(s) {
			return p.fail()
		}
		v := p.value()
		if p.failed {
			return nil
		}
		p.elems = append(p.elems, v)
		more, ok := p.sep(']')
		if !ok {
			return p.fail()
		}
		if !more {
			break
		}
	}
	a := make([]any, len(p.elems)-base)
	copy(a, p.elems[base:])
	if len(p.elems) > p.hiE {
		p.hiE = len(p.elems)
	}
	p.elems = p.elems[:base]
	p.depth--
	return a
}

// plain marks the bytes a string's fast path copies through: printable ASCII except '"'
// and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

// str parses the string starting at the '"' at p.i. A string without escapes and with valid
// UTF-8 is a substring of p.s; any other goes through strSlow.
func (p *parser) str() (string, bool) {
	s := p.s
	i := p.i + 1
	start := i
	for {
		for i+4 <= len(s) && plain[s[i]] && plain[s[i+1]] && plain[s[i+2]] && plain[s[i+3]] {
			i += 4
		}
		for i < len(s) && plain[s[i]] {
			i++
		}
		if i >= len(s) {
			return "", false
		}
		c := s[i]
		if c == '"' {
			p.i = i + 1
			return s[start:i], true
		}
		if c < utf8.RuneSelf { // '\\' or a control character
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	return p.strSlow(start, i)
}

// strSlow finishes a string from i (its content started at start) that has escapes or
// invalid UTF-8, decoding it exactly as encoding/json's unquote does: escapes as in RFC
// 8259, a \u surrogate not followed by a \u escape making a valid pair becomes U+FFFD, and
// every byte that is not part of valid UTF-8 becomes U+FFFD.
func (p *parser) strSlow(start, i int) (string, bool) {
	s := p.s
	b := append(p.buf[:0], s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.i = i + 1
			p.buf = b
			return string(b), true
		case c == '\\':
			if i+1 >= len(s) {
				return "", false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				r := getu4(s[i:])
				if r < 0 {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if dec := utf16.DecodeRune(r, getu4(s[i:])); dec != utf8.RuneError {
						i += 6
						b = utf8.AppendRune(b, dec)
						break
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", false
			}
		case c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	return "", false
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
