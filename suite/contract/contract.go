// Package contract loads the OpenAPI document once and exposes the facts of the certified
// operation (GET /api/v1/payouts) as plain Go values: its parameters with their schemas, the
// documented statuses, the response shape, the rate-limit header names and the security
// header. Nothing downstream reads the spec again, and nothing downstream hard-codes a fact
// the spec holds: a changed spec changes what the suite tests.
package contract

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// OperationID is the operation the suite certifies; when a spec has no operation with this ID,
// the only GET operation whose path ends in "/payouts" is used instead.
const OperationID = "listPayouts"

// ErrSpec wraps every error that comes from an unusable spec (unparsable, not OpenAPI 3.1,
// lacking the operation); the CLI maps it to a configuration error.
var ErrSpec = errors.New("invalid spec")

// Contract is the set of facts about the certified operation.
type Contract struct {
	Title          string  // info.title
	APIVersion     string  // info.version
	OpenAPIVersion string  // e.g. "3.1.0"
	Method         string  // "GET"
	Path           string  // e.g. "/api/v1/payouts"
	OperationID    string  // e.g. "listPayouts"
	OperationPtr   string  // JSON pointer of the operation in the spec, e.g. "#/paths/~1api~1v1~1payouts/get"
	KeyHeader      string  // the apiKey security scheme's header name, e.g. "x-api-key"
	Params         []Param // the operation's query parameters, in spec order
	Statuses       []int   // documented statuses, ascending
	Page           Page    // the success response's shape
	RateLimit      RateLimitHeaders

	responses map[int]*Response
}

// Response is one documented response: its media type and compiled body schema.
type Response struct {
	Status    int
	MediaType string // e.g. "application/json"; "" when the response has no content
	Headers   []string
	Pointer   string // JSON pointer of the response in the spec
	schema    *compiledSchema
}

// RateLimitHeaders names the success response's rate-limit headers; empty when the spec
// documents none.
type RateLimitHeaders struct {
	Limit     string // the header whose name does not mention "remaining"
	Remaining string // the header whose name mentions "remaining"
}

// Load parses an OpenAPI 3.1 document (JSON or YAML) and extracts the certified operation.
func Load(spec []byte) (c *Contract, err error) {
	defer func() {
		if r := recover(); r != nil { // libopenapi can panic on hostile input
			c, err = nil, fmt.Errorf("%w: the spec could not be parsed (%v)", ErrSpec, r)
		}
	}()
	if len(strings.TrimSpace(string(spec))) == 0 {
		return nil, fmt.Errorf("%w: the spec is empty", ErrSpec)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSpec, err)
	}
	info := doc.GetSpecInfo()
	if info == nil || !strings.HasPrefix(info.Version, "3.1") {
		v := "unknown"
		if info != nil && info.Version != "" {
			v = info.Version
		}
		return nil, fmt.Errorf("%w: OpenAPI 3.1 is required, the spec declares %s", ErrSpec, v)
	}
	model, err := doc.BuildV3Model()
	if err != nil || model == nil {
		return nil, fmt.Errorf("%w: %v", ErrSpec, err)
	}
	m := &model.Model
	path, op := findOperation(m)
	if op == nil {
		return nil, fmt.Errorf("%w: no GET operation %q (or GET .../payouts) in the spec", ErrSpec, OperationID)
	}
	c = &Contract{
		OpenAPIVersion: info.Version,
		Method:         "GET",
		Path:           path,
		OperationID:    op.OperationId,
		OperationPtr:   "#/paths/" + escapePointer(path) + "/get",
		responses:      map[int]*Response{},
	}
	if m.Info != nil {
		c.Title, c.APIVersion = m.Info.Title, m.Info.Version
	}
	if c.KeyHeader, err = keyHeader(m, op); err != nil {
		return nil, err
	}
	if err := c.loadResponses(op); err != nil {
		return nil, err
	}
	if err := c.loadParams(op); err != nil {
		return nil, err
	}
	return c, nil
}

func findOperation(m *v3.Document) (string, *v3.Operation) {
	if m.Paths == nil || m.Paths.PathItems == nil {
		return "", nil
	}
	var fallback []string
	var fallbackOp *v3.Operation
	for p, item := range m.Paths.PathItems.FromOldest() {
		if item == nil || item.Get == nil {
			continue
		}
		if item.Get.OperationId == OperationID {
			return p, item.Get
		}
		if strings.HasSuffix(p, "/payouts") {
			fallback = append(fallback, p)
			fallbackOp = item.Get
		}
	}
	if len(fallback) == 1 {
		return fallback[0], fallbackOp
	}
	return "", nil
}

func keyHeader(m *v3.Document, op *v3.Operation) (string, error) {
	reqs := op.Security
	if reqs == nil {
		reqs = m.Security
	}
	if m.Components == nil || m.Components.SecuritySchemes == nil {
		return "", fmt.Errorf("%w: the spec defines no security scheme", ErrSpec)
	}
	for _, r := range reqs {
		if r == nil || r.Requirements == nil {
			continue
		}
		for name := range r.Requirements.KeysFromOldest() {
			s := m.Components.SecuritySchemes.GetOrZero(name)
			if s != nil && s.Type == "apiKey" && s.In == "header" && s.Name != "" {
				return s.Name, nil
			}
		}
	}
	return "", fmt.Errorf("%w: the operation has no apiKey-in-header security requirement", ErrSpec)
}

// Response returns the documented response for a status, or nil when it is undocumented.
func (c *Contract) Response(status int) *Response { return c.responses[status] }

// Documented reports whether the operation documents the status.
func (c *Contract) Documented(status int) bool { _, ok := c.responses[status]; return ok }

// Param returns the parameter with the given name, or nil.
func (c *Contract) Param(name string) *Param {
	for i := range c.Params {
		if c.Params[i].Name == name {
			return &c.Params[i]
		}
	}
	return nil
}

// ParamsWithRole returns the parameters that play a role, in spec order.
func (c *Contract) ParamsWithRole(r Role) []*Param {
	var out []*Param
	for i := range c.Params {
		if c.Params[i].Role == r {
			out = append(out, &c.Params[i])
		}
	}
	return out
}

// Filters returns the parameters that filter the listing (equality or bound), in spec order.
func (c *Contract) Filters() []*Param {
	var out []*Param
	for i := range c.Params {
		if c.Params[i].Role.IsFilter() {
			out = append(out, &c.Params[i])
		}
	}
	return out
}

// PageSize returns the page-size parameter (limit), or nil when the spec has none.
func (c *Contract) PageSize() *Param { return first(c.ParamsWithRole(RolePageSize)) }

// Cursor returns the cursor parameter, or nil when the spec has none.
func (c *Contract) Cursor() *Param { return first(c.ParamsWithRole(RoleCursor)) }

func first(ps []*Param) *Param {
	if len(ps) == 0 {
		return nil
	}
	return ps[0]
}

func (c *Contract) loadResponses(op *v3.Operation) error {
	if op.Responses == nil || op.Responses.Codes == nil {
		return fmt.Errorf("%w: the operation documents no responses", ErrSpec)
	}
	for code, r := range op.Responses.Codes.FromOldest() {
		status, err := strconv.Atoi(code)
		if err != nil || r == nil {
			continue // ranges such as 4XX are not used by this contract
		}
		resp := &Response{Status: status, Pointer: c.OperationPtr + "/responses/" + code}
		if r.Headers != nil {
			for h := range r.Headers.KeysFromOldest() {
				resp.Headers = append(resp.Headers, strings.ToLower(h))
			}
		}
		if r.Content != nil {
			for mt, media := range r.Content.FromOldest() {
				if !strings.Contains(mt, "json") || media == nil || media.Schema == nil {
					continue
				}
				resp.MediaType = mt
				sch := media.Schema.Schema()
				if sch == nil {
					return fmt.Errorf("%w: the %d response schema cannot be resolved: %v", ErrSpec, status, media.Schema.GetBuildError())
				}
				cs, err := compile(sch)
				if err != nil {
					return fmt.Errorf("%w: the %d response schema does not compile: %v", ErrSpec, status, err)
				}
				resp.schema = cs
				if status >= 200 && status < 300 {
					if err := c.loadPage(sch); err != nil {
						return err
					}
				}
				break
			}
		}
		if status >= 200 && status < 300 {
			c.loadRateLimit(resp.Headers)
		}
		c.responses[status] = resp
		c.Statuses = append(c.Statuses, status)
	}
	slices.Sort(c.Statuses)
	if c.Page.DataField == "" {
		return fmt.Errorf("%w: no 2xx JSON response with an array of items", ErrSpec)
	}
	return nil
}

func (c *Contract) loadRateLimit(headers []string) {
	var rest []string
	for _, h := range headers {
		if strings.Contains(h, "remaining") {
			c.RateLimit.Remaining = h
		} else if strings.Contains(h, "limit") {
			rest = append(rest, h)
		}
	}
	if len(rest) > 0 {
		c.RateLimit.Limit = rest[0]
	}
	if c.RateLimit.Limit == "" || c.RateLimit.Remaining == "" {
		c.RateLimit = RateLimitHeaders{}
	}
}

// SuccessStatus is the documented 2xx status of the operation (200 for this contract).
func (c *Contract) SuccessStatus() int {
	for _, s := range c.Statuses {
		if s >= 200 && s < 300 {
			return s
		}
	}
	return 200
}

// ValidationStatus is the documented status for a parameter that fails its schema: the
// documented 4xx other than 401, 403 and 429 (422 for this contract).
func (c *Contract) ValidationStatus() int {
	for _, s := range c.Statuses {
		if s >= 400 && s < 500 && s != 401 && s != 403 && s != 429 {
			return s
		}
	}
	return 422
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// patternOf compiles a schema pattern with Go's regexp (the spec's patterns are authoritative).
func patternOf(s *base.Schema) (*regexp.Regexp, error) {
	if s == nil || s.Pattern == "" {
		return nil, nil
	}
	return regexp.Compile(s.Pattern)
}
