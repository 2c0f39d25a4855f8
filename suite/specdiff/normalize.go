package specdiff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/index"
)

// Target operation compared by this package.
const (
	// TargetPath is the path item whose operation is compared.
	TargetPath = "/api/v1/payouts"
	// TargetMethod is the HTTP method of the compared operation.
	TargetMethod = "get"
)

// Sentinel errors returned (wrapped) by Compare.
var (
	// ErrUnparsable reports a document that is neither valid JSON nor YAML,
	// or whose top level is not an object.
	ErrUnparsable = errors.New("specdiff: document is not a parsable JSON/YAML object")
	// ErrNotOpenAPI3 reports a document without an "openapi: 3.x" field.
	ErrNotOpenAPI3 = errors.New("specdiff: document is not OpenAPI 3.x")
	// ErrOperationMissing reports a document that lacks GET /api/v1/payouts.
	ErrOperationMissing = errors.New("specdiff: document lacks GET " + TargetPath)
	// ErrUnresolvableRef reports a $ref that could not be inlined (missing
	// target or a reference to another document).
	ErrUnresolvableRef = errors.New("specdiff: unresolvable $ref")
)

// normalized is a document reduced to what matters for the target operation.
type normalized struct {
	version  string     // info.version
	rendered []byte     // reduced, $ref-inlined document handed to libopenapi
	op       *yaml.Node // the reduced operation (same tree as rendered)
	schemes  *yaml.Node // resolved components.securitySchemes, or nil
	// security is the effective security requirement as canonical
	// alternatives ("ApiKeyAuth", "A + B[scope]", "anonymous").
	security []string
}

// normalize parses a spec and rebuilds a reduced document holding only
// openapi, info.title/info.version, the target operation (with path-level
// parameters, the effective security and servers folded in, and every local
// $ref inlined) and the components section (kept so that recursive references
// left in place still resolve, and for security schemes). Comparing reduced
// documents keeps changes elsewhere out of the diff and makes $ref-vs-inline,
// JSON-vs-YAML and key order irrelevant.
func normalize(data []byte) (*normalized, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnparsable, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, ErrUnparsable
	}
	root := doc.Content[0]
	if v := mapGet(root, "swagger"); v != nil {
		return nil, fmt.Errorf("%w: found swagger %q", ErrNotOpenAPI3, v.Value)
	}
	oa := mapGet(root, "openapi")
	if oa == nil || oa.Kind != yaml.ScalarNode || !strings.HasPrefix(oa.Value, "3.") {
		return nil, ErrNotOpenAPI3
	}

	r := newResolver(&doc)
	paths := mapGet(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil, ErrOperationMissing
	}
	rawItem := mapGet(paths, TargetPath)
	if rawItem == nil {
		return nil, ErrOperationMissing
	}
	// Resolve only what the target operation uses, so a broken $ref in a
	// sibling operation does not make the document unusable.
	item, err := r.follow(rawItem)
	if err != nil {
		return nil, err
	}
	rawOp := mapGet(item, TargetMethod)
	if rawOp == nil {
		return nil, ErrOperationMissing
	}
	op, err := r.inline(rawOp, nil, false)
	if err != nil {
		return nil, err
	}
	if op.Kind != yaml.MappingNode {
		return nil, ErrOperationMissing
	}
	pathParams, err := r.inline(mapGet(item, "parameters"), nil, false)
	if err != nil {
		return nil, err
	}

	// Fold path-level parameters into the operation (operation wins on name+in).
	params := mergeParameters(pathParams, mapGet(op, "parameters"))
	if len(params.Content) > 0 {
		mapSet(op, "parameters", params)
	}
	// Effective security (operation, else document) and servers (operation,
	// else path item, else document).
	for _, eff := range []struct {
		key  string
		from []*yaml.Node
	}{{"security", []*yaml.Node{root}}, {"servers", []*yaml.Node{item, root}}} {
		for _, from := range eff.from {
			if v := mapGet(from, eff.key); v != nil && mapGet(op, eff.key) == nil {
				c, err := r.inline(v, nil, false)
				if err != nil {
					return nil, err
				}
				mapSet(op, eff.key, c)
			}
		}
	}

	n := &normalized{}
	info := newMap()
	if in := mapGet(root, "info"); in != nil {
		for _, k := range []string{"title", "version"} {
			if v := mapGet(in, k); v != nil {
				mapSet(info, k, scalar(v.Value))
				if k == "version" {
					n.version = v.Value
				}
			}
		}
	}
	if mapGet(info, "title") == nil {
		mapSet(info, "title", scalar("untitled"))
	}
	if mapGet(info, "version") == nil {
		mapSet(info, "version", scalar(""))
	}

	n.op = op
	n.security = securityAlternatives(mapGet(op, "security"))

	pathItem := newMap()
	mapSet(pathItem, TargetMethod, op)
	outPaths := newMap()
	mapSet(outPaths, TargetPath, pathItem)
	out := newMap()
	mapSet(out, "openapi", scalar(oa.Value))
	mapSet(out, "info", info)
	mapSet(out, "paths", outPaths)
	if comps := mapGet(root, "components"); comps != nil && comps.Kind == yaml.MappingNode {
		c := copyNode(comps)
		// Security schemes are compared by content; inline any $ref there.
		if ss := mapGet(comps, "securitySchemes"); ss != nil {
			rs, err := r.inline(ss, nil, true)
			if err != nil {
				return nil, err
			}
			mapSet(c, "securitySchemes", rs)
			n.schemes = rs
		}
		mapSet(out, "components", c)
	}
	n.rendered, err = yaml.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("specdiff: render reduced document: %w", err)
	}
	return n, nil
}

// securityAlternatives renders a security requirement list as sorted
// canonical alternatives. A missing list means no authentication.
func securityAlternatives(sec *yaml.Node) []string {
	if sec == nil || sec.Kind != yaml.SequenceNode {
		return []string{"anonymous"}
	}
	var out []string
	for _, req := range sec.Content {
		if req.Kind != yaml.MappingNode || len(req.Content) == 0 {
			out = append(out, "anonymous")
			continue
		}
		var parts []string
		for i := 0; i+1 < len(req.Content); i += 2 {
			part := req.Content[i].Value
			var scopes []string
			for _, sc := range req.Content[i+1].Content {
				scopes = append(scopes, sc.Value)
			}
			if len(scopes) > 0 {
				slices.Sort(scopes)
				part += "[" + strings.Join(scopes, ",") + "]"
			}
			parts = append(parts, part)
		}
		slices.Sort(parts)
		out = append(out, strings.Join(parts, " + "))
	}
	if len(out) == 0 {
		return []string{"anonymous"}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeParameters returns op-level parameters plus path-level ones the
// operation does not override (matched by name and location).
func mergeParameters(pathLevel, opLevel *yaml.Node) *yaml.Node {
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	key := func(p *yaml.Node) string {
		var name, in string
		if v := mapGet(p, "name"); v != nil {
			name = v.Value
		}
		if v := mapGet(p, "in"); v != nil {
			in = v.Value
		}
		return in + "\x00" + name
	}
	have := map[string]bool{}
	if opLevel != nil && opLevel.Kind == yaml.SequenceNode {
		for _, p := range opLevel.Content {
			have[key(p)] = true
		}
	}
	if pathLevel != nil && pathLevel.Kind == yaml.SequenceNode {
		for _, p := range pathLevel.Content {
			if !have[key(p)] {
				out.Content = append(out.Content, p)
			}
		}
	}
	if opLevel != nil && opLevel.Kind == yaml.SequenceNode {
		out.Content = append(out.Content, opLevel.Content...)
	}
	return out
}

// resolver inlines local $refs. libopenapi's index of the document finds
// each reference's target (JSON pointers and their escapes) and never reads
// files or the network; resolver copies only what the target operation uses,
// so a broken $ref elsewhere does not matter. It does not inline with
// libopenapi's Resolver or bundler: both keep the first lap of a recursive
// schema as a $ref (which what-changed then skips as unchanged) and take a
// "$ref" in an example for a reference, and the Resolver drops the keys next
// to a $ref.
type resolver struct {
	idx *index.SpecIndex
}

// newResolver indexes a parsed document (a yaml.DocumentNode).
func newResolver(doc *yaml.Node) *resolver {
	cfg := index.CreateClosedAPIIndexConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	return &resolver{idx: index.NewSpecIndexWithConfig(doc, cfg)}
}

// namedMapKeys hold maps whose keys are user-chosen names, not keywords.
var namedMapKeys = map[string]bool{
	"properties": true, "patternProperties": true, "dependentSchemas": true,
	"$defs": true, "definitions": true, "schemas": true, "responses": true,
	"headers": true, "content": true, "examples": true, "links": true,
	"callbacks": true, "securitySchemes": true, "encoding": true,
	"variables": true, "mapping": true,
}

// literalKeys hold instance data rather than OpenAPI/JSON Schema objects.
var literalKeys = map[string]bool{"example": true, "default": true, "const": true, "enum": true}

// inline returns a deep copy of n with every $ref replaced by a copy of its
// (recursively inlined) target; keys next to a $ref override the target's.
// A reference already being expanded (recursion) is kept, so a recursive
// schema is unrolled once. Literal values (example, default, const, enum)
// are copied verbatim, so example payloads holding "$ref" keys stay as they
// are; named says n's keys are names (see namedMapKeys).
func (r *resolver) inline(n *yaml.Node, stack []string, named bool) (*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		return r.inline(n.Alias, stack, named)
	case yaml.SequenceNode:
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, c := range n.Content {
			rc, err := r.inline(c, stack, false)
			if err != nil {
				return nil, err
			}
			out.Content = append(out.Content, rc)
		}
		return out, nil
	case yaml.MappingNode:
		out := newMap()
		ref, isRef := refOf(n)
		isRef = isRef && !named
		if isRef && slices.Contains(stack, ref) {
			return copyNode(n), nil // recursion: keep the reference
		}
		if isRef {
			t, err := r.target(ref)
			if err != nil {
				return nil, err
			}
			if out, err = r.inline(t, append(stack, ref), false); err != nil {
				return nil, err
			}
			if _, loop := refOf(out); loop {
				return nil, fmt.Errorf("%w: %q (circular reference chain)", ErrUnresolvableRef, ref)
			}
			if out.Kind != yaml.MappingNode {
				return out, nil
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			var v *yaml.Node
			var err error
			switch {
			case isRef && key == "$ref":
				continue
			case !named && (literalKeys[key] || key == "examples" && val.Kind == yaml.SequenceNode):
				v = copyNode(val)
			default:
				v, err = r.inline(val, stack, !named && namedMapKeys[key])
			}
			if err != nil {
				return nil, err
			}
			mapSet(out, key, v)
		}
		return out, nil
	default:
		return copyNode(n), nil
	}
}

// follow returns the node a (chain of) $ref(s) points to, without copying,
// so that a broken reference elsewhere in a path item does not matter.
func (r *resolver) follow(n *yaml.Node) (*yaml.Node, error) {
	var seen []string
	for ref, ok := refOf(n); ok; ref, ok = refOf(n) {
		if slices.Contains(seen, ref) {
			return nil, fmt.Errorf("%w: %q (circular reference chain)", ErrUnresolvableRef, ref)
		}
		seen = append(seen, ref)
		t, err := r.target(ref)
		if err != nil {
			return nil, err
		}
		n = t
	}
	return n, nil
}

// target looks a local reference up in the index.
func (r *resolver) target(ref string) (*yaml.Node, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("%w: %q (only local references are supported)", ErrUnresolvableRef, ref)
	}
	c := r.idx.FindComponent(context.Background(), ref)
	if c == nil || c.Node == nil {
		return nil, fmt.Errorf("%w: %q (target not found)", ErrUnresolvableRef, ref)
	}
	return c.Node, nil
}

// refOf returns the $ref of a reference object; ok is false for others.
func refOf(n *yaml.Node) (ref string, ok bool) {
	if v := mapGet(n, "$ref"); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value, true
	}
	return "", false
}

func newMap() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.DoubleQuotedStyle}
}

// mapGet returns the value for key in a mapping node, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

// mapSet sets key to v in a mapping node, replacing an existing entry.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// copyNode deep-copies a node, dropping anchors, comments and flow styles so
// the rendered document is plain block YAML.
func copyNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return copyNode(n.Alias)
	}
	c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value}
	if n.Kind == yaml.ScalarNode {
		c.Style = n.Style &^ yaml.FlowStyle
	}
	for _, k := range n.Content {
		c.Content = append(c.Content, copyNode(k))
	}
	return c
}
