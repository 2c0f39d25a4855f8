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
type compiledSchema struct {
	schema *jsonschema.Schema
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
	return &compiledSchema{schema: c.CompiledSchema}, nil
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

// Validate checks a decoded JSON body (numbers as json.Number, as client.DecodeJSON gives
// them, or float64) against the response's schema with the library's compiled schema and
// returns the leaf violations, ordered by path, at most max (0 = all).
func (r *Response) Validate(body any, max int) []SchemaViolation {
	if r == nil || r.schema == nil {
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
