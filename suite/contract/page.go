package contract

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// Page is the shape of the success response: which property holds the items, which holds the
// next-page cursor, and the facts of each item field.
type Page struct {
	DataField   string   // the array property, e.g. "data"
	CursorPath  []string // path to the next-page cursor, e.g. ["pagination", "nextCursor"]
	CursorField string   // the cursor property's name, e.g. "nextCursor"
	IDField     string   // the item property that identifies an item, e.g. "id"
	Fields      []Field  // the item's leaf fields (nested objects flattened), in spec order
}

// Field is one item field (a leaf: nested objects are flattened into paths).
type Field struct {
	Path     []string       // e.g. ["partner", "id"]
	Types    []string       // JSON Schema types, incl. "null" for a nullable field
	Enum     []string       // allowed values, when set
	Pattern  *regexp.Regexp // when set
	Required bool           // required in its parent object
	IsDate   bool           // format date-time or a date pattern
}

// Nullable reports whether the field may be null.
func (f Field) Nullable() bool { return slices.Contains(f.Types, "null") }

func (c *Contract) loadPage(s *base.Schema) error {
	if s.Properties == nil {
		return nil
	}
	for name, proxy := range s.Properties.FromOldest() {
		ps := proxy.Schema()
		if ps == nil {
			continue
		}
		if slices.Contains(ps.Type, "array") && c.Page.DataField == "" && ps.Items != nil && ps.Items.IsA() {
			item := ps.Items.A.Schema()
			if item == nil {
				continue
			}
			c.Page.DataField = name
			c.Page.Fields = flatten(nil, item)
			c.Page.IDField = idField(c.Page.Fields)
			continue
		}
		if slices.Contains(ps.Type, "object") && ps.Properties != nil {
			for sub, sp := range ps.Properties.FromOldest() {
				ss := sp.Schema()
				if ss != nil && containsFold(sub, "cursor") {
					c.Page.CursorPath = []string{name, sub}
					c.Page.CursorField = sub
				}
			}
		}
	}
	return nil
}

// idField picks the top-level field that identifies an item: "id", else the first required
// top-level field whose name ends in "id" or "Id".
func idField(fields []Field) string {
	pick := ""
	for _, f := range fields {
		switch {
		case len(f.Path) != 1:
		case f.Path[0] == "id":
			return "id"
		case pick == "" && f.Required && (strings.HasSuffix(f.Path[0], "Id") || strings.HasSuffix(f.Path[0], "id")):
			pick = f.Path[0]
		}
	}
	return pick
}

// flatten lists the leaf fields of an object schema with their paths.
func flatten(prefix []string, s *base.Schema) []Field {
	var out []Field
	if s.Properties == nil {
		return out
	}
	for name, proxy := range s.Properties.FromOldest() {
		ps := proxy.Schema()
		if ps == nil {
			continue
		}
		path := append(slices.Clone(prefix), name)
		if slices.Contains(ps.Type, "object") && ps.Properties != nil {
			out = append(out, flatten(path, ps)...)
			continue
		}
		f := Field{Path: path, Required: slices.Contains(s.Required, name)}
		f.Types = append(f.Types, ps.Type...)
		for _, alt := range ps.AnyOf {
			if as := alt.Schema(); as != nil {
				f.Types = append(f.Types, as.Type...)
			}
		}
		for _, alt := range ps.OneOf {
			if as := alt.Schema(); as != nil {
				f.Types = append(f.Types, as.Type...)
			}
		}
		for _, n := range ps.Enum {
			if n != nil {
				f.Enum = append(f.Enum, n.Value)
			}
		}
		f.Pattern, _ = patternOf(ps)
		f.IsDate = ps.Format == "date-time"
		out = append(out, f)
	}
	return out
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// fieldFor finds the item field a filter parameter compares: the field of the same name, or
// the nested field whose camel-cased path is the name (partnerId -> partner.id).
func (p *Page) fieldFor(param string) *Field {
	for i := range p.Fields {
		f := &p.Fields[i]
		if f.Path[len(f.Path)-1] == param && len(f.Path) == 1 || camel(f.Path) == param {
			return f
		}
	}
	return nil
}

// Lookup returns the field at a path.
func (p *Page) Lookup(path []string) *Field {
	for i := range p.Fields {
		if slices.Equal(p.Fields[i].Path, path) {
			return &p.Fields[i]
		}
	}
	return nil
}
