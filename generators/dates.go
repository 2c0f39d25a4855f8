package generators

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"pgregory.net/rapid"

	"github.com/introw/conform/suite/instant"
)

// dateParts are the fields of a calendar date-time before rendering.
type dateParts struct {
	year, month, day, hour, minute, second int
	frac                                   string
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// render writes the parts in one of the pattern's forms: form 0 no seconds, 1 seconds, 2 fraction.
func (d dateParts) render(form int) string {
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", d.year, d.month, d.day, d.hour, d.minute)
	switch form {
	case 0:
	case 1:
		s += fmt.Sprintf(":%02d", d.second)
	default:
		s += fmt.Sprintf(":%02d.%s", d.second, d.frac)
	}
	return s + "Z"
}

var interestingYears = []int{2000, 2024, 2100, 1900, 2023, 2026, 2400, 1999, 0, 9999}

// candidateDate draws a calendar-correct date-time in a random form of the pattern's family:
// leap days (incl. century years), boundaries of months, no-seconds, fractions of 1..15 digits.
func candidateDate(t *rapid.T) string {
	var d dateParts
	d.year = rapid.OneOf(rapid.SampledFrom(interestingYears), rapid.IntRange(1970, 2099)).Draw(t, "year")
	d.month = rapid.IntRange(1, 12).Draw(t, "month")
	if rapid.Bool().Draw(t, "leapDay") {
		d.month = 2
	}
	last := daysIn(d.year, d.month)
	d.day = rapid.OneOf(rapid.Just(last), rapid.Just(1), rapid.IntRange(1, last)).Draw(t, "day")
	d.hour = rapid.IntRange(0, 23).Draw(t, "hour")
	d.minute = rapid.IntRange(0, 59).Draw(t, "minute")
	d.second = rapid.IntRange(0, 59).Draw(t, "second")
	d.frac = rapid.StringMatching(`[0-9]{1,15}`).Draw(t, "fraction")
	return d.render(rapid.IntRange(0, 2).Draw(t, "form"))
}

// dateMutations turn a valid date-time into strings a date pattern of this family refuses or
// that no calendar has (offsets, lowercase markers, impossible fields, missing parts).
var dateMutations = []func(string) string{
	func(s string) string { return strings.TrimSuffix(s, "Z") + "+01:00" },
	func(s string) string { return strings.TrimSuffix(s, "Z") + "+00:00" },
	func(s string) string { return strings.TrimSuffix(s, "Z") },
	func(s string) string { return strings.TrimSuffix(s, "Z") + "z" },
	func(s string) string { return strings.Replace(s, "T", " ", 1) },
	func(s string) string { return strings.Replace(s, "T", "t", 1) },
	func(s string) string { return s[:10] },
	func(s string) string { return s[2:] },
	func(s string) string { return s[:5] + "13" + s[7:] },
	func(s string) string { return s[:5] + "00" + s[7:] },
	func(s string) string { return s[:8] + "32" + s[10:] },
	func(s string) string { return s[:8] + "00" + s[10:] },
	func(s string) string { return s[:11] + "24" + s[13:] },
	func(s string) string { return s[:14] + "60" + s[16:] },
	func(s string) string { return s[:16] + ":60Z" },
	func(s string) string { return s[:16] + ":00.Z" },
	func(s string) string { return s[:16] + ".5Z" },
	func(s string) string { return s[:13] + "Z" },
	func(s string) string { return "2100-02-29" + s[10:] },
	func(s string) string { return "1900-02-29" + s[10:] },
	func(s string) string { return "2023-02-29" + s[10:] },
	func(s string) string { return s[:5] + "02-30" + s[10:] },
	func(s string) string { return s[:5] + "04-31" + s[10:] },
	func(s string) string { return strings.ReplaceAll(s, "-", "/") },
	func(s string) string { return "now" },
	func(s string) string { return s + "Z" },
}

// DateValue draws a date string on either side of the pattern: a calendar-correct candidate
// or a mutation of one. The caller classifies it with the pattern (see Date).
func DateValue() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		s := candidateDate(t)
		if rapid.IntRange(0, 2).Draw(t, "mutate") > 0 {
			return s
		}
		return rapid.SampledFrom(dateMutations).Draw(t, "mutation")(s)
	})
}

// Date draws a date string that the pattern accepts (valid true) or refuses (valid false).
func Date(pattern *regexp.Regexp, valid bool) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		for range 50 {
			s := DateValue().Draw(t, "date")
			if pattern.MatchString(s) == valid {
				return s
			}
		}
		t.Skip("no date on that side of the pattern")
		return ""
	})
}

// Around draws a date string at or near one of the given instants (the data's own boundaries,
// where inclusive/exclusive faults hide), rendered in any form the pattern admits for it.
func Around(pool []instant.Instant) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		base := rapid.SampledFrom(pool).Draw(t, "boundary")
		shift := rapid.SampledFrom([]int64{0, 0, 0, 1, -1, 60, -60, 86400}).Draw(t, "shiftSeconds")
		at := instant.Instant{Sec: base.Sec + shift, Frac: base.Frac}
		if shift != 0 && rapid.Bool().Draw(t, "dropFraction") {
			at.Frac = ""
		}
		forms := []int{0, len(at.Frac) + rapid.IntRange(0, 9).Draw(t, "extraDigits")}
		if at.Frac == "" && rapid.Bool().Draw(t, "plainSeconds") {
			forms = append(forms, 0)
		}
		if at.WholeMinute() {
			forms = append(forms, -1, -1)
		}
		digits := rapid.SampledFrom(forms).Draw(t, "form")
		if digits == 0 && at.Frac != "" {
			digits = len(at.Frac)
		}
		return at.Format(digits)
	})
}

// sameDay reports whether an invalid calendar day is already among the edges (the mutations that
// move the leap-day value to Feb 29 of a non-leap year repeat the year edges' class).
func sameDay(edges []string, v string) bool {
	for _, e := range edges {
		if len(e) >= 10 && len(v) >= 10 && e[:10] == v[:10] && v[:10] != "2024-02-29" {
			return true
		}
	}
	return false
}

// DateEdges lists, deterministically, the date strings where pattern faults hide: Feb 29 of
// leap and non-leap century years, month ends, the no-seconds form, long fractions, and every
// mutation of one leap-day value. The caller classifies each with the pattern.
func DateEdges() []string {
	var out []string
	// one year per class: leap (2024), leap century (2000), year 0 (leap, the pattern's lowest);
	// non-leap (2023), non-leap century (2100), the pattern's highest (9999, not leap)
	for _, y := range []int{2000, 2024, 0, 2100, 2023, 9999} {
		out = append(out, fmt.Sprintf("%04d-02-29T00:00:00Z", y))
	}
	for _, y := range []int{0, 9999, 2024, 1999} {
		out = append(out, fmt.Sprintf("%04d-02-28T23:59Z", y))
	}
	base := dateParts{2024, 2, 29, 10, 30, 0, "123456789012"}
	out = append(out, base.render(0), base.render(1), base.render(2), "2024-12-31T23:59:59.9Z", "2023-04-30T00:00:00.000000Z")
	for _, m := range dateMutations {
		if v := m(base.render(1)); !slices.Contains(out, v) && !sameDay(out, v) {
			out = append(out, v)
		}
	}
	return out
}
