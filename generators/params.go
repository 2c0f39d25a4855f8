package generators

import (
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/instant"
)

// Pool holds values observed in the server's own data, per filter parameter: equality values
// (partner ids) and the instants of date fields. Filters drawn from it hit real items and
// their exact boundaries; values outside it probe the empty side.
type Pool struct {
	Values   map[string][]string          // equality filter -> values seen in the data
	Instants map[string][]instant.Instant // date filter -> instants seen in its field
}

// Valid draws a value the parameter's schema accepts.
func Valid(p *contract.Param, pool Pool) *rapid.Generator[string] {
	switch {
	case len(p.Enum) > 0:
		return rapid.SampledFrom(p.Enum)
	case p.Type == "integer":
		lo, hi := bounds(p)
		g := rapid.IntRange(lo, hi)
		edges := []int{lo, hi, lo + 1, hi - 1}
		if d, ok := p.DefaultInt(); ok {
			edges = append(edges, d)
		}
		return rapid.Map(rapid.OneOf(g, rapid.SampledFrom(edges), rapid.IntRange(lo, min(hi, lo+9))), clampItoa(lo, hi))
	case p.IsDate && p.Pattern != nil:
		if is := pool.Instants[p.Name]; len(is) > 0 {
			return rapid.OneOf(matching(Around(is), p), matching(Around(is), p), Date(p.Pattern, true))
		}
		return Date(p.Pattern, true)
	}
	known := pool.Values[p.Name]
	unknown := rapid.Custom(func(t *rapid.T) string { return Unknown(p, known).Draw(t, "unknown") })
	if len(known) == 0 {
		return unknown
	}
	return rapid.OneOf(rapid.SampledFrom(known), rapid.SampledFrom(known), rapid.SampledFrom(known), unknown)
}

// matching keeps only values the parameter accepts (Around may shift a leap day off the
// calendar or render a form the spec's pattern refuses).
func matching(g *rapid.Generator[string], p *contract.Param) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		for range 20 {
			if s := g.Draw(t, "value"); p.Valid(s) {
				return s
			}
		}
		t.Skip("no valid value near the boundaries")
		return ""
	})
}

func clampItoa(lo, hi int) func(int) string {
	return func(n int) string { return strconv.Itoa(max(lo, min(hi, n))) }
}

func bounds(p *contract.Param) (int, int) {
	lo, hi := 1, 100
	if p.Minimum != nil {
		lo = int(*p.Minimum)
	}
	if p.Maximum != nil {
		hi = int(*p.Maximum)
	}
	return lo, hi
}

// Unknown draws a valid value of a free-form string parameter that none of the known values
// equals: near misses of real values (changed case, a prefix, an extra character) and
// made-up identifiers.
func Unknown(p *contract.Param, known []string) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		for range 20 {
			var s string
			if len(known) > 0 && rapid.Bool().Draw(t, "nearMiss") {
				k := rapid.SampledFrom(known).Draw(t, "known")
				switch rapid.IntRange(0, 3).Draw(t, "how") {
				case 0:
					s = strings.ToUpper(k)
				case 1:
					s = k[:len(k)-1]
				case 2:
					s = k + "0"
				default:
					s = strings.ToLower(k) + "x"
				}
			} else {
				s = rapid.OneOf(
					rapid.StringMatching(`[a-z]{3}_[0-9A-Za-z]{4,26}`),
					rapid.StringMatching(`[a-zA-Z0-9][a-zA-Z0-9_.~-]{0,40}`),
					rapid.StringMatching(`[ -~]{1,30}`),
					rapid.StringMatching(`[a-zé漢ß]{1,8}-[0-9]{1,4}`),
				).Draw(t, "madeUp")
			}
			if p.Valid(s) && !contains(known, s) {
				return s
			}
		}
		t.Skip("no unknown value")
		return ""
	})
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// HasInvalid reports whether the parameter's schema refuses some non-empty value.
func HasInvalid(p *contract.Param) bool {
	return len(p.Enum) > 0 || p.Type == "integer" || p.Pattern != nil || p.MaxLen != nil || p.MinLen != nil
}

// Invalid draws a non-empty value the parameter's schema refuses (the caller checks
// HasInvalid first). Empty values are left to the open probes: the contract leaves them open.
func Invalid(p *contract.Param) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		for range 50 {
			s := invalidCandidate(p).Draw(t, "candidate")
			if s != "" && !p.Valid(s) {
				return s
			}
		}
		t.Skip("no invalid value")
		return ""
	})
}

func invalidCandidate(p *contract.Param) *rapid.Generator[string] {
	switch {
	case len(p.Enum) > 0:
		return rapid.Custom(func(t *rapid.T) string {
			e := rapid.SampledFrom(p.Enum).Draw(t, "member")
			switch rapid.IntRange(0, 4).Draw(t, "how") {
			case 0:
				return strings.ToLower(e)
			case 1:
				return strings.ToUpper(e[:1]) + strings.ToLower(e[1:])
			case 2:
				return e + "S"
			case 3:
				return e[:len(e)-1]
			}
			return rapid.StringMatching(`[A-Z][A-Z_]{2,12}`).Draw(t, "word")
		})
	case p.Type == "integer":
		lo, hi := bounds(p)
		return rapid.OneOf(
			rapid.Map(rapid.IntRange(hi+1, hi+1000), strconv.Itoa),
			rapid.Map(rapid.IntRange(lo-1000, lo-1), strconv.Itoa),
			rapid.SampledFrom([]string{strconv.Itoa(lo - 1), strconv.Itoa(hi + 1), "-1", "1.5", "abc", "ten", "1,5", "99999999999999999999"}),
		)
	case p.Pattern != nil && p.IsDate:
		return DateValue()
	case p.Pattern != nil:
		return rapid.StringN(1, 20, -1)
	}
	return rapid.StringMatching(`[a-zA-Z0-9]{1,80}`)
}

// OddStrings lists valid values of a free-form string parameter with the characters and sizes
// servers tend to mishandle: dashes, dots, tildes, spaces, non-ASCII letters, digits only, a
// long value. The spec says only "string", so each is valid (those the schema refuses are
// dropped).
func OddStrings(p *contract.Param) []string {
	var out []string
	// every class of character that needs escaping in a URL or in JSON, and lengths up to the
	// 256 the settled readings allow before a server may refuse with any 4xx
	for _, s := range []string{
		"ptn-with.dot~tilde_under",                  // unreserved punctuation (sent as it is)
		"ptn with space\ttab",                       // whitespace
		"ptnüñï漢",                                   // UTF-8 beyond ASCII
		"ptn%",                                      // a bare percent (no escape follows)
		"ptn%25percent",                             // what looks like an escape already
		"ptn+plus&amp=1#hash/slash?q",               // URL delimiters
		`ptn"quote\backslash'apos<lt>`,              // JSON and HTML escaping
		"1234567890", "a", strings.Repeat("p", 200), // digits only, one character, long
		strings.Repeat("p", 256), // the longest a server must take
	} {
		if p.Valid(s) {
			out = append(out, s)
		}
	}
	return out
}
