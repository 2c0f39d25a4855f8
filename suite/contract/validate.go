package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// compiledSchema is a response schema compiled once by libopenapi-validator's compiler
// (OpenAPI 3.1 semantics). Formats are annotations only: the spec's date patterns are
// authoritative over format: date-time, so format assertions stay off.
//
// fast is the fast path compiled from the same *jsonschema.Schema (see fastpath.go): it
// accepts conformant bodies without the library's evaluator. It is nil when the schema uses a
// keyword the fast path does not mirror; fallback then says which.
type compiledSchema struct {
	schema   *jsonschema.Schema
	fast     *fastSchema
	fallback string
}

func compile(s *base.Schema) (*compiledSchema, error) {
	opts := config.NewValidationOptions()
	c, err := schema_validation.CompileSchemaForValidation(s, schema_validation.SchemaValidationPurposeResponseBody, opts, 3.1)
	if err != nil {
		return nil, err
	}
	if c == nil || c.CompiledSchema == nil {
		return nil, fmt.Errorf("no compiled schema")
	}
	cs := &compiledSchema{schema: c.CompiledSchema}
	if cs.fast, err = compileFast(c.CompiledSchema); err != nil {
		cs.fast, cs.fallback = nil, err.Error()
	}
	return cs, nil
}

// SchemaViolation is one way a body departs from its schema.
type SchemaViolation struct {
	Path    string // JSON pointer into the body, e.g. "/data/3/amount/value" ("" is the root)
	Message string // what the schema says, e.g. "got number, want string"
}

// String renders the violation as "path: message".
func (v SchemaViolation) String() string {
	p := v.Path
	if p == "" {
		p = "/"
	}
	return p + ": " + v.Message
}

// HasSchema reports whether the response documents a JSON body schema.
func (r *Response) HasSchema() bool { return r != nil && r.schema != nil }

// FastPath reports whether Validate accepts conformant bodies of this response without the
// library's schema evaluator; when it does not, reason says which keyword made it fall back.
// Either way the verdict and the violations are the library's.
func (r *Response) FastPath() (ok bool, reason string) {
	if r == nil || r.schema == nil {
		return false, "the response has no JSON body schema"
	}
	return r.schema.fast != nil, r.schema.fallback
}

// Validate checks a decoded JSON body (numbers as json.Number or float64) against the
// response's schema and returns the leaf violations, deepest first, at most max (0 = all).
// A body the fast path accepts costs no allocation; any other body is evaluated by the
// library's compiled schema, which reports the violations.
func (r *Response) Validate(body any, max int) []SchemaViolation {
	if r == nil || r.schema == nil {
		return nil
	}
	if r.schema.fast != nil && r.schema.fast.valid(body) {
		return nil
	}
	return r.schema.violations(body, max)
}

// violations runs the library's compiled schema on the body.
func (cs *compiledSchema) violations(body any, max int) []SchemaViolation {
	err := cs.schema.Validate(body)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []SchemaViolation{{Message: err.Error()}}
	}
	var out []SchemaViolation
	leaves(ve, &out)
	slices.SortStableFunc(out, func(a, b SchemaViolation) int { return strings.Compare(a.Path, b.Path) })
	out = slices.CompactFunc(out, func(a, b SchemaViolation) bool { return a == b })
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out
}

func leaves(e *jsonschema.ValidationError, out *[]SchemaViolation) {
	if len(e.Causes) == 0 {
		var b strings.Builder
		for _, p := range e.InstanceLocation {
			b.WriteByte('/')
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
		}
		msg := fmt.Sprint(e.ErrorKind)
		if e.ErrorKind != nil {
			msg = e.ErrorKind.LocalizedString(printer)
		}
		*out = append(*out, SchemaViolation{Path: b.String(), Message: msg})
		return
	}
	for _, c := range e.Causes {
		leaves(c, out)
	}
}
