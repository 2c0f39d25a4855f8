package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pb33f/jsonschema/v6"
)

// The fast path decides "valid" for a decoded body without the library's evaluator, which
// builds scopes, instance locations and error values on every node and costs hundreds of µs
// per page. It is compiled from the very *jsonschema.Schema the library compiled (so $ref
// resolution, OpenAPI rendering and regexp engine are the library's own), and it only supports
// the keywords it mirrors exactly. A schema that uses anything else gets no fast path: the
// Response falls back to the library for every body. The fast path never produces violations:
// a body it does not accept is handed to the library, which renders the messages.

// fastSchema is the fast path of one response schema.
type fastSchema struct {
	root     *fastNode
	patterns []*patternCache
}

// valid reports whether the body satisfies the schema, with the library's semantics.
func (f *fastSchema) valid(v any) bool { return f.root.valid(v) }

// resetCaches empties the pattern caches (benchmarks of the cold path use it).
func (f *fastSchema) resetCaches() {
	for _, p := range f.patterns {
		p.reset()
	}
}

// jsonType mirrors the library's type bits.
type jsonType uint8

const (
	tInvalid jsonType = 0
	tNull    jsonType = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

var typeNames = map[string]jsonType{
	"null": tNull, "boolean": tBoolean, "number": tNumber, "integer": tInteger,
	"string": tString, "array": tArray, "object": tObject,
}

// typeOf is the library's typeOf: the Go types a decoder can produce, NaN and infinities invalid.
func typeOf(v any) jsonType {
	switch v := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return tInvalid
		}
		return tNumber
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return tInvalid
		}
		return tNumber
	case json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return tNumber
	case string:
		return tString
	case []any:
		return tArray
	case map[string]any:
		return tObject
	default:
		return tInvalid
	}
}

// fastProp is one declared property of an object schema.
type fastProp struct {
	name     string
	node     *fastNode
	required bool
}

// fastNode is one compiled schema node. Zero values mean "keyword absent"; integer bounds
// use -1 for absent.
type fastNode struct {
	accept, reject bool // boolean schemas true / false

	types jsonType // 0 = any type
	enum  *fastEnum
	cnst  *any

	ref                      *fastNode
	allOf, anyOf, oneOf      []*fastNode
	not, ifS, thenS, elseS   *fastNode
	props                    []fastProp
	propIndex                map[string]int // name -> index in props, for additionalProperties
	extraRequired            []string       // required names that are not declared properties
	noAdditional             bool           // additionalProperties: false
	additional               *fastNode      // additionalProperties: schema
	minProps, maxProps       int
	prefixItems              []*fastNode
	items                    *fastNode
	minItems, maxItems       int
	minLen, maxLen           int
	pattern                  *patternCache
	minimum, maximum         *big.Rat
	exclMinimum, exclMaximum *big.Rat
	multipleOf               *big.Rat
	numeric                  bool // any numeric keyword set
	iMin, iMax               int64
	iMinOK, iMaxOK           bool // minimum / maximum as int64, for the json.Number fast path
}

// fastEnum is an enum with a set for its string members.
type fastEnum struct {
	types  jsonType
	strs   map[string]struct{}
	values []any
}

// valid evaluates the node on a value: the conjunction of all its keywords, as the library does.
func (n *fastNode) valid(v any) bool {
	if n.accept {
		return true
	}
	if n.reject {
		return false
	}
	t := typeOf(v)
	if t == tInvalid {
		return false
	}
	if n.types != 0 && n.types&t == 0 && (n.types&tInteger == 0 || t != tNumber || !isInteger(v)) {
		return false
	}
	if n.cnst != nil {
		if ok, bad := equalJSON(v, *n.cnst); bad || !ok {
			return false
		}
	}
	if n.enum != nil && !n.enum.contains(v, t) {
		return false
	}
	if n.ref != nil && !n.ref.valid(v) {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		if !n.validObject(v) {
			return false
		}
	case []any:
		if !n.validArray(v) {
			return false
		}
	case string:
		if !n.validString(v) {
			return false
		}
	case bool, nil:
	default:
		if n.numeric && !n.validNumber(v) {
			return false
		}
	}
	for _, s := range n.allOf {
		if !s.valid(v) {
			return false
		}
	}
	if len(n.anyOf) > 0 {
		matched := false
		for _, s := range n.anyOf {
			if s.valid(v) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	if len(n.oneOf) > 0 {
		matched := 0
		for _, s := range n.oneOf {
			if s.valid(v) {
				if matched++; matched > 1 {
					return false
				}
			}
		}
		if matched != 1 {
			return false
		}
	}
	if n.not != nil && n.not.valid(v) {
		return false
	}
	if n.ifS != nil {
		if n.ifS.valid(v) {
			if n.thenS != nil && !n.thenS.valid(v) {
				return false
			}
		} else if n.elseS != nil && !n.elseS.valid(v) {
			return false
		}
	}
	return true
}

func (n *fastNode) validObject(obj map[string]any) bool {
	if n.minProps >= 0 && len(obj) < n.minProps || n.maxProps >= 0 && len(obj) > n.maxProps {
		return false
	}
	found := 0
	for i := range n.props {
		p := &n.props[i]
		pv, ok := obj[p.name]
		if !ok {
			if p.required {
				return false
			}
			continue
		}
		found++
		if !p.node.valid(pv) {
			return false
		}
	}
	for _, name := range n.extraRequired {
		if _, ok := obj[name]; !ok {
			return false
		}
	}
	if found == len(obj) {
		return true
	}
	// some properties are not declared
	if n.noAdditional {
		return false
	}
	if n.additional != nil {
		for name, pv := range obj {
			if _, declared := n.propIndex[name]; !declared && !n.additional.valid(pv) {
				return false
			}
		}
	}
	return true
}

func (n *fastNode) validArray(arr []any) bool {
	if n.minItems >= 0 && len(arr) < n.minItems || n.maxItems >= 0 && len(arr) > n.maxItems {
		return false
	}
	k := min(len(n.prefixItems), len(arr))
	for i := range k {
		if !n.prefixItems[i].valid(arr[i]) {
			return false
		}
	}
	if n.items != nil {
		for _, item := range arr[k:] {
			if !n.items.valid(item) {
				return false
			}
		}
	}
	return true
}

func (n *fastNode) validString(s string) bool {
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if n.minLen >= 0 && l < n.minLen || n.maxLen >= 0 && l > n.maxLen {
			return false
		}
	}
	return n.pattern == nil || n.pattern.match(s)
}

func (n *fastNode) validNumber(v any) bool {
	if d, ok := v.(json.Number); ok && n.exclMinimum == nil && n.exclMaximum == nil && n.multipleOf == nil &&
		(n.minimum == nil || n.iMinOK) && (n.maximum == nil || n.iMaxOK) && plainInteger(string(d)) {
		if i, err := strconv.ParseInt(string(d), 10, 64); err == nil {
			return (n.minimum == nil || i >= n.iMin) && (n.maximum == nil || i <= n.iMax)
		}
	}
	// the library's own conversion: big.Rat of the value's %v rendering
	num, ok := new(big.Rat).SetString(fmt.Sprintf("%v", v))
	if !ok {
		return false // the library cannot compare it either; let it report
	}
	switch {
	case n.minimum != nil && num.Cmp(n.minimum) < 0,
		n.maximum != nil && num.Cmp(n.maximum) > 0,
		n.exclMinimum != nil && num.Cmp(n.exclMinimum) <= 0,
		n.exclMaximum != nil && num.Cmp(n.exclMaximum) >= 0:
		return false
	case n.multipleOf != nil:
		return new(big.Rat).Quo(num, n.multipleOf).IsInt()
	}
	return true
}

// plainInteger reports whether s is an optional minus followed by decimal digits only.
func plainInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isInteger is the library's integer test (a big.Rat of the value's rendering is whole),
// with a shortcut for plain decimal json.Numbers.
func isInteger(v any) bool {
	if d, ok := v.(json.Number); ok && plainInteger(string(d)) {
		return true
	}
	r, ok := new(big.Rat).SetString(fmt.Sprint(v))
	return ok && r.IsInt()
}

func (e *fastEnum) contains(v any, t jsonType) bool {
	if e.types&t == 0 {
		return false
	}
	if s, ok := v.(string); ok {
		_, found := e.strs[s]
		return found
	}
	for _, item := range e.values {
		ok, bad := equalJSON(v, item)
		if bad {
			return false
		}
		if ok {
			return true
		}
	}
	return false
}

// equalJSON mirrors the library's equals: bad is its "invalid JSON value" error.
func equalJSON(v1, v2 any) (ok, bad bool) {
	switch v1 := v1.(type) {
	case map[string]any:
		v2, ok := v2.(map[string]any)
		if !ok || len(v1) != len(v2) {
			return false, false
		}
		for k, val1 := range v1 {
			val2, ok := v2[k]
			if !ok {
				return false, false
			}
			if ok, bad := equalJSON(val1, val2); !ok || bad {
				return ok, bad
			}
		}
		return true, false
	case []any:
		v2, ok := v2.([]any)
		if !ok || len(v1) != len(v2) {
			return false, false
		}
		for i := range v1 {
			if ok, bad := equalJSON(v1[i], v2[i]); !ok || bad {
				return ok, bad
			}
		}
		return true, false
	case nil:
		return v2 == nil, false
	case bool:
		v2, ok := v2.(bool)
		return ok && v1 == v2, false
	case string:
		v2, ok := v2.(string)
		return ok && v1 == v2, false
	case json.Number, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if typeOf(v2) != tNumber {
			return false, false
		}
		n1, ok1 := new(big.Rat).SetString(fmt.Sprint(v1))
		n2, ok2 := new(big.Rat).SetString(fmt.Sprint(v2))
		return ok1 && ok2 && n1.Cmp(n2) == 0, false
	default:
		return false, true
	}
}

// patternCache memoises a pattern's verdict on short strings: a page repeats the same
// instants many times, and a match costs ~250 ns where a hit costs a map lookup. It is
// bounded (emptied when full) and safe for concurrent use.
type patternCache struct {
	re jsonschema.Regexp
	mu sync.Mutex
	m  map[string]bool
}

const (
	patternCacheEntries = 2048 // per pattern
	patternCacheMaxLen  = 64   // longer strings are matched, not cached
)

func (p *patternCache) match(s string) bool {
	if len(s) > patternCacheMaxLen {
		return p.re.MatchString(s)
	}
	p.mu.Lock()
	ok, hit := p.m[s]
	p.mu.Unlock()
	if hit {
		return ok
	}
	ok = p.re.MatchString(s)
	p.mu.Lock()
	if len(p.m) >= patternCacheEntries {
		clear(p.m)
	}
	p.m[strings.Clone(s)] = ok // never pin the caller's buffer
	p.mu.Unlock()
	return ok
}

func (p *patternCache) reset() {
	p.mu.Lock()
	clear(p.m)
	p.mu.Unlock()
}

// errUnsupported explains why a schema gets no fast path.
type errUnsupported struct{ what, location string }

func (e *errUnsupported) Error() string {
	return fmt.Sprintf("%s at %s is not supported by the fast path", e.what, e.location)
}

// handledFields are the compiled-schema fields the fast path evaluates or may ignore
// (annotations, identifiers, anchors that only matter to the dynamic references it
// rejects). Every other exported field must be zero, so a library upgrade that adds a
// keyword makes the response fall back instead of being silently skipped.
var handledFields = map[string]bool{
	// evaluated
	"Bool": true, "Ref": true, "Types": true, "Enum": true, "Const": true,
	"Not": true, "AllOf": true, "AnyOf": true, "OneOf": true, "If": true, "Then": true, "Else": true,
	"MaxProperties": true, "MinProperties": true, "Required": true, "Properties": true, "AdditionalProperties": true,
	"MinItems": true, "MaxItems": true, "PrefixItems": true, "Items2020": true,
	"MinLength": true, "MaxLength": true, "Pattern": true,
	"Maximum": true, "Minimum": true, "ExclusiveMaximum": true, "ExclusiveMinimum": true, "MultipleOf": true,
	// checked separately or without effect on the verdict
	"DraftVersion": true, "Location": true, "ID": true, "Anchor": true, "RecursiveAnchor": true, "DynamicAnchor": true,
	"Title": true, "Description": true, "Default": true, "Comment": true, "ReadOnly": true, "WriteOnly": true,
	"Examples": true, "Deprecated": true,
}

// compileFast builds the fast path of a compiled schema, or says why it cannot.
func compileFast(s *jsonschema.Schema) (*fastSchema, error) {
	b := &fastBuilder{
		nodes:    map[*jsonschema.Schema]*fastNode{},
		busy:     map[*jsonschema.Schema]bool{},
		patterns: map[string]*patternCache{},
	}
	root, err := b.node(s)
	if err != nil {
		return nil, err
	}
	f := &fastSchema{root: root}
	for _, p := range b.patterns {
		f.patterns = append(f.patterns, p)
	}
	return f, nil
}

type fastBuilder struct {
	nodes    map[*jsonschema.Schema]*fastNode
	busy     map[*jsonschema.Schema]bool // on the current path: a cycle means recursion
	patterns map[string]*patternCache
}

func (b *fastBuilder) node(s *jsonschema.Schema) (*fastNode, error) {
	if s == nil {
		return nil, nil
	}
	if n, ok := b.nodes[s]; ok {
		return n, nil
	}
	if b.busy[s] {
		return nil, &errUnsupported{"a recursive schema", s.Location}
	}
	b.busy[s] = true
	defer delete(b.busy, s)

	if err := checkFields(s); err != nil {
		return nil, err
	}
	if s.DraftVersion < 2020 {
		return nil, &errUnsupported{fmt.Sprintf("JSON Schema draft %d", s.DraftVersion), s.Location}
	}
	n := &fastNode{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
	if s.Bool != nil {
		n.accept, n.reject = *s.Bool, !*s.Bool
		b.nodes[s] = n
		return n, nil
	}
	var err error
	sub := func(s *jsonschema.Schema) *fastNode {
		if err != nil || s == nil {
			return nil
		}
		var c *fastNode
		c, err = b.node(s)
		return c
	}
	subs := func(ss []*jsonschema.Schema) []*fastNode {
		var out []*fastNode
		for _, s := range ss {
			out = append(out, sub(s))
		}
		return out
	}
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			n.types |= typeNames[t]
		}
	}
	if s.Enum != nil {
		e := &fastEnum{values: s.Enum.Values, strs: map[string]struct{}{}}
		for _, v := range s.Enum.Values {
			e.types |= typeOf(v)
			if str, ok := v.(string); ok {
				e.strs[str] = struct{}{}
			}
		}
		n.enum = e
	}
	n.cnst = s.Const
	n.ref = sub(s.Ref)
	n.allOf, n.anyOf, n.oneOf = subs(s.AllOf), subs(s.AnyOf), subs(s.OneOf)
	n.not, n.ifS, n.thenS, n.elseS = sub(s.Not), sub(s.If), sub(s.Then), sub(s.Else)
	if s.If == nil {
		n.thenS, n.elseS = nil, nil
	}

	// object
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	n.propIndex = map[string]int{}
	for _, name := range sortedKeys(s.Properties) {
		n.propIndex[name] = len(n.props)
		n.props = append(n.props, fastProp{name: name, node: sub(s.Properties[name]), required: required[name]})
		delete(required, name)
	}
	for _, r := range s.Required {
		if required[r] {
			n.extraRequired = append(n.extraRequired, r)
			delete(required, r)
		}
	}
	switch ap := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		n.noAdditional = !ap
	case *jsonschema.Schema:
		n.additional = sub(ap)
	default:
		return nil, &errUnsupported{fmt.Sprintf("keyword additionalProperties (%T)", ap), s.Location}
	}
	n.minProps, n.maxProps = intOr(s.MinProperties), intOr(s.MaxProperties)

	// array
	n.prefixItems = subs(s.PrefixItems)
	n.items = sub(s.Items2020)
	n.minItems, n.maxItems = intOr(s.MinItems), intOr(s.MaxItems)

	// string
	n.minLen, n.maxLen = intOr(s.MinLength), intOr(s.MaxLength)
	if s.Pattern != nil {
		key := fmt.Sprintf("%T/%s", s.Pattern, s.Pattern.String())
		p := b.patterns[key]
		if p == nil {
			p = &patternCache{re: s.Pattern, m: map[string]bool{}}
			b.patterns[key] = p
		}
		n.pattern = p
	}

	// number
	n.minimum, n.maximum = s.Minimum, s.Maximum
	n.exclMinimum, n.exclMaximum, n.multipleOf = s.ExclusiveMinimum, s.ExclusiveMaximum, s.MultipleOf
	n.numeric = n.minimum != nil || n.maximum != nil || n.exclMinimum != nil || n.exclMaximum != nil || n.multipleOf != nil
	n.iMin, n.iMinOK = ratInt64(n.minimum)
	n.iMax, n.iMaxOK = ratInt64(n.maximum)

	if err != nil {
		return nil, err
	}
	b.nodes[s] = n
	return n, nil
}

// checkFields rejects a schema that sets an exported field the fast path does not handle.
func checkFields(s *jsonschema.Schema) error {
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || handledFields[f.Name] {
			continue
		}
		if !v.Field(i).IsZero() {
			return &errUnsupported{"keyword " + keywordName(f.Name), s.Location}
		}
	}
	return nil
}

// keywordName turns a field name into the keyword it holds (UniqueItems -> uniqueItems).
func keywordName(field string) string {
	switch field {
	case "Items":
		return "items (pre-2020)"
	case "Extensions":
		return "vocabulary extension"
	}
	return strings.ToLower(field[:1]) + field[1:]
}

func intOr(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func ratInt64(r *big.Rat) (int64, bool) {
	if r == nil || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}

func sortedKeys(m map[string]*jsonschema.Schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
