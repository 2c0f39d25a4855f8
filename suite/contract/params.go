package contract

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Role is what a query parameter does to the listing, derived from the spec (never from a
// hard-coded parameter name).
type Role int

const (
	// RoleOther is a parameter whose effect the suite cannot derive: only its schema is checked.
	RoleOther Role = iota
	// RolePageSize is the integer page-size parameter with a maximum (limit).
	RolePageSize
	// RoleCursor is the opaque cursor a previous page returned (its name appears in the page's
	// cursor property, e.g. cursor in nextCursor).
	RoleCursor
	// RoleEquals filters items whose field equals the value (stage, partnerId).
	RoleEquals
	// RoleAtLeast filters items whose instant field is on or after the value (periodStart).
	RoleAtLeast
	// RoleAtMost filters items whose instant field is on or before the value (periodEnd).
	RoleAtMost
)

// IsFilter reports whether the role narrows the listing.
func (r Role) IsFilter() bool { return r == RoleEquals || r == RoleAtLeast || r == RoleAtMost }

// String names the role.
func (r Role) String() string {
	return [...]string{"other", "page-size", "cursor", "equals", "at-least", "at-most"}[r]
}

// Param is one query parameter with the facts of its schema.
type Param struct {
	Name     string
	Required bool
	Type     string   // JSON Schema type: "integer", "string", ...
	Enum     []string // allowed values, when the schema has an enum
	Minimum  *int64   // integer bounds, when set
	Maximum  *int64
	Default  string         // the default as the query string would carry it; "" when none
	Pattern  *regexp.Regexp // the schema pattern (Go regexp), when set
	Format   string
	Role     Role
	Field    []string // for filters: the item field it compares, e.g. ["partner", "id"]
	Pointer  string   // JSON pointer of the parameter in the spec
	MinLen   *int64
	MaxLen   *int64
	IsDate   bool // the value is an instant (date-time format or a date pattern)
	describe string
}

func (c *Contract) loadParams(op *v3.Operation) error {
	for i, p := range op.Parameters {
		if p == nil || p.In != "query" {
			continue
		}
		param := Param{
			Name:     p.Name,
			Required: p.Required != nil && *p.Required,
			Pointer:  fmt.Sprintf("%s/parameters/%d", c.OperationPtr, i),
			describe: strings.ToLower(p.Description),
		}
		if p.Schema != nil {
			s := p.Schema.Schema()
			if s == nil {
				return fmt.Errorf("%w: parameter %s: schema cannot be resolved", ErrSpec, p.Name)
			}
			if err := param.fromSchema(s); err != nil {
				return fmt.Errorf("%w: parameter %s: %v", ErrSpec, p.Name, err)
			}
			if param.describe == "" {
				param.describe = strings.ToLower(s.Description)
			}
		}
		c.Params = append(c.Params, param)
	}
	for i := range c.Params {
		c.assignRole(&c.Params[i])
	}
	return nil
}

func (p *Param) fromSchema(s *base.Schema) error {
	if len(s.Type) > 0 {
		p.Type = s.Type[0]
	}
	for _, n := range s.Enum {
		if n != nil {
			p.Enum = append(p.Enum, n.Value)
		}
	}
	p.Minimum, p.Maximum = intBound(s.Minimum), intBound(s.Maximum)
	if s.ExclusiveMinimum != nil && s.ExclusiveMinimum.IsB() {
		v := int64(math.Floor(s.ExclusiveMinimum.B)) + 1
		p.Minimum = &v
	}
	if s.ExclusiveMaximum != nil && s.ExclusiveMaximum.IsB() {
		v := int64(math.Ceil(s.ExclusiveMaximum.B)) - 1
		p.Maximum = &v
	}
	if s.Default != nil {
		p.Default = s.Default.Value
	}
	re, err := patternOf(s)
	if err != nil {
		return fmt.Errorf("pattern does not compile with Go regexp: %v", err)
	}
	p.Pattern = re
	p.Format = s.Format
	p.MinLen, p.MaxLen = s.MinLength, s.MaxLength
	p.IsDate = p.Format == "date-time" || p.Format == "date"
	return nil
}

func intBound(f *float64) *int64 {
	if f == nil {
		return nil
	}
	v := int64(*f)
	return &v
}

// DefaultInt is the parameter's default as an integer (ok false when it has none).
func (p *Param) DefaultInt() (int, bool) {
	v, err := strconv.Atoi(p.Default)
	return v, err == nil && p.Default != ""
}

// Valid reports whether a raw query value satisfies the parameter's schema as a client reads
// it: integers in canonical decimal form within bounds, enum members (case-sensitive), pattern
// and length constraints.
func (p *Param) Valid(v string) bool {
	switch p.Type {
	case "integer":
		if v == "" || strings.TrimLeft(v, "0123456789") != "" {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		if p.Minimum != nil && n < *p.Minimum || p.Maximum != nil && n > *p.Maximum {
			return false
		}
	case "boolean":
		if v != "true" && v != "false" {
			return false
		}
	}
	if len(p.Enum) > 0 {
		found := false
		for _, e := range p.Enum {
			found = found || e == v
		}
		if !found {
			return false
		}
	}
	if p.Pattern != nil && !p.Pattern.MatchString(v) {
		return false
	}
	n := int64(len([]rune(v)))
	if p.MinLen != nil && n < *p.MinLen || p.MaxLen != nil && n > *p.MaxLen {
		return false
	}
	return true
}

// assignRole derives what the parameter does from its schema, its description and the
// success response's item fields.
func (c *Contract) assignRole(p *Param) {
	switch {
	case p.Type == "integer" && p.Maximum != nil && p.Minimum != nil:
		p.Role = RolePageSize
		return
	case p.Type == "string" && c.Page.CursorField != "" &&
		strings.Contains(strings.ToLower(c.Page.CursorField), strings.ToLower(p.Name)):
		p.Role = RoleCursor
		return
	}
	field := c.Page.fieldFor(p.Name)
	if field == nil {
		return
	}
	p.Field = field.Path
	if field.Pattern != nil && p.Pattern != nil || field.IsDate {
		p.IsDate = true
	}
	switch {
	case p.IsDate && mentionsAny(p.describe, "on or after", "after", "from", "since", "starting"):
		p.Role = RoleAtLeast
	case p.IsDate && mentionsAny(p.describe, "on or before", "before", "until", "ending"):
		p.Role = RoleAtMost
	case p.IsDate:
		// a date filter whose direction the description does not say: no oracle for it
	default:
		p.Role = RoleEquals
	}
}

func mentionsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// camel joins a field path the way a query parameter names it: partner.id -> partnerId.
func camel(path []string) string {
	var b strings.Builder
	for i, part := range path {
		if i == 0 {
			b.WriteString(part)
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}
