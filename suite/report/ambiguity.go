package report

import (
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/rules"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/introw/conform/suite/engine"
)

// Where the spec says two things about a date parameter (its pattern and `format: date-time`
// disagree on a value), a finding that hinges on such a value says so. The engine follows the
// pattern (README.md#settled-readings); the report adds the note.

// DateParam is a date parameter of the operation: its name and the schema pattern that rules
// its values (its format is date-time).
type DateParam struct {
	Name    string
	Pattern *regexp.Regexp
}

// Notes for a date value on which the pattern and format: date-time disagree.
const (
	NotePatternOnly = "the spec is ambiguous here: the pattern admits it, format: date-time does not; conform follows the pattern (README.md#settled-readings)"
	NoteFormatOnly  = "the spec is ambiguous here: format: date-time admits it, the pattern does not; conform follows the pattern (README.md#settled-readings)"
)

// dateRules are the rules whose verdicts can hinge on a date value's validity.
var dateRules = map[rules.ID]bool{rules.ParamDatePattern: true, rules.ParamValid200: true, rules.ParamInvalid422: true}

// NoteAmbiguousDates returns the results with a note appended to every finding of a date rule
// whose request carries a date value the pattern and format: date-time judge differently.
// The results given are not changed.
func NoteAmbiguousDates(results []engine.Result, params []DateParam) []engine.Result {
	if len(params) == 0 {
		return results
	}
	out := make([]engine.Result, len(results))
	copy(out, results)
	for i, r := range out {
		if !dateRules[r.Rule.ID] || len(r.Findings) == 0 {
			continue
		}
		fs := make([]engine.Finding, len(r.Findings))
		for j, f := range r.Findings {
			if note := dateNote(f.Request, params); note != "" && !strings.Contains(f.Message, note) {
				f.Message += "; " + note
			}
			fs[j] = f
		}
		out[i].Findings = fs
	}
	return out
}

// dateNote returns the note for the first date value of a request ("?a=b&c=d") on which the
// pattern and format: date-time disagree ("" when none).
func dateNote(request string, params []DateParam) string {
	q, err := url.ParseQuery(strings.TrimPrefix(request, "?"))
	if err != nil {
		return ""
	}
	for _, p := range params {
		if p.Pattern == nil {
			continue
		}
		for _, v := range q[p.Name] {
			byPattern, byFormat := p.Pattern.MatchString(v), RFC3339DateTime(v)
			switch {
			case byPattern && !byFormat:
				return NotePatternOnly
			case byFormat && !byPattern:
				return NoteFormatOnly
			}
		}
	}
	return ""
}

// RFC3339DateTime reports whether s is a date-time of RFC 3339 section 5.6, which is what
// JSON Schema's format: date-time means: full-date "T" hh:mm:ss, an optional fraction of any
// length, then "Z" or an offset ±hh:mm; "T" and "Z" in either case; second 60 allowed (a leap
// second); the day checked against its month and year.
func RFC3339DateTime(s string) bool {
	if len(s) < 20 || (s[10] != 'T' && s[10] != 't') {
		return false
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return false
	}
	t := s[11:]
	if len(t) < 9 || t[2] != ':' || t[5] != ':' || !digits(t[0:2]) || !digits(t[3:5]) || !digits(t[6:8]) {
		return false
	}
	if t[0:2] > "23" || t[3:5] > "59" || t[6:8] > "60" {
		return false
	}
	t = t[8:]
	if rest, ok := strings.CutPrefix(t, "."); ok {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		t = rest[n:]
	}
	if t == "Z" || t == "z" {
		return true
	}
	return len(t) == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' && digits(t[1:3]) && digits(t[4:6]) &&
		t[1:3] <= "23" && t[4:6] <= "59"
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// DateParams are the contract's date parameters that carry both a pattern and format: date-time.
func DateParams(c *contract.Contract) []DateParam {
	var out []DateParam
	for _, p := range c.Params {
		if p.Format == "date-time" && p.Pattern != nil {
			out = append(out, DateParam{Name: p.Name, Pattern: p.Pattern})
		}
	}
	return out
}

// AmbiguityNotes returns NoteAmbiguousDates for one result, for the contract's date parameters:
// the hook every renderer of a verdict (the specs' junit.xml too) applies.
func AmbiguityNotes(c *contract.Contract) func(engine.Result) engine.Result {
	params := DateParams(c)
	return func(r engine.Result) engine.Result { return NoteAmbiguousDates([]engine.Result{r}, params)[0] }
}
