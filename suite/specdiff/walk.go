package specdiff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// direction says which way data flows at a location.
type direction int

const (
	dirNone     direction = iota
	dirRequest            // client -> server (parameters, request body)
	dirResponse           // server -> client (status codes, headers, bodies)
)

// site is a location in the reduced operation while walking the change tree.
type site struct {
	path   string   // human path
	ptr    []string // path into the reduced operation node
	lost   bool     // ptr no longer addresses the location (inside compositions)
	dir    direction
	opaque bool // inside a construct whose value-set semantics are not modelled
	invert bool // inside "not": widening and narrowing swap
}

// at returns a child site. human may be empty (no human segment); ptr
// segments extend the lookup path. A segment "[name=x]" selects the element
// of a sequence whose "name" is x.
func (s site) at(human string, ptr ...string) site {
	n := s
	n.path = joinPath(s.path, human)
	n.ptr = append(slices.Clip(s.ptr), ptr...)
	return n
}

// atLost is at() for children whose position cannot be looked up.
func (s site) atLost(human string) site {
	n := s.at(human)
	n.lost = true
	return n
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

// differ maps a libopenapi change tree onto classified Changes.
type differ struct {
	old, new *normalized
	changes  []Change
}

func (d *differ) emit(path, kind, old, new string, clients, servers bool, reason string) {
	d.changes = append(d.changes, Change{
		Path: path, Kind: kind, Old: old, New: new,
		BreaksClients: clients, BreaksServers: servers, Reason: reason,
	})
}

// oldAt/newAt look a site (plus extra segments) up in the reduced operations.
func (d *differ) oldAt(s site, extra ...string) *yaml.Node {
	if s.lost {
		return nil
	}
	return lookup(d.old.op, append(slices.Clip(s.ptr), extra...))
}

func (d *differ) newAt(s site, extra ...string) *yaml.Node {
	if s.lost {
		return nil
	}
	return lookup(d.new.op, append(slices.Clip(s.ptr), extra...))
}

func lookup(n *yaml.Node, ptr []string) *yaml.Node {
	for _, seg := range ptr {
		if n == nil {
			return nil
		}
		if name, ok := strings.CutPrefix(seg, "[name="); ok && n.Kind == yaml.SequenceNode {
			name = strings.TrimSuffix(name, "]")
			var found *yaml.Node
			for _, el := range n.Content {
				if v := mapGet(el, "name"); v != nil && v.Value == name {
					found = el
					break
				}
			}
			n = found
			continue
		}
		n = mapGet(n, seg)
	}
	return n
}

// kindOf maps libopenapi change types onto Change kinds.
func kindOf(ct int) string {
	switch ct {
	case model.PropertyAdded, model.ObjectAdded:
		return KindAdded
	case model.PropertyRemoved, model.ObjectRemoved:
		return KindRemoved
	default:
		return KindModified
	}
}

// subject is the name an added/removed object change refers to (libopenapi
// puts it in Original or New depending on the code path).
func subject(c *model.Change) string {
	if kindOf(c.ChangeType) == KindAdded {
		return cmpOr(c.New, c.Original)
	}
	return cmpOr(c.Original, c.New)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// values returns display values for a keyword change at s: libopenapi's
// strings when present, else the rendered node from the reduced documents.
func (d *differ) values(s site, c *model.Change) (string, string) {
	o, n := c.Original, c.New
	kind := kindOf(c.ChangeType)
	if o == "" && kind != KindAdded {
		o = render(d.oldAt(s, c.Property))
	}
	if n == "" && kind != KindRemoved {
		n = render(d.newAt(s, c.Property))
	}
	if kind == KindAdded {
		o = ""
	}
	if kind == KindRemoved {
		n = ""
	}
	return o, n
}

// render shows a node compactly: scalars as-is, others as compact JSON
// (descriptions and examples dropped, long output truncated).
func render(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return ""
	}
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"description", "example", "examples", "summary"} {
			delete(m, k)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const limit = 160
	if r := []rune(string(b)); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return string(b)
}

// signature renders an object for equality checks (rename detection),
// ignoring its name.
func signature(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return ""
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "name")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func isDocProperty(p string) bool {
	switch p {
	case "description", "summary", "title", "example", "examples", "externalDocs",
		"$comment", "$id", "$anchor", "xml", "deprecated", "tags", "links":
		return true
	}
	return strings.HasPrefix(p, "x-")
}

// doc emits documentation-only changes.
func (d *differ) doc(s site, cs []*model.Change) {
	for _, c := range cs {
		if c == nil {
			continue
		}
		o, n := c.Original, c.New
		what := c.Property
		if what == "deprecated" {
			d.emit(joinPath(s.path, what), kindOf(c.ChangeType), o, n, false, false,
				"deprecation is advisory; behaviour is unchanged")
			continue
		}
		d.emit(joinPath(s.path, what), kindOf(c.ChangeType), o, n, false, false,
			"documentation only ("+what+"); no effect on the wire")
	}
}

// opaqueAll emits changes this package does not model, conservatively
// breaking both sides unless they are documentation (emitted as doc).
func (d *differ) opaqueAll(s site, cs []*model.Change, what string) {
	for _, c := range cs {
		if c == nil {
			continue
		}
		if isDocProperty(c.Property) {
			d.doc(s, []*model.Change{c})
			continue
		}
		o, n := d.values(s, c)
		d.emit(joinPath(s.path, c.Property), kindOf(c.ChangeType), o, n, true, true,
			fmt.Sprintf("%s changed (%s); semantics not modelled, treated as breaking both ways (libopenapi breaking=%t)",
				what, c.Property, c.Breaking))
	}
}

func changesOf(p *model.PropertyChanges) []*model.Change {
	if p == nil {
		return nil
	}
	return p.Changes
}

// run walks the document changes for the target operation and the security
// schemes it uses.
func (d *differ) run(dc *model.DocumentChanges) {
	d.security()
	if dc == nil {
		return
	}
	if dc.PathsChanges != nil {
		if pi := dc.PathsChanges.PathItemsChanges[TargetPath]; pi != nil && pi.GetChanges != nil {
			d.operation(pi.GetChanges)
		}
	}
	if dc.ComponentsChanges != nil {
		used := map[string]bool{}
		for _, n := range []*normalized{d.old, d.new} {
			for _, alt := range n.security {
				for _, part := range strings.Split(alt, " + ") {
					name, _, _ := strings.Cut(part, "[")
					used[name] = true
				}
			}
		}
		sc := dc.ComponentsChanges.SecuritySchemeChanges
		for _, name := range sortedKeys(sc) {
			if used[name] && sc[name] != nil {
				d.securityScheme(name, sc[name])
			}
		}
	}
}

// security compares the effective security requirement alternatives.
func (d *differ) security() {
	oldSet := map[string]bool{}
	for _, a := range d.old.security {
		oldSet[a] = true
	}
	newSet := map[string]bool{}
	for _, a := range d.new.security {
		newSet[a] = true
	}
	for _, a := range d.old.security {
		if !newSet[a] {
			d.emit("security", KindRemoved, a, "", true, true,
				"security requirement removed: clients authenticating this way are rejected by NEW; a lagging server still accepts it")
		}
	}
	for _, a := range d.new.security {
		if !oldSet[a] {
			d.emit("security", KindAdded, "", a, false, true,
				"security requirement added: a lagging server does not accept this way of authenticating")
		}
	}
}

func (d *differ) securityScheme(name string, sc *model.SecuritySchemeChanges) {
	s := site{path: "security." + name}
	for _, c := range changesOf(sc.PropertyChanges) {
		if isDocProperty(c.Property) {
			d.doc(s, []*model.Change{c})
			continue
		}
		o, n := c.Original, c.New
		if o == "" && kindOf(c.ChangeType) != KindAdded {
			o = render(mapGet(mapGet(d.old.schemes, name), c.Property))
		}
		if n == "" && kindOf(c.ChangeType) != KindRemoved {
			n = render(mapGet(mapGet(d.new.schemes, name), c.Property))
		}
		reason := "security scheme " + c.Property + " changed: clients send credentials NEW does not accept; a lagging server does not accept credentials sent per NEW"
		if c.Property == "name" {
			reason = "credential header/parameter renamed: clients send the old name, a lagging server reads the old name"
		}
		d.emit(joinPath(s.path, c.Property), kindOf(c.ChangeType), o, n, true, true, reason)
	}
	if sc.OAuthFlowChanges != nil {
		d.opaqueAll(s.at("flows"), sc.OAuthFlowChanges.GetAllChanges(), "OAuth flows")
	}
	if sc.ScopesChanges != nil {
		d.opaqueAll(s.at("scopes"), sc.ScopesChanges.GetAllChanges(), "OAuth scopes")
	}
	if sc.ExtensionChanges != nil {
		d.doc(s, sc.ExtensionChanges.GetAllChanges())
	}
}

// operation walks changes to the target operation.
func (d *differ) operation(oc *model.OperationChanges) {
	root := site{}
	var addedParams, removedParams []string
	for _, c := range changesOf(oc.PropertyChanges) {
		switch c.Property {
		case "parameters":
			switch c.ChangeType {
			case model.ObjectAdded:
				addedParams = append(addedParams, subject(c))
			case model.ObjectRemoved:
				removedParams = append(removedParams, subject(c))
			case model.PropertyAdded: // the whole list is new
				for _, p := range seqContent(mapGet(d.new.op, "parameters")) {
					addedParams = append(addedParams, render(mapGet(p, "name")))
				}
			case model.PropertyRemoved:
				for _, p := range seqContent(mapGet(d.old.op, "parameters")) {
					removedParams = append(removedParams, render(mapGet(p, "name")))
				}
			default:
				d.opaqueAll(root, []*model.Change{c}, "parameter list")
			}
		case "security", "servers":
			// compared separately (effective security, servers walk).
		case "operationId":
			d.emit("operationId", kindOf(c.ChangeType), c.Original, c.New, true, false,
				"operationId changed: generated client methods and links keyed on it change; the wire format is unchanged")
		case "requestBody":
			d.requestBodyPresence(c)
		case "responses":
			d.emit("responses", kindOf(c.ChangeType), "", "", true, true,
				"the whole responses object was added or removed")
		default:
			d.opaqueAll(root, []*model.Change{c}, "operation")
		}
	}
	params := parameters
	params.site = site{path: "parameters", ptr: []string{"parameters"}, dir: dirRequest}
	d.presence(params, addedParams, removedParams)
	for _, pc := range oc.ParameterChanges {
		if pc != nil {
			d.member(params, params.at(pc.Name), pc)
		}
	}
	if oc.RequestBodyChanges != nil {
		d.requestBody(oc.RequestBodyChanges)
	}
	if oc.ResponsesChanges != nil {
		d.responses(oc.ResponsesChanges)
	}
	for _, sc := range oc.ServerChanges {
		d.server(sc)
	}
	if oc.ExternalDocChanges != nil {
		d.doc(root.at("externalDocs"), oc.ExternalDocChanges.GetAllChanges())
	}
	if oc.ExtensionChanges != nil {
		d.doc(root, oc.ExtensionChanges.GetAllChanges())
	}
	for _, name := range sortedKeys(oc.CallbackChanges) {
		if cc := oc.CallbackChanges[name]; cc != nil {
			d.opaqueAll(root.at("callbacks."+name), cc.GetAllChanges(), "callback")
		}
	}
}

func seqContent(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func boolAt(n *yaml.Node, key string) bool {
	v := mapGet(n, key)
	return v != nil && v.Value == "true"
}

// members are the operation's parameters or a response's headers: named
// objects that are added, removed, renamed and changed alike. Their site's
// direction decides who a change breaks; only the wording differs.
type members struct {
	site   site
	byName bool // a sequence whose elements are addressed by name (parameters)
	noun   string
	// Reasons; the *Required ones only for requests.
	renamed, removed, removedRequired, added, addedRequired, required, optional, serialization string
}

var parameters = members{
	byName:          true,
	noun:            "parameter",
	renamed:         "parameter renamed: clients send the old name, a lagging server reads the old name",
	removed:         "parameter removed: clients still sending it may be rejected or silently ignored",
	removedRequired: "required parameter removed: clients still sending it may be rejected; a lagging server still demands it",
	added:           "optional parameter added: clients are unaffected; a lagging server ignores or rejects it and cannot honour it",
	addedRequired:   "required parameter added: clients written against OLD do not send it; a lagging server does not honour it",
	required:        "parameter became required: clients written against OLD may omit it",
	optional:        "parameter became optional: a lagging server still rejects requests without it",
	serialization:   "serialization/location differs, clients and lagging servers disagree",
}

var headers = members{
	noun:          "response header",
	renamed:       "response header renamed: clients read the old name; a lagging server does not send the new one",
	removed:       "response header removed: clients relying on it lose it; extra headers from a lagging server are harmless",
	added:         "response header added: clients ignore it; a lagging server does not send it",
	required:      "response header became required: a lagging server may omit it",
	optional:      "response header became optional: clients may not receive it",
	serialization: "serialization differs",
}

// at addresses one member.
func (m members) at(name string) site {
	if m.byName {
		return m.site.at(name, "[name="+name+"]")
	}
	return m.site.at(name, name)
}

// pick returns a if cond, else b.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// presence classifies added and removed members, pairing a removed and an
// added member with identical definitions as a rename. Requiredness only
// matters for requests: a required parameter is what a lagging server
// demands and OLD clients do not send.
func (d *differ) presence(m members, added, removed []string) {
	slices.Sort(added)
	slices.Sort(removed)
	request := m.site.dir == dirRequest
	usedAdded := map[string]bool{}
	for _, r := range removed {
		old := d.oldAt(m.at(r))
		renamed := ""
		for _, a := range added {
			if !usedAdded[a] && signature(old) == signature(d.newAt(m.at(a))) {
				renamed = a
				usedAdded[a] = true
				break
			}
		}
		p := m.at(r).path
		if renamed != "" {
			if m.byName {
				p = joinPath(p, "name")
			}
			d.emit(p, KindModified, r, renamed, true, true, m.renamed)
			continue
		}
		req := request && boolAt(old, "required")
		d.emit(p, KindRemoved, render(old), "", true, req, pick(req, m.removedRequired, m.removed))
	}
	for _, a := range added {
		if usedAdded[a] {
			continue
		}
		n := d.newAt(m.at(a))
		req := request && boolAt(n, "required")
		d.emit(m.at(a).path, KindAdded, "", render(n), req, true, pick(req, m.addedRequired, m.added))
	}
}

// member walks changes inside one parameter or response header (a header's
// changes arrive as ParameterChanges, which hold the same fields).
func (d *differ) member(m members, s site, pc *model.ParameterChanges) {
	request := s.dir == dirRequest
	for _, c := range changesOf(pc.PropertyChanges) {
		o, n := d.values(s, c)
		p := joinPath(s.path, c.Property)
		k := kindOf(c.ChangeType)
		switch c.Property {
		case "required":
			// Became required: OLD clients may omit a parameter, a lagging
			// server may omit a header; became optional: the reverse.
			req := boolAt(d.newAt(s), "required")
			d.emit(p, k, o, n, req == request, req != request, pick(req, m.required, m.optional))
		case "allowEmptyValue", "in", "name", "style", "explode", "allowReserved", "schema", "content":
			if c.Property == "allowEmptyValue" && request {
				if boolAt(d.newAt(s), "allowEmptyValue") {
					d.emit(p, k, o, n, false, true, "empty value now allowed: a lagging server may reject it")
				} else {
					d.emit(p, k, o, n, true, false, "empty value no longer allowed: clients may still send it")
				}
				continue
			}
			d.emit(p, k, o, n, true, true, m.noun+" "+c.Property+" changed: "+m.serialization)
		default:
			d.schemaKeyword(s, c) // documentation, or OpenAPI 2 style inline keywords
		}
	}
	if pc.SchemaChanges != nil {
		d.schema(pc.SchemaChanges, s.at("schema", "schema"))
	}
	for _, mt := range sortedKeys(pc.ContentChanges) {
		d.mediaType(pc.ContentChanges[mt], mediaSite(s, mt))
	}
	for _, name := range sortedKeys(pc.ExamplesChanges) {
		if ec := pc.ExamplesChanges[name]; ec != nil {
			d.doc(s.at("examples."+name), ec.GetAllChanges())
		}
	}
	if pc.ExtensionChanges != nil {
		d.doc(s, pc.ExtensionChanges.GetAllChanges())
	}
}

// mediaSite addresses a media type; JSON bodies get no human segment so
// that paths read "responses.200.data.items.stage".
func mediaSite(s site, mt string) site {
	human := "content." + mt
	base, _, _ := strings.Cut(mt, ";")
	base = strings.TrimSpace(base)
	if base == "application/json" || strings.HasSuffix(base, "+json") {
		human = ""
	}
	return s.at(human, "content", mt)
}

func (d *differ) requestBodyPresence(c *model.Change) {
	if kindOf(c.ChangeType) == KindAdded {
		req := boolAt(mapGet(d.new.op, "requestBody"), "required")
		d.emit("requestBody", KindAdded, "", render(mapGet(d.new.op, "requestBody")), req, true,
			"request body added: a lagging server ignores it; clients must send it only if required")
		return
	}
	req := boolAt(mapGet(d.old.op, "requestBody"), "required")
	d.emit("requestBody", KindRemoved, render(mapGet(d.old.op, "requestBody")), "", true, req,
		"request body removed: clients still sending it may be rejected")
}

func (d *differ) requestBody(rb *model.RequestBodyChanges) {
	s := site{path: "requestBody", ptr: []string{"requestBody"}, dir: dirRequest}
	for _, c := range changesOf(rb.PropertyChanges) {
		o, n := d.values(s, c)
		p := joinPath(s.path, c.Property)
		k := kindOf(c.ChangeType)
		switch c.Property {
		case "required":
			if boolAt(d.newAt(s), "required") {
				d.emit(p, k, o, n, true, false, "request body became required: clients may omit it")
			} else {
				d.emit(p, k, o, n, false, true, "request body became optional: a lagging server still demands it")
			}
		case "content":
			mt := subject(c)
			if k == KindAdded {
				d.emit(joinPath(p, mt), k, "", mt, false, true,
					"request media type added: a lagging server cannot accept it")
			} else {
				d.emit(joinPath(p, mt), k, mt, "", true, false,
					"request media type removed: clients sending it are rejected")
			}
		default:
			d.opaqueAll(s, []*model.Change{c}, "request body")
		}
	}
	for _, mt := range sortedKeys(rb.ContentChanges) {
		d.mediaType(rb.ContentChanges[mt], mediaSite(s, mt))
	}
	if rb.ExtensionChanges != nil {
		d.doc(s, rb.ExtensionChanges.GetAllChanges())
	}
}

func (d *differ) responses(rc *model.ResponsesChanges) {
	s := site{path: "responses", ptr: []string{"responses"}, dir: dirResponse}
	for _, c := range changesOf(rc.PropertyChanges) {
		switch c.Property {
		case "codes", "default":
			code := subject(c)
			if c.Property == "default" {
				code = "default"
			}
			p := joinPath(s.path, code)
			if kindOf(c.ChangeType) == KindAdded {
				d.emit(p, KindAdded, "", render(mapGet(d.newAt(s, code), "description")), true, false,
					"response status added: clients may receive a status they do not handle; a lagging server simply never returns it")
			} else {
				d.emit(p, KindRemoved, render(mapGet(d.oldAt(s, code), "description")), "", true, true,
					"documented response status removed: clients lose a documented outcome; a lagging server still returns it")
			}
		default:
			d.opaqueAll(s, []*model.Change{c}, "responses")
		}
	}
	for _, code := range sortedKeys(rc.ResponseChanges) {
		d.response(rc.ResponseChanges[code], s.at(code, code))
	}
	if rc.DefaultChanges != nil {
		d.response(rc.DefaultChanges, s.at("default", "default"))
	}
	if rc.ExtensionChanges != nil {
		d.doc(s, rc.ExtensionChanges.GetAllChanges())
	}
}

func (d *differ) response(rc *model.ResponseChanges, s site) {
	if rc == nil {
		return
	}
	var addedHeaders, removedHeaders []string
	for _, c := range changesOf(rc.PropertyChanges) {
		k := kindOf(c.ChangeType)
		switch c.Property {
		case "headers":
			if k == KindAdded {
				addedHeaders = append(addedHeaders, subject(c))
			} else if k == KindRemoved {
				removedHeaders = append(removedHeaders, subject(c))
			} else {
				d.opaqueAll(s, []*model.Change{c}, "response headers")
			}
		case "content":
			mt := subject(c)
			p := joinPath(s.path, "content."+mt)
			if k == KindAdded {
				d.emit(p, k, "", mt, true, false,
					"response media type added: clients may receive a representation they do not handle")
			} else {
				d.emit(p, k, mt, "", true, true,
					"response media type removed: clients expecting it lose it; a lagging server still sends it")
			}
		default:
			d.opaqueAll(s, []*model.Change{c}, "response")
		}
	}
	hs := headers
	hs.site = s.at("headers", "headers")
	d.presence(hs, addedHeaders, removedHeaders)
	for _, name := range sortedKeys(rc.HeadersChanges) {
		if hc := rc.HeadersChanges[name]; hc != nil {
			d.member(hs, hs.at(name), &model.ParameterChanges{
				PropertyChanges: hc.PropertyChanges, SchemaChanges: hc.SchemaChanges,
				ContentChanges: hc.ContentChanges, ExamplesChanges: hc.ExamplesChanges,
				ExtensionChanges: hc.ExtensionChanges,
			})
		}
	}
	for _, mt := range sortedKeys(rc.ContentChanges) {
		d.mediaType(rc.ContentChanges[mt], mediaSite(s, mt))
	}
	for _, name := range sortedKeys(rc.LinkChanges) {
		if lc := rc.LinkChanges[name]; lc != nil {
			d.doc(s.at("links."+name), lc.GetAllChanges())
		}
	}
	if rc.ExtensionChanges != nil {
		d.doc(s, rc.ExtensionChanges.GetAllChanges())
	}
	if rc.SchemaChanges != nil { // OpenAPI 2
		d.schema(rc.SchemaChanges, s.at("", "schema"))
	}
}

func (d *differ) mediaType(mc *model.MediaTypeChanges, s site) {
	if mc == nil {
		return
	}
	for _, c := range changesOf(mc.PropertyChanges) {
		switch c.Property {
		case "schema", "itemSchema":
			o, n := d.values(s, c)
			d.emit(joinPath(s.path, c.Property), kindOf(c.ChangeType), o, n, true, true,
				"body schema "+kindOf(c.ChangeType)+": the payload contract changed wholesale")
		default:
			d.opaqueAll(s, []*model.Change{c}, "media type")
		}
	}
	if mc.SchemaChanges != nil {
		d.schema(mc.SchemaChanges, s.at("", "schema"))
	}
	if mc.ItemSchemaChanges != nil {
		d.schema(mc.ItemSchemaChanges, s.at("itemSchema", "itemSchema"))
	}
	for _, name := range sortedKeys(mc.ExampleChanges) {
		if ec := mc.ExampleChanges[name]; ec != nil {
			d.doc(s.at("examples."+name), ec.GetAllChanges())
		}
	}
	for _, name := range sortedKeys(mc.EncodingChanges) {
		if ec := mc.EncodingChanges[name]; ec != nil {
			d.opaqueAll(s.at("encoding."+name), ec.GetAllChanges(), "encoding")
		}
	}
	for _, name := range sortedKeys(mc.ItemEncodingChanges) {
		if ec := mc.ItemEncodingChanges[name]; ec != nil {
			d.opaqueAll(s.at("itemEncoding."+name), ec.GetAllChanges(), "item encoding")
		}
	}
	if mc.ExtensionChanges != nil {
		d.doc(s, mc.ExtensionChanges.GetAllChanges())
	}
}

func (d *differ) server(sc *model.ServerChanges) {
	if sc == nil {
		return
	}
	s := site{path: "servers"}
	for _, c := range changesOf(sc.PropertyChanges) {
		k := kindOf(c.ChangeType)
		switch {
		case c.Property == "servers" && k == KindAdded:
			n := c.New
			if c.ChangeType == model.PropertyAdded || n == "" {
				n = render(mapGet(d.new.op, "servers"))
			}
			d.emit("servers", k, "", n, false, true,
				"server added: a deployment of the lagging server is not reachable there")
		case c.Property == "servers" && k == KindRemoved:
			o := c.Original
			if c.ChangeType == model.PropertyRemoved || o == "" {
				o = render(mapGet(d.old.op, "servers"))
			}
			d.emit("servers", k, o, "", true, false,
				"server removed: clients configured with it can no longer reach the operation")
		case isDocProperty(c.Property) || c.Property == "name":
			d.doc(s, []*model.Change{c})
		default:
			d.emit(joinPath(s.path, c.Property), k, c.Original, c.New, true, true,
				"server "+c.Property+" changed: clients and lagging deployments disagree on the location")
		}
	}
	for _, name := range sortedKeys(sc.ServerVariableChanges) {
		if vc := sc.ServerVariableChanges[name]; vc != nil {
			d.opaqueAll(s.at("variables."+name), vc.GetAllChanges(), "server variable")
		}
	}
	if sc.ExtensionChanges != nil {
		d.doc(s, sc.ExtensionChanges.GetAllChanges())
	}
}
