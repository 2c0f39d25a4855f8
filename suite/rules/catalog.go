// Package rules is the catalog: every check conform applies is a named rule with an ID, a level,
// labels, what it asserts, the spec clause it enforces and the fixture variant that proves it
// detects a fault. Rule IDs are a public interface (users' baselines and CI scripts name them):
// never rename or reuse one.
package rules

import (
	"fmt"
	"slices"
	"strings"
)

// Level says in which profiles a failing rule fails the run.
type Level string

const (
	// Lenient rules hold in every profile: a violation always fails the run.
	Lenient Level = "lenient"
	// Strict rules fail the run in the strict profile (the default) and only warn in lenient.
	Strict Level = "strict"
)

// Area groups rules by workflow; each area is a Ginkgo label and a spec file in suite/.
type Area string

// The areas, in the order the suite runs them.
const (
	Auth       Area = "auth"
	Parameters Area = "parameters"
	Filters    Area = "filters"
	Pagination Area = "pagination"
	RateLimits Area = "ratelimits"
	Schema     Area = "schema"
	Transport  Area = "transport"
)

// Rule is one documented check.
type Rule struct {
	ID      ID
	Area    Area
	Level   Level
	Asserts string // what the rule asserts, one sentence
	Clause  string // where the spec says so: a JSON pointer into openapi.json, or Settled for a reading README settles
	Variant string // the fixture variant that proves the rule catches a fault
	Needs   string // an environment variable the rule needs ("" when none)
}

// Labels are the rule's Ginkgo labels: its area and its level.
func (r Rule) Labels() []string { return []string{string(r.Area), string(r.Level)} }

const op = "#/paths/~1api~1v1~1payouts/get"

// Settled is the clause of a rule that enforces a reading the spec leaves open and README's
// "Settled readings" section settles.
const Settled = "README.md#settled-readings"

// Catalog is the golden list of rules, in run order.
var Catalog = []Rule{
	{ID: "AUTH-MISSING-KEY", Area: Auth, Level: Lenient, Clause: op + "/responses/401",
		Asserts: "A request without the API key header gets 401 (never 200 or a payout), whatever it asks for: the bare request, each filter alone, all filters together, a page size, a cursor from a real walk.", Variant: "auth-missing-key-accepted"},
	{ID: "AUTH-INVALID-KEY", Area: Auth, Level: Lenient, Clause: op + "/responses/401",
		Asserts: "A request with an invalid key (made up, the valid key's prefix with other characters, in another letter case, with a character changed or appended, cut in half) gets 401, on every request shape.", Variant: "auth-key-prefix-match"},
	{ID: "AUTH-REVOKED-KEY", Area: Auth, Level: Lenient, Clause: op + "/responses/401", Needs: "CONFORM_REVOKED_KEY",
		Asserts: "A revoked key gets 401, on every request shape (each filter alone, all filters, a page size, a cursor from a real walk).", Variant: "auth-revoked-key-accepted"},
	{ID: "AUTH-NO-SCOPE", Area: Auth, Level: Lenient, Clause: op + "/responses/403", Needs: "CONFORM_NO_SCOPE_KEY",
		Asserts: "A key without commissions:read gets 403, on every request shape (each filter alone, all filters, a page size, a cursor from a real walk).", Variant: "auth-no-scope-401"},

	{ID: "PARAM-VALID-200", Area: Parameters, Level: Lenient, Clause: op + "/parameters",
		Asserts: "Every combination of valid parameter values (generated from the schemas) gets 200.", Variant: "date-no-seconds-rejected"},
	{ID: "PARAM-INVALID-422", Area: Parameters, Level: Lenient, Clause: op + "/responses/422",
		Asserts: "A parameter that fails its schema (limit out of range or not an integer, stage outside the enum incl. wrong case, a date outside the pattern) gets 422.", Variant: "stage-case-insensitive"},
	{ID: "PARAM-LIMIT-BOUNDS", Area: Parameters, Level: Lenient, Clause: op + "/parameters/0/schema",
		Asserts: "limit at its minimum and maximum gets 200; one below the minimum and one above the maximum get 422.", Variant: "limit-max-rejected"},
	{ID: "PARAM-DATE-PATTERN", Area: Parameters, Level: Lenient, Clause: op + "/parameters/4/schema/pattern",
		Asserts: "Date parameters follow the spec's pattern: every form it admits (no seconds, any fraction, leap days) gets 200, every form it refuses (offsets, Feb 29 of non-leap years incl. 2100) gets 422.", Variant: "date-century-leap-accepted"},
	{ID: "PARAM-EMPTY-MATCH", Area: Parameters, Level: Lenient, Clause: Settled,
		Asserts: "A valid filter that matches nothing gets 200 with an empty data array and a null nextCursor.", Variant: "empty-match-404"},
	{ID: "PARAM-DEFAULT-LIMIT", Area: Parameters, Level: Lenient, Clause: op + "/parameters/0/schema/default",
		Asserts: "Omitting limit gives the same first page as limit set to its default.", Variant: "default-limit-20"},

	{ID: "FILTER-HONOURED", Area: Filters, Level: Lenient, Clause: op + "/parameters",
		Asserts: "Every item of every first page conform sees honours every filter of its request (stage and partnerId equal; periodStart on or after; periodEnd on or before, compared as instants).", Variant: "filter-stage-ignored"},
	{ID: "FILTER-COMPLETE", Area: Filters, Level: Lenient, Clause: op + "/parameters",
		Asserts: "A filtered listing holds every item it should: a request refining a slice walked whole (its filters plus more, a date bound tightened to the data's own instants) returns every item of the slice that matches, and an item the unfiltered listing returned is found by its own values.", Variant: "filter-period-start-exclusive"},

	{ID: "PAGE-LIMIT", Area: Pagination, Level: Lenient, Clause: op + "/parameters/0",
		Asserts: "Every page holds at most limit items (the default when limit is omitted).", Variant: "page-limit-plus-one"},
	{ID: "PAGE-TERMINATES", Area: Pagination, Level: Lenient, Clause: "#/components/schemas/ListPayoutsResponse/properties/pagination",
		Asserts: "Following nextCursor ends with null: never a cursor or a page already returned, never 10 pages in a row without a new item, and within the pages a slice's known size allows.", Variant: "page-last-cursor-self"},
	{ID: "PAGE-NO-DUPLICATES", Area: Pagination, Level: Lenient, Clause: "#/components/schemas/ListPayoutsResponse/properties/pagination",
		Asserts: "A walk over all pages yields no item twice.", Variant: "page-overlap-inclusive"},
	{ID: "PAGE-COMPLETE", Area: Pagination, Level: Lenient, Clause: "#/components/schemas/ListPayoutsResponse/properties/pagination",
		Asserts: "Walks of one slice at different limits yield the same set of items: no item skipped, nextCursor null only on the last page, every issued cursor followable.", Variant: "page-early-null"},
	{ID: "PAGE-FILTERS-KEPT", Area: Pagination, Level: Lenient, Clause: op + "/parameters/1",
		Asserts: "Every item of every page reached with a cursor honours the filters of the first request.", Variant: "page-cursor-drops-stage-partner"},
	{ID: "PAGE-FOREIGN-CURSOR", Area: Pagination, Level: Lenient, Clause: Settled,
		Asserts: "A cursor the server never issued gets a 4xx (or 200 with no items), never a 5xx or a page of data.", Variant: "cursor-foreign-500"},

	{ID: "RATE-HEADERS-PRESENT", Area: RateLimits, Level: Strict, Clause: op + "/responses/200/headers",
		Asserts: "200 responses carry both documented rate-limit headers.", Variant: "rate-headers-missing-on-200"},
	{ID: "RATE-HEADERS-FORMAT", Area: RateLimits, Level: Lenient, Clause: op + "/responses/200/headers",
		Asserts: "On 200, rate-limit headers are strings of decimal digits and remaining <= limit.", Variant: "rate-headers-decimal-point"},
	{ID: "RATE-DECREASING", Area: RateLimits, Level: Lenient, Clause: op + "/responses/200/headers",
		Asserts: "Every 200 is counted, once: over a mix of request shapes (each filter, a page size, a cursor, a request that gets 422) sent one after another, remaining stays below the limit and falls between two 200s by at least 1 and at most the requests sent between them (a 401, 403 or 422 may go uncounted; remaining rising marks a new window, where the count starts again).", Variant: "rate-remaining-static"},
	{ID: "RATE-429-ON-EXHAUSTION", Area: RateLimits, Level: Lenient, Clause: op + "/responses/429", Needs: "CONFORM_RATE_LIMIT_KEY",
		Asserts: "Exhausting the rate-limit key's per-minute allowance over the same mix of shapes gets 429 with the error envelope once remaining reached 0 and not before (never while the last 200 said some remain, beyond the requests sent since), never a 200 after a 0 in the same window (a new window starts the count again).", Variant: "rate-never-limited"},

	{ID: "STATUS-NO-5XX", Area: Schema, Level: Lenient, Clause: Settled,
		Asserts: "No request a client can send gets a 5xx.", Variant: "crash-limit-max"},
	{ID: "STATUS-DOCUMENTED", Area: Schema, Level: Lenient, Clause: op + "/responses",
		Asserts: "Every status is one the operation documents (where the contract leaves the status open, any non-5xx is accepted).", Variant: "status-400-for-invalid-parameter"},
	{ID: "SCHEMA-CONTENT-TYPE", Area: Schema, Level: Lenient, Clause: op + "/responses",
		Asserts: "Responses with a documented body are application/json (charset optional).", Variant: "ctype-text-plain-200"},
	{ID: "SCHEMA-BODY", Area: Schema, Level: Lenient, Clause: op + "/responses",
		Asserts: "Every response body is JSON that validates against the spec's schema for its status.", Variant: "schema-amount-number-rare"},

	{ID: "TRANSPORT-ANSWER", Area: Transport, Level: Lenient, Clause: "RFC 9110",
		Asserts: "Every request gets a complete HTTP answer within the timeout and the body cap (no hang, reset, redirect or oversize body).", Variant: "transport-redirect-cursor-pages"},
}

// Lookup returns the rule with an ID (an ID constant, or a string read from a label or a file).
func Lookup[S ~string](id S) (Rule, bool) {
	i := slices.IndexFunc(Catalog, func(r Rule) bool { return string(r.ID) == string(id) })
	if i < 0 {
		return Rule{}, false
	}
	return Catalog[i], true
}

// Line renders the rule as one catalog line: ID, level, labels, what it asserts, clause, variant.
func (r Rule) Line() string {
	return fmt.Sprintf("%-22s %-7s %-10s %s [%s] (proved by %s)", r.ID, r.Level, r.Area, r.Asserts, r.Clause, r.Variant)
}

// Areas lists the areas in run order.
func Areas() []Area {
	return []Area{Auth, Parameters, Filters, Pagination, RateLimits, Schema, Transport}
}

// InArea lists the rules of an area in catalog order.
func InArea(a Area) []Rule {
	var out []Rule
	for _, r := range Catalog {
		if r.Area == a {
			out = append(out, r)
		}
	}
	return out
}

// Markdown renders the catalog as a Markdown table (for README and reports).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| ID | level | area | asserts | spec clause | proved by variant |\n|---|---|---|---|---|---|\n")
	for _, r := range Catalog {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | `%s` | `%s` |\n", r.ID, r.Level, r.Area, r.Asserts, r.Clause, r.Variant)
	}
	return b.String()
}
