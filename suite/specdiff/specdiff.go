// Package specdiff compares two OpenAPI 3.x documents and reports every change
// that affects the operation GET /api/v1/payouts (operationId listPayouts),
// classified for two audiences:
//
//   - BreaksClients: a client written against OLD may break against a server
//     implementing NEW.
//   - BreaksServers: a server still implementing OLD no longer conforms to NEW.
//
// It is the library behind `conform diff OLD NEW`.
//
// How it works: both documents are reduced to the target operation (local
// $refs inlined, path-level parameters, the effective security requirement and
// the effective servers folded into the operation), compared with libopenapi's
// what-changed model, and every reported change is mapped to a human path such
// as "parameters.limit.schema.maximum" or "responses.200.data.items.stage.enum".
// libopenapi's own Breaking flag is client-oriented and only used as a hint for
// changes this package does not otherwise classify; the classification itself
// is derived from the kind of change, whether it sits in the request
// (parameters, request body) or the response, and the old and new values (a
// schema change either widens, narrows, or arbitrarily changes the set of valid
// values). When unsure, a change is classified as breaking for both audiences
// and the reason says so.
package specdiff

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// Change kinds.
const (
	// KindAdded: present only in NEW.
	KindAdded = "added"
	// KindRemoved: present only in OLD.
	KindRemoved = "removed"
	// KindModified: present in both with different values.
	KindModified = "modified"
)

// Change is one difference that affects the operation.
type Change struct {
	// Path is a human location, e.g. "parameters.limit.schema.maximum" or
	// "responses.200.data.items.stage.enum". Response bodies served as JSON
	// are addressed directly below the status code; object properties are
	// addressed by name (no "properties" segment).
	Path string `json:"path"`
	// Kind is KindAdded, KindRemoved or KindModified.
	Kind string `json:"kind"`
	// Old is the old value (empty for additions).
	Old string `json:"old,omitempty"`
	// New is the new value (empty for removals).
	New string `json:"new,omitempty"`
	// BreaksClients: a client written against OLD may break against NEW.
	BreaksClients bool `json:"breaksClients"`
	// BreaksServers: a server still implementing OLD no longer conforms to NEW.
	BreaksServers bool `json:"breaksServers"`
	// Reason explains the classification in one line.
	Reason string `json:"reason"`
}

// Breaking reports whether the change breaks clients or servers.
func (c Change) Breaking() bool { return c.BreaksClients || c.BreaksServers }

// Label is the classification label used by WriteText: BREAKING-BOTH,
// BREAKING-CLIENTS, BREAKING-SERVERS or NON-BREAKING.
func (c Change) Label() string {
	switch {
	case c.BreaksClients && c.BreaksServers:
		return "BREAKING-BOTH"
	case c.BreaksClients:
		return "BREAKING-CLIENTS"
	case c.BreaksServers:
		return "BREAKING-SERVERS"
	default:
		return "NON-BREAKING"
	}
}

// Report lists the changes between two documents that affect the operation.
type Report struct {
	// OldVersion is info.version of the old document.
	OldVersion string `json:"oldVersion"`
	// NewVersion is info.version of the new document.
	NewVersion string `json:"newVersion"`
	// Changes are sorted by path, then kind, old and new value. Never nil.
	Changes []Change `json:"changes"`
}

// Breaking reports whether any change breaks clients or servers.
func (r *Report) Breaking() bool {
	if r == nil {
		return false
	}
	for _, c := range r.Changes {
		if c.Breaking() {
			return true
		}
	}
	return false
}

// Compare parses two OpenAPI 3.x documents (JSON or YAML) and reports every
// change that affects GET /api/v1/payouts. It returns an error (wrapping
// ErrUnparsable, ErrNotOpenAPI3, ErrOperationMissing or ErrUnresolvableRef,
// prefixed with "old spec:" or "new spec:") when either document cannot be
// used.
func Compare(oldSpec, newSpec []byte) (*Report, error) {
	oldN, err := normalize(oldSpec)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w", err)
	}
	newN, err := normalize(newSpec)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w", err)
	}
	dc, err := compareReduced(oldN.rendered, newN.rendered)
	if err != nil {
		return nil, err
	}
	d := &differ{old: oldN, new: newN}
	d.run(dc)
	return &Report{
		OldVersion: oldN.version,
		NewVersion: newN.version,
		Changes:    finish(d.changes),
	}, nil
}

// compareReduced runs libopenapi's what-changed on two reduced documents. A
// nil result with a nil error means "no changes".
func compareReduced(oldDoc, newDoc []byte) (*model.DocumentChanges, error) {
	l, err := libopenapi.NewDocument(oldDoc)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w: %v", ErrUnparsable, err)
	}
	r, err := libopenapi.NewDocument(newDoc)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w: %v", ErrUnparsable, err)
	}
	// Build the models first: model errors that still yield a model (an
	// unresolvable "$ref" inside an example payload, recursive schemas) are
	// not fatal, while a missing model is.
	for _, side := range []struct {
		name string
		doc  libopenapi.Document
	}{{"old spec", l}, {"new spec", r}} {
		if m, err := side.doc.BuildV3Model(); m == nil {
			return nil, fmt.Errorf("%s: %w: %v", side.name, ErrUnparsable, err)
		}
	}
	dc, err := libopenapi.CompareDocuments(l, r)
	if dc == nil && err != nil {
		return nil, fmt.Errorf("specdiff: compare: %w", err)
	}
	return dc, nil
}

// finish removes exact duplicates and sorts changes deterministically.
func finish(in []Change) []Change {
	out := make([]Change, 0, len(in))
	seen := map[Change]bool{}
	for _, c := range in {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Old, b.Old),
			cmp.Compare(a.New, b.New),
			cmp.Compare(a.Reason, b.Reason),
		)
	})
	return out
}

// IsSpecError reports whether err is one of the input errors Compare returns
// for unusable documents.
func IsSpecError(err error) bool {
	return errors.Is(err, ErrUnparsable) || errors.Is(err, ErrNotOpenAPI3) ||
		errors.Is(err, ErrOperationMissing) || errors.Is(err, ErrUnresolvableRef)
}
