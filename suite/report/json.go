package report

import (
	"encoding/json"
	"time"

	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/rules"
)

// report.json names every field in camelCase. The engine's Result carries the catalog's Rule,
// which has no JSON names of its own, so the report converts it here.

// jsonRule is a catalog rule as report.json shows it.
type jsonRule struct {
	ID      string      `json:"id"`
	Area    rules.Area  `json:"area"`
	Level   rules.Level `json:"level"`
	Asserts string      `json:"asserts"`
	Clause  string      `json:"clause"`
	Variant string      `json:"variant"`
	Needs   string      `json:"needs,omitempty"`
}

// jsonResult is a rule's outcome as report.json shows it.
type jsonResult struct {
	Rule       jsonRule         `json:"rule"`
	Status     engine.Status    `json:"status"`
	Violations int              `json:"violations"`
	Findings   []engine.Finding `json:"findings,omitempty"` // at most a few; violations counts them all
	Reason     string           `json:"reason,omitempty"`
	Requests   int              `json:"requests"`
	Duration   time.Duration    `json:"durationNs"`
}

// MarshalJSON writes the summary with camelCase names throughout.
func (s Summary) MarshalJSON() ([]byte, error) {
	type plain Summary // the same fields without this method
	out := struct {
		plain
		Results []jsonResult `json:"results"`
	}{plain: plain(s), Results: make([]jsonResult, len(s.Results))}
	for i, r := range s.Results {
		out.Results[i] = jsonResult{
			Rule: jsonRule{ID: string(r.Rule.ID), Area: r.Rule.Area, Level: r.Rule.Level, Asserts: r.Rule.Asserts,
				Clause: r.Rule.Clause, Variant: r.Rule.Variant, Needs: r.Rule.Needs},
			Status: r.Status, Violations: r.Violations, Findings: r.Findings, Reason: r.Reason,
			Requests: r.Requests, Duration: r.Duration,
		}
	}
	return json.Marshal(out)
}
