package specdiff

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// effect is what a schema change does to the set of valid values.
type effect int

const (
	effNone   effect = iota // documentation only
	effWiden                // NEW accepts everything OLD accepted, and more
	effNarrow               // NEW accepts a subset of what OLD accepted
	effChange               // neither (or unknown): treat as both
)

// schema walks a libopenapi SchemaChanges tree at s.
func (d *differ) schema(sc *model.SchemaChanges, s site) {
	if sc == nil {
		return
	}
	for _, c := range changesOf(sc.PropertyChanges) {
		d.schemaKeyword(s, c)
	}
	for _, name := range sortedKeys(sc.SchemaPropertyChanges) {
		d.schema(sc.SchemaPropertyChanges[name], s.at(name, "properties", name))
	}
	d.schema(sc.ItemsChanges, s.at("items", "items"))
	d.schema(sc.AdditionalPropertiesChanges, s.at("additionalProperties", "additionalProperties"))
	for _, sub := range sc.AnyOfChanges {
		d.schema(sub, s.atLost("anyOf"))
	}
	for _, sub := range sc.OneOfChanges {
		d.schema(sub, s.atLost("oneOf"))
	}
	for _, sub := range sc.AllOfChanges {
		d.schema(sub, s.atLost("allOf"))
	}
	for _, sub := range sc.PrefixItemsChanges {
		d.schema(sub, s.atLost("prefixItems"))
	}
	if sc.NotChanges != nil {
		n := s.at("not", "not")
		n.invert = !n.invert
		d.schema(sc.NotChanges, n)
	}
	opaque := func(sub *model.SchemaChanges, human string, ptr ...string) {
		if sub == nil {
			return
		}
		o := s.at(human, ptr...)
		o.opaque = true
		d.schema(sub, o)
	}
	opaque(sc.IfChanges, "if", "if")
	opaque(sc.ThenChanges, "then", "then")
	opaque(sc.ElseChanges, "else", "else")
	opaque(sc.PropertyNamesChanges, "propertyNames", "propertyNames")
	opaque(sc.ContainsChanges, "contains", "contains")
	opaque(sc.UnevaluatedItemsChanges, "unevaluatedItems", "unevaluatedItems")
	opaque(sc.UnevaluatedPropertiesChanges, "unevaluatedProperties", "unevaluatedProperties")
	opaque(sc.ContentSchemaChanges, "contentSchema", "contentSchema")
	for _, name := range sortedKeys(sc.DependentSchemasChanges) {
		opaque(sc.DependentSchemasChanges[name], "dependentSchemas."+name, "dependentSchemas", name)
	}
	for _, name := range sortedKeys(sc.PatternPropertiesChanges) {
		opaque(sc.PatternPropertiesChanges[name], "patternProperties."+name, "patternProperties", name)
	}
	if len(sc.DependentRequiredChanges) > 0 {
		d.opaqueAll(s, sc.DependentRequiredChanges, "dependentRequired")
	}
	if len(sc.VocabularyChanges) > 0 {
		d.opaqueAll(s, sc.VocabularyChanges, "$vocabulary")
	}
	if sc.DiscriminatorChanges != nil {
		d.opaqueAll(s.at("discriminator"), sc.DiscriminatorChanges.GetAllChanges(), "discriminator")
	}
	if sc.ExternalDocChanges != nil {
		d.doc(s.at("externalDocs"), sc.ExternalDocChanges.GetAllChanges())
	}
	if sc.XMLChanges != nil {
		d.doc(s.at("xml"), sc.XMLChanges.GetAllChanges())
	}
	if sc.ExtensionChanges != nil {
		d.doc(s, sc.ExtensionChanges.GetAllChanges())
	}
}

// schemaKeyword classifies one keyword-level schema change at s.
func (d *differ) schemaKeyword(s site, c *model.Change) {
	if c == nil {
		return
	}
	kind := kindOf(c.ChangeType)
	prop := c.Property

	switch prop {
	case "properties":
		d.schemaProperty(s, c)
		return
	case "enum", "required":
		// element-level: the value is the element, the path the keyword.
		o, n := c.Original, c.New
		if kind == KindAdded {
			o = ""
		} else if kind == KindRemoved {
			n = ""
		}
		eff, what := elementEffect(prop, kind, o, n)
		d.emitSchema(s, joinPath(s.path, prop), kind, o, n, eff, what, c)
		return
	}
	if isDocProperty(prop) {
		d.doc(s, []*model.Change{c})
		return
	}
	o, n := d.values(s, c)
	eff, what := d.keywordEffect(s, prop, kind, o, n)
	d.emitSchema(s, joinPath(s.path, prop), kind, o, n, eff, what, c)
}

// emitSchema turns an effect into a classified change, honouring the
// direction, "not" inversion and opaque contexts.
func (d *differ) emitSchema(s site, path, kind, o, n string, eff effect, what string, c *model.Change) {
	if s.invert {
		switch eff {
		case effWiden:
			eff = effNarrow
		case effNarrow:
			eff = effWiden
		}
		what += " (inside not: effect inverted)"
	}
	if s.opaque && (eff == effWiden || eff == effNarrow) {
		eff = effChange
		what += " (inside a conditional/applicator whose effect is not modelled)"
	}
	var clients, servers bool
	var why string
	switch eff {
	case effNone:
		why = "no effect on valid values"
	case effChange:
		clients, servers = true, true
		why = "valid values change in both directions: clients and lagging servers may disagree"
	case effWiden:
		switch s.dir {
		case dirRequest:
			servers = true
			why = "NEW accepts input a lagging server rejects"
		case dirResponse:
			clients = true
			why = "clients may receive values they were not written for"
		default:
			clients, servers = true, true
			why = "direction unknown, treated as breaking both ways"
		}
	case effNarrow:
		switch s.dir {
		case dirRequest:
			clients, servers = true, true
			why = "clients may send input NEW rejects, and a lagging server still accepts input NEW requires it to reject"
		case dirResponse:
			servers = true
			why = "a lagging server may still produce output NEW forbids"
			if c != nil && c.Property == "enum" {
				clients = true
				why = "clients lose a documented value; a lagging server may still emit it"
			}
		default:
			clients, servers = true, true
			why = "direction unknown, treated as breaking both ways"
		}
	}
	if c != nil {
		if w := specificWhy(c.Property, eff, s.dir); w != "" && !s.invert && !s.opaque {
			why = w
		}
		if eff == effChange && !c.Breaking {
			why += " (libopenapi: non-breaking; kept conservative)"
		}
	}
	d.emit(path, kind, o, n, clients, servers, what+": "+why)
}

// specificWhy gives a sharper consequence for keywords whose generic
// widen/narrow wording reads poorly.
func specificWhy(prop string, eff effect, dir direction) string {
	switch {
	case prop == "required" && eff == effNarrow && dir == dirRequest:
		return "clients written against OLD may omit it"
	case prop == "required" && eff == effNarrow && dir == dirResponse:
		return "a lagging server may not send it"
	case prop == "required" && eff == effWiden && dir == dirRequest:
		return "a lagging server still rejects input without it"
	case prop == "required" && eff == effWiden && dir == dirResponse:
		return "clients relying on it may not receive it"
	case prop == "default" && eff == effChange:
		return "clients omitting the value get different behaviour; a lagging server applies the old default"
	}
	return ""
}

// schemaProperty classifies an object property added or removed.
func (d *differ) schemaProperty(s site, c *model.Change) {
	name := subject(c)
	path := joinPath(s.path, name)
	kind := kindOf(c.ChangeType)
	if s.opaque || s.invert || s.dir == dirNone {
		var o, n string
		if kind == KindRemoved {
			o = render(d.oldAt(s, "properties", name))
		} else {
			n = render(d.newAt(s, "properties", name))
		}
		d.emit(path, kind, o, n, true, true,
			"property "+kind+" inside a construct whose effect is not modelled: treated as breaking both ways")
		return
	}
	if kind == KindAdded {
		n := render(d.newAt(s, "properties", name))
		required := isRequired(d.newAt(s), name)
		switch s.dir {
		case dirResponse:
			closed := isClosed(d.oldAt(s)) || s.lost
			switch {
			case closed:
				d.emit(path, kind, "", n, true, false,
					"field added to an object OLD closes with additionalProperties: false: clients validating against OLD reject it (requiredness reported separately)")
			default:
				d.emit(path, kind, "", n, false, false,
					"optional field added to an open object: tolerant clients ignore it; requiredness is reported separately")
			}
		case dirRequest:
			d.emit(path, kind, "", n, required, true,
				"request field added: a lagging server ignores or rejects it and cannot honour it")
		}
		return
	}
	o := render(d.oldAt(s, "properties", name))
	switch s.dir {
	case dirResponse:
		closed := isClosed(d.newAt(s)) || s.lost
		reason := "field removed from response: clients reading it lose it"
		if closed {
			reason += "; NEW forbids it (additionalProperties: false) while a lagging server still sends it"
		}
		d.emit(path, kind, o, "", true, closed, reason)
	case dirRequest:
		wasRequired := isRequired(d.oldAt(s), name)
		d.emit(path, kind, o, "", true, wasRequired,
			"request field removed: clients still sending it may be rejected")
	}
}

func isRequired(schema *yaml.Node, name string) bool {
	for _, r := range seqContent(mapGet(schema, "required")) {
		if r.Value == name {
			return true
		}
	}
	return false
}

// isClosed reports whether an object schema forbids unknown properties.
func isClosed(schema *yaml.Node) bool {
	for _, k := range []string{"additionalProperties", "unevaluatedProperties"} {
		if v := mapGet(schema, k); v != nil && v.Kind == yaml.ScalarNode && v.Value == "false" {
			return true
		}
	}
	return false
}

// elementEffect handles enum values and required names.
func elementEffect(prop, kind, o, n string) (effect, string) {
	switch prop {
	case "enum":
		switch kind {
		case KindAdded:
			return effWiden, fmt.Sprintf("enum value %q added", n)
		case KindRemoved:
			return effNarrow, fmt.Sprintf("enum value %q removed", o)
		}
		return effChange, "enum changed"
	default: // required
		switch kind {
		case KindAdded:
			return effNarrow, fmt.Sprintf("%q became required", n)
		case KindRemoved:
			return effWiden, fmt.Sprintf("%q no longer required", o)
		}
		return effChange, "required changed"
	}
}

// keywordEffect derives the effect of a keyword change from old/new values.
func (d *differ) keywordEffect(s site, prop, kind, o, n string) (effect, string) {
	added := func(e effect) (effect, string) { return e, prop + " added" }
	removed := func(e effect) (effect, string) { return e, prop + " removed" }
	switch prop {
	case "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties":
		if kind == KindAdded {
			if prop == "exclusiveMaximum" && (n == "false") {
				return effNone, prop + " added as false"
			}
			return added(effNarrow)
		}
		if kind == KindRemoved {
			return removed(effWiden)
		}
		return boundEffect(prop, o, n, true)
	case "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties":
		if kind == KindAdded {
			if prop == "exclusiveMinimum" && (n == "false") {
				return effNone, prop + " added as false"
			}
			return added(effNarrow)
		}
		if kind == KindRemoved {
			return removed(effWiden)
		}
		return boundEffect(prop, o, n, false)
	case "multipleOf":
		if kind == KindAdded {
			return added(effNarrow)
		}
		if kind == KindRemoved {
			return removed(effWiden)
		}
		ob, ok1 := new(big.Rat).SetString(o)
		nb, ok2 := new(big.Rat).SetString(n)
		if ok1 && ok2 && ob.Sign() != 0 && nb.Sign() != 0 {
			if new(big.Rat).Quo(nb, ob).IsInt() {
				return effNarrow, "multipleOf made stricter"
			}
			if new(big.Rat).Quo(ob, nb).IsInt() {
				return effWiden, "multipleOf relaxed"
			}
		}
		return effChange, "multipleOf changed"
	case "type":
		if kind == KindAdded {
			return added(effNarrow)
		}
		if kind == KindRemoved {
			return removed(effWiden)
		}
		ot := typeSet(d.oldAt(s), o)
		nt := typeSet(d.newAt(s), n)
		switch {
		case subset(ot, nt) && subset(nt, ot):
			return effNone, "type rewritten equivalently"
		case subset(ot, nt):
			if nt["null"] && !ot["null"] {
				return effWiden, "type widened (became nullable)"
			}
			return effWiden, "type widened"
		case subset(nt, ot):
			return effNarrow, "type narrowed"
		}
		return effChange, "type changed"
	case "nullable":
		if n == "true" {
			return effWiden, "became nullable"
		}
		if o == "true" {
			return effNarrow, "no longer nullable"
		}
		return effNone, "nullable unchanged in effect"
	case "uniqueItems":
		if n == "true" && o != "true" {
			return effNarrow, "uniqueItems now required"
		}
		if o == "true" && n != "true" {
			return effWiden, "uniqueItems no longer required"
		}
		return effNone, "uniqueItems unchanged in effect"
	case "additionalProperties", "unevaluatedProperties":
		switch kind {
		case KindAdded:
			if n == "true" {
				return effNone, prop + ": true added (the default)"
			}
			return effNarrow, prop + " tightened (added " + n + ")"
		case KindRemoved:
			if o == "true" {
				return effNone, prop + ": true removed (the default)"
			}
			return effWiden, prop + " loosened (removed " + o + ")"
		}
		switch {
		case n == "false":
			return effNarrow, prop + " tightened to false"
		case n == "true":
			return effWiden, prop + " loosened to true"
		case o == "false":
			return effWiden, prop + " loosened from false"
		}
		return effChange, prop + " changed"
	case "pattern", "format", "const", "contentEncoding", "contentMediaType", "items", "not":
		switch kind {
		case KindAdded:
			return added(effNarrow)
		case KindRemoved:
			return removed(effWiden)
		}
		return effChange, prop + " changed"
	case "anyOf", "oneOf":
		switch kind {
		case KindAdded:
			return effWiden, prop + " alternative added"
		case KindRemoved:
			return effNarrow, prop + " alternative removed"
		}
		return effChange, prop + " changed"
	case "allOf":
		switch kind {
		case KindAdded:
			return effNarrow, "allOf constraint added"
		case KindRemoved:
			return effWiden, "allOf constraint removed"
		}
		return effChange, "allOf changed"
	case "default":
		if s.dir == dirResponse {
			return effNone, "default changed (informational in responses)"
		}
		return effChange, "default changed"
	case "readOnly", "writeOnly":
		return effChange, prop + " changed"
	}
	return effChange, prop + " " + kind + " (unclassified keyword)"
}

// boundEffect compares numeric (or OpenAPI 3.0 boolean exclusive) bounds.
func boundEffect(prop, o, n string, upper bool) (effect, string) {
	if (o == "true" || o == "false") && (n == "true" || n == "false") {
		if n == "true" {
			return effNarrow, prop + " made exclusive"
		}
		return effWiden, prop + " made inclusive"
	}
	ob, ok1 := new(big.Rat).SetString(o)
	nb, ok2 := new(big.Rat).SetString(n)
	if !ok1 || !ok2 {
		return effChange, prop + " changed"
	}
	cmp := nb.Cmp(ob)
	switch {
	case cmp == 0:
		return effNone, prop + " unchanged in value"
	case (cmp > 0) == upper:
		return effWiden, fmt.Sprintf("%s %s %s -> %s", prop, verb(cmp), o, n)
	default:
		return effNarrow, fmt.Sprintf("%s %s %s -> %s", prop, verb(cmp), o, n)
	}
}

func verb(cmp int) string {
	if cmp > 0 {
		return "raised"
	}
	return "lowered"
}

// typeSet returns the schema's type set, preferring the reduced document
// (libopenapi leaves array-valued types blank) and falling back to the
// change's string value.
func typeSet(schema *yaml.Node, fallback string) map[string]bool {
	set := map[string]bool{}
	if t := mapGet(schema, "type"); t != nil {
		if t.Kind == yaml.SequenceNode {
			for _, e := range t.Content {
				set[e.Value] = true
			}
		} else {
			set[t.Value] = true
		}
		if boolAt(schema, "nullable") {
			set["null"] = true
		}
		return set
	}
	for _, f := range strings.FieldsFunc(fallback, func(r rune) bool {
		return r == ',' || r == '[' || r == ']' || r == '"' || r == ' '
	}) {
		set[f] = true
	}
	return set
}

// subset reports a ⊆ b, counting integer as a subset of number.
func subset(a, b map[string]bool) bool {
	for t := range a {
		if b[t] || (t == "integer" && b["number"]) {
			continue
		}
		return false
	}
	return true
}
