// Package instant parses the date-time strings the contract's date pattern admits and compares
// them exactly. The pattern is authoritative over format: date-time, so it accepts
// "2024-02-29T10:30Z" (no seconds: 10:30:00) and fractions of any length, and only "Z" as the
// zone. Comparison never rounds: a fraction with more than nine digits still orders correctly.
package instant

import (
	"fmt"
	"strings"
	"time"
)

// Instant is a point in time: whole seconds since the epoch plus the exact decimal fraction.
type Instant struct {
	Sec  int64
	Frac string // fraction digits without trailing zeros ("" for whole seconds)
}

// Parse reads "YYYY-MM-DDTHH:MM[:SS[.frac]]Z". It checks the calendar (Feb 29 only in leap
// years) but not the spec's pattern: callers match the pattern first.
func Parse(s string) (Instant, error) {
	if len(s) < 17 || s[len(s)-1] != 'Z' || s[10] != 'T' {
		return Instant{}, fmt.Errorf("not a UTC date-time: %q", s)
	}
	body := s[:len(s)-1]
	frac := ""
	if i := strings.IndexByte(body, '.'); i >= 0 {
		frac = body[i+1:]
		body = body[:i]
		if frac == "" || strings.Trim(frac, "0123456789") != "" {
			return Instant{}, fmt.Errorf("bad fraction in %q", s)
		}
	}
	layout := "2006-01-02T15:04:05"
	if len(body) == 16 {
		if frac != "" {
			return Instant{}, fmt.Errorf("fraction without seconds in %q", s)
		}
		layout = "2006-01-02T15:04"
	}
	t, err := time.Parse(layout, body)
	if err != nil {
		return Instant{}, fmt.Errorf("bad date-time %q: %v", s, err)
	}
	return Instant{Sec: t.Unix(), Frac: strings.TrimRight(frac, "0")}, nil
}

// Compare returns -1, 0 or +1 as a is before, equal to or after b.
func Compare(a, b Instant) int {
	switch {
	case a.Sec < b.Sec:
		return -1
	case a.Sec > b.Sec:
		return 1
	}
	n := max(len(a.Frac), len(b.Frac))
	fa := a.Frac + strings.Repeat("0", n-len(a.Frac))
	fb := b.Frac + strings.Repeat("0", n-len(b.Frac))
	return strings.Compare(fa, fb)
}

// Time converts to time.Time, truncating the fraction to nanoseconds.
func (i Instant) Time() time.Time {
	ns := int64(0)
	f := (i.Frac + "000000000")[:9]
	for _, c := range f {
		ns = ns*10 + int64(c-'0')
	}
	return time.Unix(i.Sec, ns).UTC()
}

// FromTime converts a time.Time (nanosecond precision) to an Instant.
func FromTime(t time.Time) Instant {
	frac := fmt.Sprintf("%09d", t.Nanosecond())
	return Instant{Sec: t.Unix(), Frac: strings.TrimRight(frac, "0")}
}

// Format renders the instant in one of the pattern's forms: digits is the number of fraction
// digits to write (-1: no seconds at all, only valid when the instant is a whole minute; 0: no
// fraction; n > 0: exactly n digits, padded with zeros, only valid when n >= len(Frac)).
func (i Instant) Format(digits int) string {
	t := time.Unix(i.Sec, 0).UTC()
	switch {
	case digits < 0:
		return t.Format("2006-01-02T15:04") + "Z"
	case digits == 0:
		return t.Format("2006-01-02T15:04:05") + "Z"
	}
	f := i.Frac + strings.Repeat("0", max(0, digits-len(i.Frac)))
	return t.Format("2006-01-02T15:04:05") + "." + f + "Z"
}

// WholeMinute reports whether the instant has zero seconds and no fraction.
func (i Instant) WholeMinute() bool { return i.Sec%60 == 0 && i.Frac == "" }

// Shift returns the instant moved by d (nanosecond precision).
func (i Instant) Shift(d time.Duration) Instant { return FromTime(i.Time().Add(d)) }
