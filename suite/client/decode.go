package client

import (
	stdjson "encoding/json"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeJSON parses a response body in one pass with github.com/go-json-experiment/json (the
// basis of Go's encoding/json/v2) into the generic values the schema validator reads:
// map[string]any, []any, string, bool, nil, and numbers as encoding/json's json.Number,
// which keeps a number's literal so integer, bounds and multipleOf checks stay exact
// (12345678901234567890 is not rounded, 1e400 does not overflow).
//
// The library's default options are strict: a duplicate member name or invalid UTF-8 is an
// error, as is anything after the value but whitespace. RFC 8259 leaves duplicate names to the
// parser (interoperability is unpredictable) and requires UTF-8 between systems (§8.1); RFC
// 7493 (I-JSON) forbids both, so a body with either is not acceptable JSON, and the error says
// so when that is the body's only fault.
func DecodeJSON(body []byte) (any, error) {
	var v any
	err := json.Unmarshal(body, &v, exactNumbers)
	if err == nil {
		return v, nil
	}
	if jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
		return nil, fmt.Errorf("not acceptable JSON (RFC 8259 §4 and §8.1, RFC 7493): %w", err)
	}
	return nil, err
}

// exactNumbers decodes every JSON number into an any as a json.Number of its literal (the
// library's own choice for any is float64); everything else is left to the library.
var exactNumbers = json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *any) error {
	if dec.PeekKind() != '0' {
		return errors.ErrUnsupported
	}
	lit, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*v = stdjson.Number(lit)
	return nil
}))
