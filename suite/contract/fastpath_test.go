package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"pgregory.net/rapid"

	conform "github.com/introw/conform"
)

// The differential tests: every body goes to the fast path and to the library's compiled
// schema, and the two verdicts (valid or not) must be identical. Validate must agree too (it
// returns no violation exactly when the library finds none).

// verdicts evaluates a body twice with the fast path (the second run hits the pattern cache)
// and once with the library.
func verdicts(r *Response, body any) (fast, fastAgain, lib bool) {
	fast = r.schema.fast.valid(body)
	fastAgain = r.schema.fast.valid(body)
	lib = r.schema.schema.Validate(body) == nil
	return
}

// disagreement describes how the fast path and the library disagree on a body, "" when they
// do not.
func disagreement(r *Response, body any) string {
	fast, again, lib := verdicts(r, body)
	validated := len(r.Validate(body, 0)) == 0
	if fast == lib && again == lib && validated == lib {
		return ""
	}
	return fmt.Sprintf("fast path %v (again %v), library %v, Validate %v on %s", fast, again, lib, validated, show(body))
}

func show(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		raw = []byte(fmt.Sprintf("%#v", v))
	}
	if len(raw) > 600 {
		raw = append(raw[:600], "..."...)
	}
	return string(raw)
}

// --- paths into a decoded body ---------------------------------------------------------

type path []any // string keys and int indexes

func (p path) String() string {
	var b strings.Builder
	for _, s := range p {
		fmt.Fprintf(&b, "/%v", s)
	}
	return b.String()
}

func child(p path, s any) path { return append(slices.Clone(p), s) }

func get(v any, p path) any {
	for _, s := range p {
		switch s := s.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	return v
}

// set replaces the value at p and returns the (possibly new) root.
func set(root any, p path, v any) any {
	if len(p) == 0 {
		return v
	}
	switch parent := get(root, p[:len(p)-1]).(type) {
	case map[string]any:
		parent[p[len(p)-1].(string)] = v
	case []any:
		parent[p[len(p)-1].(int)] = v
	}
	return root
}

// del removes the value at p: a key from its object, an element from its array.
func del(root any, p path) any {
	if len(p) == 0 {
		return nil
	}
	switch parent := get(root, p[:len(p)-1]).(type) {
	case map[string]any:
		delete(parent, p[len(p)-1].(string))
	case []any:
		root = set(root, p[:len(p)-1], slices.Delete(slices.Clone(parent), p[len(p)-1].(int), p[len(p)-1].(int)+1))
	}
	return root
}

// paths lists every node of a body, root first.
func paths(v any) []path {
	var out []path
	var walk func(p path, v any)
	walk = func(p path, v any) {
		out = append(out, p)
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(child(p, k), v[k])
			}
		case []any:
			for i, e := range v {
				walk(child(p, i), e)
			}
		}
	}
	walk(path{}, v)
	return out
}

func jn(s string) json.Number { return json.Number(s) }

func freshPage(n, seed int) any {
	v, err := decodeBody(conformantPage(n, seed))
	Expect(err).NotTo(HaveOccurred())
	return v
}

// roundTrip marshals a body and decodes it as the client does; ok is false when the body is
// not representable as JSON (NaN, unsupported Go types).
func roundTrip(v any) (any, bool) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	out, err := decodeBody(raw)
	return out, err == nil
}

// --- the cases of the project's success schema -----------------------------------------

type bodyCase struct {
	name   string
	mutate func(root any) any
	valid  bool // the verdict the spec dictates, checked as well as the agreement
}

var itemLeaves = []string{"id", "partner.id", "partner.name", "batchId", "periodStart", "periodEnd",
	"amount.value", "amount.currency", "stage", "poNumber", "createdAt", "updatedAt"}

var dateFields = []string{"periodStart", "periodEnd", "createdAt", "updatedAt"}

var validDates = []string{"2026-04-05T09:00:00.000Z", "2000-02-29T00:00:00Z", "2024-02-29T23:59:59Z",
	"1600-02-29T00:00:00Z", "0000-02-29T12:00:00Z", "2026-04-30T23:59Z", "2026-12-31T23:59:59.123456789Z",
	"0000-01-01T00:00:00Z", "2026-02-28T00:00:00Z", "9999-12-31T23:59:59.9Z", "2026-01-31T00:00:00Z"}

var invalidDates = []string{"2100-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	"2026-04-05T09:00:00+01:00", "2026-04-05T09:00:00.000z", "2026-04-05 09:00:00Z", "2026-04-31T00:00:00Z",
	"2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-04-00T00:00:00Z", "2026-04-30T24:00:00Z",
	"2026-04-30T23:60:00Z", "2026-04-30T23:59:60Z", "2026-04-30T23:59:59.Z", "2026-04-30T23:59:59Z\n",
	" 2026-04-30T23:59:59Z", "2026-04-30", "2026-04-30T23Z", "12026-04-30T00:00:00Z", "2026-4-30T00:00:00Z",
	"", "2026-04-30T23:59:59.000+00:00", "２０２６-04-30T00:00:00Z", "2026-02-30T00:00:00Z", "2026-06-31T00:00:00Z"}

var stages = []string{"DRAFT", "PENDING_REVIEW", "PENDING_INVOICE", "APPROVED", "SCHEDULED",
	"PENDING_PAYMENT", "PAID", "DECLINED", "POSTPONED", "BLOCKED", "FAILED"}

func pathOf(dotted string) path {
	var p path
	for _, s := range strings.Split(dotted, ".") {
		p = append(p, s)
	}
	return p
}

func itemPath(i int, dotted string) path {
	return append(path{"data", i}, pathOf(dotted)...)
}

func setCase(name string, p path, v any, valid bool) bodyCase {
	return bodyCase{name: name, mutate: func(root any) any { return set(root, p, v) }, valid: valid}
}

// successCases mutates a conformant 25-item page in every way the brief lists.
func successCases() []bodyCase {
	cases := []bodyCase{{name: "conformant", mutate: func(r any) any { return r }, valid: true}}
	for _, i := range []int{0, 12, 24} {
		at := fmt.Sprintf("item %d", i)
		for _, f := range append(slices.Clone(itemLeaves), "partner", "amount") {
			p := itemPath(i, f)
			cases = append(cases, bodyCase{name: at + ": drop " + f, mutate: func(r any) any { return del(r, p) }})
		}
		for _, obj := range []string{"", "partner", "amount"} {
			p := path{"data", i}
			if obj != "" {
				p = itemPath(i, obj)
			}
			cases = append(cases, setCase(at+": extra property in "+obj, child(p, "extra"), "x", false))
		}
		for _, f := range itemLeaves {
			nullable := f == "batchId" || f == "poNumber"
			for _, wrong := range []any{jn("1"), jn("1.5"), true, map[string]any{}, []any{}, nil} {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s = %s", at, f, show(wrong)), itemPath(i, f), wrong, wrong == nil && nullable))
			}
			cases = append(cases, setCase(at+": "+f+" empty string", itemPath(i, f), "", f != "amount.currency" && f != "stage" && !slices.Contains(dateFields, f)))
		}
		for _, s := range stages {
			cases = append(cases, setCase(at+": stage "+s, itemPath(i, "stage"), s, true))
		}
		for _, s := range []string{"paid", "PAID ", "UNKNOWN", "Paid", "PAID\x00"} {
			cases = append(cases, setCase(at+": stage "+s, itemPath(i, "stage"), s, false))
		}
		for _, f := range dateFields {
			for _, d := range validDates {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s %q", at, f, d), itemPath(i, f), d, true))
			}
			for _, d := range invalidDates {
				cases = append(cases, setCase(fmt.Sprintf("%s: %s %q", at, f, d), itemPath(i, f), d, false))
			}
		}
		for cur, ok := range map[string]bool{"USD": true, "EUR": true, "US": false, "USDD": false, "€€€": true, "ÜSD": true, "€€": false, "    ": false} {
			cases = append(cases, setCase(at+": currency "+cur, itemPath(i, "amount.currency"), cur, ok))
		}
		// numbers as strings and back
		cases = append(cases,
			setCase(at+": amount.value as a number", itemPath(i, "amount.value"), jn("4250.00"), false),
			setCase(at+": amount.value back to a string", itemPath(i, "amount.value"), "4250.00", true),
			setCase(at+": id as a number", itemPath(i, "id"), jn("42"), false),
			setCase(at+": id as a numeric string", itemPath(i, "id"), "42", true),
			setCase(at+": partner.id as a number", itemPath(i, "partner.id"), jn("7"), false),
		)
		for _, wrong := range []any{nil, []any{}, "x", jn("1"), true} {
			cases = append(cases, setCase(fmt.Sprintf("%s: item = %s", at, show(wrong)), path{"data", i}, wrong, false))
		}
		for _, wrong := range []any{nil, "x", jn("1"), []any{}} {
			cases = append(cases, setCase(fmt.Sprintf("%s: partner = %s", at, show(wrong)), itemPath(i, "partner"), wrong, false))
			cases = append(cases, setCase(fmt.Sprintf("%s: amount = %s", at, show(wrong)), itemPath(i, "amount"), wrong, false))
		}
	}
	for _, wrong := range []any{map[string]any{}, "x", nil, jn("1"), true} {
		cases = append(cases, setCase("data = "+show(wrong), path{"data"}, wrong, false))
	}
	cases = append(cases,
		setCase("data empty", path{"data"}, []any{}, true),
		bodyCase{name: "data missing", mutate: func(r any) any { return del(r, path{"data"}) }},
		bodyCase{name: "pagination missing", mutate: func(r any) any { return del(r, path{"pagination"}) }},
		bodyCase{name: "nextCursor missing", mutate: func(r any) any { return del(r, path{"pagination", "nextCursor"}) }},
		setCase("pagination null", path{"pagination"}, nil, false),
		setCase("pagination empty", path{"pagination"}, map[string]any{}, false),
		setCase("pagination extra", path{"pagination", "extra"}, nil, false),
		setCase("nextCursor null", path{"pagination", "nextCursor"}, nil, true),
		setCase("nextCursor empty", path{"pagination", "nextCursor"}, "", true),
		setCase("nextCursor number", path{"pagination", "nextCursor"}, jn("12"), false),
		setCase("nextCursor object", path{"pagination", "nextCursor"}, map[string]any{}, false),
		setCase("root extra", path{"extra"}, []any{}, false),
		setCase("root array", path{}, []any{}, false),
		setCase("root null", path{}, nil, false),
		setCase("root string", path{}, "x", false),
		setCase("root number", path{}, jn("0"), false),
	)
	return cases
}

// goValueCases put Go values a JSON decoder would not produce (or produces without UseNumber)
// into a page: the fast path must mirror the library's handling of each type.
func goValueCases() []bodyCase {
	var cases []bodyCase
	values := []any{float64(1), float64(1.5), float32(2), int(3), int64(-4), uint8(5), math.NaN(), math.Inf(1),
		float32(math.NaN()), []byte("x"), map[string]string{"a": "b"}, []string{"x"}, struct{}{}, 'x', complex(1, 1)}
	for _, v := range values {
		for _, f := range []string{"id", "batchId", "amount.value"} {
			cases = append(cases, setCase(fmt.Sprintf("%s = %T(%v)", f, v, v), itemPath(3, f), v, false))
		}
		cases = append(cases, setCase(fmt.Sprintf("data = %T", v), path{"data"}, v, false))
		cases = append(cases, setCase(fmt.Sprintf("item = %T", v), path{"data", 1}, v, false))
	}
	return cases
}

// --- generators -------------------------------------------------------------------------

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// genValidDate draws an instant the spec's pattern accepts (any precision it allows).
var genValidDate = rapid.Custom(func(t *rapid.T) string {
	y := rapid.IntRange(0, 9999).Draw(t, "year")
	m := rapid.IntRange(1, 12).Draw(t, "month")
	d := rapid.IntRange(1, daysIn(y, m)).Draw(t, "day")
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", y, m, d, rapid.IntRange(0, 23).Draw(t, "h"), rapid.IntRange(0, 59).Draw(t, "min"))
	switch rapid.IntRange(0, 2).Draw(t, "precision") {
	case 1:
		s += fmt.Sprintf(":%02d", rapid.IntRange(0, 59).Draw(t, "sec"))
	case 2:
		s += fmt.Sprintf(":%02d.%s", rapid.IntRange(0, 59).Draw(t, "sec"), rapid.StringMatching(`[0-9]{1,9}`).Draw(t, "frac"))
	}
	return s + "Z"
})

// genDate draws valid instants and near misses: out-of-range components, 29 February of any
// year (century years included), offsets instead of Z, and arbitrary strings.
var genDate = rapid.OneOf(
	genValidDate,
	rapid.StringMatching(`[0-9]{4}-(0[0-9]|1[0-3])-[0-3][0-9]T[0-2][0-9]:[0-6][0-9](:[0-6][0-9](\.[0-9]{0,3})?)?(Z|z|\+01:00|-00:00|)`),
	rapid.Map(rapid.IntRange(0, 9999), func(y int) string { return fmt.Sprintf("%04d-02-29T00:00:00Z", y) }),
	rapid.Map(rapid.SampledFrom([]int{0, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 2400}), func(y int) string {
		return fmt.Sprintf("%04d-02-29T23:59:59.5Z", y)
	}),
	rapid.SampledFrom(invalidDates),
	rapid.String(),
)

var genNumber = rapid.OneOf(
	rapid.Map(rapid.SampledFrom([]string{"0", "1", "-1", "1.0", "1e2", "3.5", "-5", "-6", "10", "11", "1.25", "0.25",
		"1.5", "1.3", "3", "3.0", "100000000000000000000", "100000000000000000001", "1e20", "1E+20", "-0", "0.1", "2.5e-1"}),
		func(s string) any { return json.Number(s) }),
	rapid.Map(rapid.Int64(), func(i int64) any { return json.Number(fmt.Sprint(i)) }),
	rapid.Map(rapid.Float64(), func(f float64) any { return json.Number(fmt.Sprint(f)) }),
)

var schemaKeys = []string{"data", "pagination", "nextCursor", "id", "partner", "name", "batchId", "periodStart",
	"periodEnd", "amount", "value", "currency", "stage", "poNumber", "createdAt", "updatedAt", "error", "code",
	"message", "details", "extraReq", "tuple", "n", "x", "big", "e", "c", "all", "one", "not", "cond", "anything",
	"nothing", "leaf", "k", "a", "zz"}

var trickyStrings = append(append(append(slices.Clone(stages), validDates...), invalidDates...),
	"USD", "EU", "EURO", "€€€", "ab", "ab_1", "abcd_12", "a_1", "x", "abc", "é", "éé")

func genScalar() *rapid.Generator[any] {
	return rapid.OneOf(
		rapid.Just[any](nil),
		rapid.Map(rapid.Bool(), func(b bool) any { return b }),
		rapid.Map(rapid.String(), func(s string) any { return s }),
		rapid.Map(rapid.SampledFrom(trickyStrings), func(s string) any { return s }),
		rapid.Map(genDate, func(s string) any { return s }),
		genNumber,
	)
}

// genJSON draws an arbitrary JSON value (as decoded with UseNumber) of bounded depth, with
// keys mostly from the schemas' property names.
func genJSON(depth int) *rapid.Generator[any] {
	if depth == 0 {
		return genScalar()
	}
	key := rapid.OneOf(rapid.SampledFrom(schemaKeys), rapid.String())
	sub := genJSON(depth - 1)
	return rapid.OneOf(
		genScalar(),
		rapid.Map(rapid.SliceOfN(sub, 0, 3), func(s []any) any { return s }),
		rapid.Map(rapid.MapOfN(key, sub, 0, 4), func(m map[string]any) any { return m }),
	)
}

func maybeNull(t *rapid.T, label string, v any) any {
	if rapid.Bool().Draw(t, label+" null") {
		return nil
	}
	return v
}

// genPayout draws a conformant item with arbitrary strings where the schema allows them.
func genPayout(t *rapid.T, i int) map[string]any {
	label := fmt.Sprintf("item %d ", i)
	return map[string]any{
		"id":          rapid.String().Draw(t, label+"id"),
		"partner":     map[string]any{"id": rapid.String().Draw(t, label+"partner id"), "name": rapid.String().Draw(t, label+"partner name")},
		"batchId":     maybeNull(t, label+"batchId", rapid.String().Draw(t, label+"batchId")),
		"periodStart": genValidDate.Draw(t, label+"periodStart"),
		"periodEnd":   genValidDate.Draw(t, label+"periodEnd"),
		"amount": map[string]any{
			"value":    rapid.StringMatching(`-?[0-9]{1,7}\.[0-9]{2}`).Draw(t, label+"value"),
			"currency": rapid.StringN(3, 3, -1).Draw(t, label+"currency"),
		},
		"stage":     rapid.SampledFrom(stages).Draw(t, label+"stage"),
		"poNumber":  maybeNull(t, label+"poNumber", rapid.String().Draw(t, label+"poNumber")),
		"createdAt": genValidDate.Draw(t, label+"createdAt"),
		"updatedAt": genValidDate.Draw(t, label+"updatedAt"),
	}
}

// genPage draws a conformant page and then applies 0 to 4 random mutations at random nodes.
func genPage(t *rapid.T) any {
	var data []any
	for i := range rapid.IntRange(0, 12).Draw(t, "items") {
		data = append(data, genPayout(t, i))
	}
	if data == nil {
		data = []any{}
	}
	cursor := maybeNull(t, "cursor", rapid.String().Draw(t, "cursor"))
	var root any = map[string]any{"data": data, "pagination": map[string]any{"nextCursor": cursor}}
	return mutate(t, root, rapid.IntRange(0, 4).Draw(t, "mutations"))
}

func mutate(t *rapid.T, root any, n int) any {
	for m := range n {
		label := fmt.Sprintf("mutation %d ", m)
		p := rapid.SampledFrom(paths(root)).Draw(t, label+"at")
		switch rapid.IntRange(0, 4).Draw(t, label+"kind") {
		case 0:
			root = del(root, p)
		case 1:
			if obj, ok := get(root, p).(map[string]any); ok {
				obj[rapid.SampledFrom(schemaKeys).Draw(t, label+"key")] = genJSON(1).Draw(t, label+"value")
			}
		case 2:
			root = set(root, p, genScalar().Draw(t, label+"scalar"))
		case 3:
			root = set(root, p, genJSON(2).Draw(t, label+"json"))
		case 4:
			if s, ok := get(root, p).(string); ok && s != "" { // swap a string for its number and back
				root = set(root, p, json.Number(s))
			} else if n, ok := get(root, p).(json.Number); ok {
				root = set(root, p, string(n))
			}
		}
	}
	return root
}

// --- the keyword-coverage schema (testdata/keywords.openapi.json) ------------------------

func pick(t *rapid.T, label string, values ...any) any {
	return values[rapid.IntRange(0, len(values)-1).Draw(t, label)]
}

func putMaybe(t *rapid.T, m map[string]any, key string, gen func() any) {
	if rapid.IntRange(0, 3).Draw(t, key+" present") > 0 {
		m[key] = gen()
	}
}

// kwField is a property of the keyword schema with values it accepts and values it rejects.
type kwField struct {
	name           string
	required       bool
	valid, invalid []any
}

// put sets the field on m: a valid value, or (with a probability that grows with noise) an
// invalid one or, for a required field, nothing; optional fields are present half the time.
func (f kwField) put(t *rapid.T, m map[string]any, label string, noise int) {
	noisy := noise > 0 && rapid.IntRange(0, 9).Draw(t, label+f.name+" noisy") < noise
	switch {
	case noisy && (len(f.invalid) == 0 || f.required && rapid.Bool().Draw(t, label+f.name+" drop")):
		if f.required {
			return // drop it
		}
		fallthrough
	case !noisy && !f.required && rapid.Bool().Draw(t, label+f.name+" absent"):
		return
	case noisy && len(f.invalid) > 0:
		m[f.name] = pick(t, label+f.name+" invalid", f.invalid...)
	default:
		if len(f.valid) > 0 {
			m[f.name] = pick(t, label+f.name, f.valid...)
		}
	}
}

func nums(ss ...string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = jn(s)
	}
	return out
}

func obj(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

var kwItemFields = []kwField{
	{name: "id", required: true, valid: []any{"ab_1", "abcd_12", "zz_9", "abc_0"},
		invalid: []any{"a_1", "abcde_1", "ab_123456", "ab_", "AB_1", "ab_1\n", jn("1")}},
	{name: "n", required: true, valid: append(nums("-5", "0", "10", "1.0", "1e1", "-5.0", "1e0"), float64(3), int(4)),
		invalid: append(nums("-6", "11", "2.5", "99999999999999999999"), "3", nil)},
	{name: "x", valid: append(nums("0.25", "1.25", "0.5e0", "1"), float64(0.75)),
		invalid: append(nums("0", "1.5", "1.3", "-0.25"), "0.5")},
	{name: "big", valid: append(nums("100000000000000000000", "1e20", "99999999999999999999.0", "-9223372036854775809", "9223372036854775807"), uint64(math.MaxUint64)),
		invalid: nums("100000000000000000001", "1.00000000000000000001e20", "1.5")},
	{name: "e", valid: []any{"a", jn("1"), jn("1.0"), nil, true, obj("k", nums("1", "2")), obj("k", nums("1", "2.0")), nums("1.5"), nums("1.50"), float64(1), int(1)},
		invalid: []any{"b", "1", false, obj("k", nums("2", "1")), []any{}}},
	{name: "c", valid: []any{obj("a", jn("1")), obj("a", jn("1.0"))},
		invalid: []any{obj("a", "1"), obj(), obj("a", jn("1"), "b", jn("2")), jn("1"), obj("a", math.NaN())}},
	{name: "all", valid: []any{"ab", "abc", "éé"}, invalid: []any{"a", jn("1"), "é"}},
	{name: "one", valid: append(nums("2.5", "4", "1.5"), float64(2.5)), invalid: append(nums("1", "3", "4.5", "3.0", "-1"), "x", nil)},
	{name: "not", valid: []any{jn("1"), nil, []any{}}, invalid: []any{"x", ""}},
	{name: "cond", valid: []any{"ab", "", jn("1"), jn("2.0")}, invalid: []any{"abc", jn("1.5"), nil}},
	{name: "anything", valid: []any{nil, "x", jn("1"), obj("a", []any{}), []any{true}}},
	{name: "nothing", invalid: []any{nil, "x", jn("1")}},
	{name: "leaf", valid: []any{obj("name", "ab"), obj("name", "éé"), obj("name", "abc", "x", jn("1"))},
		invalid: []any{obj("name", "a"), obj("name", "abcd"), obj(), "x", obj("x", jn("1"))}},
	{name: "zz", invalid: []any{jn("1")}},
}

var kwPageFields = []kwField{
	{name: "pagination", required: true, valid: []any{nil, obj(), obj("nextCursor", nil), obj("nextCursor", "c"), obj("k", jn("1")), obj("k", jn("2.0"), "nextCursor", "é")},
		invalid: []any{obj("nextCursor", ""), obj("k", "x"), obj("k", jn("1.5")), "x"}},
	{name: "extraReq", required: true, valid: []any{true, jn("1"), jn("-2.5")}, invalid: []any{nil, "x", obj(), []any{}}}, // additionalProperties
	{name: "tuple", valid: []any{nums("1"), []any{jn("1"), "x"}, []any{jn("1.0"), "x"}},
		invalid: []any{[]any{jn("1"), "x", jn("2")}, []any{"x"}, []any{jn("1"), "y"}, []any{}, nums("1.5"), "x"}},
	{name: "z1", valid: []any{true, jn("1"), jn("-2.5")}, invalid: []any{"s", nil, []any{}}},
	{name: "z2", valid: []any{false, jn("0")}, invalid: []any{obj()}},
}

// genKeywordPage draws a body for testdata/keywords.openapi.json: valid throughout when the
// drawn noise is 0, with more and more invalid choices as it grows.
func genKeywordPage(t *rapid.T) any {
	noise := rapid.IntRange(0, 4).Draw(t, "noise")
	root := map[string]any{}
	maxItems := 4
	if noise > 0 {
		maxItems = 5
	}
	if noise == 0 || rapid.IntRange(0, 9).Draw(t, "data noisy") >= noise {
		data := []any{}
		for i := range rapid.IntRange(0, maxItems).Draw(t, "items") {
			item := map[string]any{}
			for _, f := range kwItemFields {
				f.put(t, item, fmt.Sprintf("item %d ", i), noise)
			}
			data = append(data, item)
		}
		root["data"] = data
	} else if rapid.Bool().Draw(t, "data wrong") {
		root["data"] = pick(t, "data", "x", obj(), nil)
	}
	for _, f := range kwPageFields {
		f.put(t, root, "", noise)
	}
	return root
}

func loadTestdata(name string) *Contract {
	raw, err := os.ReadFile("testdata/" + name)
	Expect(err).NotTo(HaveOccurred())
	c, err := Load(raw)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// --- the specs ----------------------------------------------------------------------------

var _ = Describe("the validation fast path", func() {
	var (
		c       *Contract
		success *Response
	)
	BeforeEach(func() {
		var err error
		c, err = projectContract()
		Expect(err).NotTo(HaveOccurred())
		success = c.Response(c.SuccessStatus())
		ok, why := success.FastPath()
		Expect(ok).To(BeTrue(), why)
	})

	It("accepts conformant pages of every size, like the library", func() {
		for _, n := range []int{0, 1, 2, 25, 100} {
			for seed := range 3 {
				body := freshPage(n, seed)
				Expect(disagreement(success, body)).To(BeEmpty())
				Expect(success.schema.fast.valid(body)).To(BeTrue(), "page of %d", n)
			}
		}
	})

	It("agrees with the library on the spec's own example", func() {
		var spec specJSON
		Expect(json.Unmarshal(conform.OpenAPI, &spec)).To(Succeed())
		raw, err := json.Marshal(spec.at("paths", "/api/v1/payouts", "get", "responses", "200", "content", "application/json", "example"))
		Expect(err).NotTo(HaveOccurred())
		body, err := decodeBody(raw)
		Expect(err).NotTo(HaveOccurred())
		Expect(disagreement(success, body)).To(BeEmpty())
		Expect(success.Validate(body, 0)).To(BeEmpty())
	})

	It("agrees with the library, and with the spec, on every listed mutation of a page", func() {
		cases := successCases()
		Expect(len(cases)).To(BeNumerically(">", 700))
		for _, tc := range cases {
			body := tc.mutate(freshPage(25, 1))
			Expect(disagreement(success, body)).To(BeEmpty(), tc.name)
			Expect(success.schema.schema.Validate(body) == nil).To(Equal(tc.valid), "%s: the spec's verdict", tc.name)
		}
	})

	It("mirrors the library's handling of Go values a decoder with UseNumber does not produce", func() {
		for _, tc := range goValueCases() {
			body := tc.mutate(freshPage(5, 2))
			Expect(disagreement(success, body)).To(BeEmpty(), tc.name)
		}
	})

	It("returns the library's violations for a body it rejects", func() {
		body := freshPage(25, 0)
		body = set(body, itemPath(3, "createdAt"), "2100-02-29T00:00:00Z")
		body = del(body, itemPath(7, "amount.currency"))
		got := success.Validate(body, 0)
		Expect(got).To(HaveLen(2))
		Expect(got[0].Path).To(Equal("/data/3/createdAt"))
		Expect(got[1].Path).To(Equal("/data/7/amount"))
		Expect(got[1].Message).To(ContainSubstring("currency"))
		Expect(success.Validate(body, 1)).To(Equal(got[:1]))
	})

	It("agrees with the library on generated pages with random mutations", func() {
		counts := map[bool]int{}
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			body := genPage(t)
			if d := disagreement(success, body); d != "" {
				t.Fatalf("%s", d)
			}
			if rt, ok := roundTrip(body); ok {
				if d := disagreement(success, rt); d != "" {
					t.Fatalf("after a JSON round trip: %s", d)
				}
			}
			counts[success.schema.schema.Validate(body) == nil]++
		})
		GinkgoWriter.Printf("generated pages: %d valid, %d invalid\n", counts[true], counts[false])
		Expect(counts[true]).To(BeNumerically(">", 5), "too few valid pages: the test would be vacuous")
		Expect(counts[false]).To(BeNumerically(">", 5))
	})

	It("agrees with the library on generated dates in every date field", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			body := freshPage(3, 4)
			for i := range 3 {
				for _, f := range dateFields {
					body = set(body, itemPath(i, f), genDate.Draw(t, fmt.Sprintf("%d %s", i, f)))
				}
			}
			if d := disagreement(success, body); d != "" {
				t.Fatalf("%s", d)
			}
		})
	})

	It("agrees with the library on arbitrary JSON, for every documented response", func() {
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			body := genJSON(4).Draw(t, "body")
			for _, st := range c.Statuses {
				if d := disagreement(c.Response(st), body); d != "" {
					t.Fatalf("status %d: %s", st, d)
				}
			}
		})
	})

	It("agrees with the library on error bodies", func() {
		errorResp := c.Response(422)
		counts := map[bool]int{}
		rapid.Check(GinkgoT(), func(t *rapid.T) {
			e := map[string]any{}
			putMaybe(t, e, "code", func() any { return pick(t, "code", "VALIDATION", "", jn("422"), nil) })
			putMaybe(t, e, "message", func() any { return rapid.String().Draw(t, "message") })
			putMaybe(t, e, "details", func() any {
				return pick(t, "details", genJSON(3).Draw(t, "details json"), math.NaN(), map[string]string{}, nil, float64(1))
			})
			var body any = map[string]any{"error": e}
			body = mutate(t, body, rapid.IntRange(0, 2).Draw(t, "mutations"))
			if d := disagreement(errorResp, body); d != "" {
				t.Fatalf("%s", d)
			}
			counts[errorResp.schema.schema.Validate(body) == nil]++
		})
		Expect(counts[true]).To(BeNumerically(">", 5))
		Expect(counts[false]).To(BeNumerically(">", 5))
	})

	It("keeps its verdicts when many goroutines share the pattern cache, past its bound", func() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer GinkgoRecover()
				for seed := range 40 {
					body := freshPage(25, g*1000+seed) // distinct instants: ~2,000 per goroutine
					if seed%3 == 0 {
						body = set(body, itemPath(seed%25, "updatedAt"), invalidDates[seed%len(invalidDates)])
					}
					if d := disagreement(success, body); d != "" {
						mu.Lock()
						failures = append(failures, d)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		Expect(failures).To(BeEmpty())
		for _, p := range success.schema.fast.patterns {
			p.mu.Lock()
			Expect(len(p.m)).To(BeNumerically("<=", patternCacheEntries))
			p.mu.Unlock()
		}
	})

	Context("on a schema using every keyword the fast path mirrors", func() {
		var kw *Response
		BeforeEach(func() {
			kw = loadTestdata("keywords.openapi.json").Response(200)
			ok, why := kw.FastPath()
			Expect(ok).To(BeTrue(), why)
		})

		It("agrees with the library on generated bodies", func() {
			counts := map[bool]int{}
			rapid.Check(GinkgoT(), func(t *rapid.T) {
				body := genKeywordPage(t)
				if d := disagreement(kw, body); d != "" {
					t.Fatalf("%s", d)
				}
				counts[kw.schema.schema.Validate(body) == nil]++
			})
			GinkgoWriter.Printf("keyword bodies: %d valid, %d invalid\n", counts[true], counts[false])
			Expect(counts[true]).To(BeNumerically(">", 3), "too few valid bodies: the test would be vacuous")
			Expect(counts[false]).To(BeNumerically(">", 3))
		})

		It("agrees with the library on each keyword, valid and invalid", func() {
			base := func() map[string]any {
				return map[string]any{"data": []any{}, "pagination": nil, "extraReq": jn("0")}
			}
			item := func(k string, v any) any {
				b := base()
				b["data"] = []any{map[string]any{"id": "ab_1", "n": jn("0"), k: v}}
				return b
			}
			bodies := map[string]struct {
				body  any
				valid bool
			}{
				"minimal":                        {base(), true},
				"minProperties":                  {map[string]any{"data": []any{}, "pagination": nil}, false},
				"maxProperties":                  {func() any { b := base(); b["z1"], b["z2"], b["z3"], b["z4"] = true, true, true, true; return b }(), false},
				"additionalProperties schema ok": {func() any { b := base(); b["z"] = jn("1.5"); return b }(), true},
				"additionalProperties schema":    {func() any { b := base(); b["z"] = "s"; return b }(), false},
				"maxItems": {func() any {
					b := base()
					b["data"] = slices.Repeat([]any{map[string]any{"id": "ab_1", "n": jn("1")}}, 5)
					return b
				}(), false},
				"prefixItems":                {func() any { b := base(); b["tuple"] = []any{jn("1"), "x"}; return b }(), true},
				"items false":                {func() any { b := base(); b["tuple"] = []any{jn("1"), "x", jn("2")}; return b }(), false},
				"minItems":                   {func() any { b := base(); b["tuple"] = []any{}; return b }(), false},
				"integer 1.0":                {item("n", jn("1.0")), true},
				"integer 1e1":                {item("n", jn("1e1")), true},
				"integer 2.5":                {item("n", jn("2.5")), false},
				"minimum":                    {item("n", jn("-6")), false},
				"maximum":                    {item("n", jn("11")), false},
				"maximum huge":               {item("n", jn("99999999999999999999")), false},
				"exclusiveMinimum":           {item("x", jn("0")), false},
				"exclusiveMaximum":           {item("x", jn("1.5")), false},
				"multipleOf":                 {item("x", jn("1.3")), false},
				"multipleOf ok":              {item("x", jn("1.25")), true},
				"big maximum":                {item("big", jn("100000000000000000000")), true},
				"big maximum+1":              {item("big", jn("100000000000000000001")), false},
				"enum object":                {item("e", map[string]any{"k": []any{jn("1"), jn("2.0")}}), true},
				"enum array":                 {item("e", []any{jn("1.50")}), true},
				"enum miss":                  {item("e", "b"), false},
				"const":                      {item("c", map[string]any{"a": jn("1.0")}), true},
				"const miss":                 {item("c", map[string]any{"a": "1"}), false},
				"allOf":                      {item("all", "a"), false},
				"oneOf two":                  {item("one", jn("2")), false},
				"oneOf one":                  {item("one", jn("2.5")), true},
				"not":                        {item("not", "x"), false},
				"if then":                    {item("cond", "abc"), false},
				"if else":                    {item("cond", jn("1.5")), false},
				"false schema":               {item("nothing", nil), false},
				"pattern":                    {item("id", "AB_1"), false},
				"maxLength":                  {item("id", "ab_123456"), false},
				"minLength runes":            {item("leaf", map[string]any{"name": "éé"}), true},
				"ref'd required":             {item("leaf", map[string]any{}), false},
				"additionalProperties false": {item("zz", jn("1")), false},
			}
			for name, tc := range bodies {
				Expect(disagreement(kw, tc.body)).To(BeEmpty(), name)
				Expect(kw.schema.schema.Validate(tc.body) == nil).To(Equal(tc.valid), "%s: the schema's verdict", name)
			}
		})
	})

	Context("on a schema with a keyword it does not mirror", func() {
		It("falls back to the library for that response, and says why", func() {
			fb := loadTestdata("fallback.openapi.json")
			reasons := map[int]string{200: "uniqueItems", 201: "patternProperties", 202: "recursive", 203: "dependentRequired"}
			for st, want := range reasons {
				r := fb.Response(st)
				ok, why := r.FastPath()
				Expect(ok).To(BeFalse(), "status %d", st)
				Expect(why).To(ContainSubstring(want))
				Expect(r.schema.fast).To(BeNil())
			}
			dup := map[string]any{"data": []any{map[string]any{"id": "a"}, map[string]any{"id": "a"}}}
			Expect(fb.Response(200).Validate(dup, 0)).NotTo(BeEmpty())
			Expect(fb.Response(200).Validate(map[string]any{"data": []any{map[string]any{"id": "a"}}}, 0)).To(BeEmpty())
			Expect(fb.Response(201).Validate(map[string]any{"data": []any{}, "x-n": "s"}, 0)).NotTo(BeEmpty())
			tree := map[string]any{"data": []any{map[string]any{"id": "a", "children": []any{map[string]any{"id": jn("1")}}}}}
			Expect(fb.Response(202).Validate(tree, 0)).NotTo(BeEmpty())
			Expect(fb.Response(203).Validate(map[string]any{"data": []any{}}, 0)).NotTo(BeEmpty())
		})
	})
})
