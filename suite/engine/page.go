package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/introw/conform/suite/client"
)

// page is the part of a 200 body the cross-request rules read.
type page struct {
	items    []map[string]any
	ids      []string
	cursor   string
	hasNext  bool // cursor is a non-null string
	shapeErr string
}

// readPage extracts items and the next cursor from a decoded 200 body. Shape problems are
// SCHEMA-BODY's to report; here they only stop the walk.
func (e *Engine) readPage(o *client.Observation) page {
	var p page
	root, ok := o.JSON.(map[string]any)
	if !ok {
		p.shapeErr = "body is not a JSON object"
		return p
	}
	data, ok := root[e.c.Page.DataField].([]any)
	if !ok {
		p.shapeErr = "no " + e.c.Page.DataField + " array"
		return p
	}
	for _, it := range data {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		p.items = append(p.items, m)
		id, _ := m[e.c.Page.IDField].(string)
		if id == "" {
			id = fmt.Sprint(m[e.c.Page.IDField])
		}
		p.ids = append(p.ids, id)
	}
	var cur any = root
	for _, k := range e.c.Page.CursorPath {
		m, ok := cur.(map[string]any)
		if !ok {
			cur = nil
			break
		}
		cur = m[k]
	}
	if s, ok := cur.(string); ok {
		p.cursor, p.hasNext = s, true
	}
	return p
}

// fieldAt returns the value at a field path of an item.
func fieldAt(item map[string]any, path []string) (any, bool) {
	var cur any = item
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[k]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// valueAt renders the value at a JSON pointer of a decoded body (for evidence).
func valueAt(doc any, pointer string) string {
	cur := doc
	if pointer != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
			tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
			switch v := cur.(type) {
			case map[string]any:
				cur = v[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(v) {
					return ""
				}
				cur = v[i]
			default:
				return ""
			}
		}
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return fmt.Sprint(cur)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
