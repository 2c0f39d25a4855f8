// Package report renders a finished run for people and machines: the console summary, the
// JSON report, the self-contained HTML page and the Markdown step summary. Reporters only
// render the engine's verdicts; they never decide. Every string they write passes through the
// Redactor, so no API key reaches any output.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/introw/conform/suite/engine"
)

// Summary is a run's outcome, the single input of every renderer.
type Summary struct {
	Verdict     string          `json:"verdict"` // "conformant", "violations", "incomplete" (rules cut short), "partial" (interrupted), "error" (conform failed)
	Seed        uint64          `json:"seed"`
	Target      string          `json:"target"`
	SpecTitle   string          `json:"specTitle"`
	SpecVersion string          `json:"specVersion"`
	Profile     string          `json:"profile"`
	Requests    int             `json:"requests"`
	Duration    time.Duration   `json:"durationNs"`
	Waited      time.Duration   `json:"waitedNs,omitempty"`
	Partial     bool            `json:"partial,omitempty"`
	ByTag       map[string]int  `json:"requestsByPlan,omitempty"`     // requests per plan: rule IDs, areas, "corpus"
	Fixed       []string        `json:"fixedSinceBaseline,omitempty"` // baseline rules that now pass
	Slice       string          `json:"slice,omitempty"`              // the slice the completeness rules were judged on
	Hint        string          `json:"hint,omitempty"`               // one line when nearly every answer was an undocumented status
	Results     []engine.Result `json:"results"`
	Counts      map[string]int  `json:"counts"` // per status
}

// Tally fills Counts and Verdict from Results.
func (s *Summary) Tally() {
	s.Counts = map[string]int{}
	failed, broken, cut := false, false, false
	for _, r := range s.Results {
		s.Counts[string(r.Status)]++
		failed = failed || r.Status == engine.Fail
		broken = broken || r.Status == engine.Error
		cut = cut || r.Status == engine.CutOff
	}
	switch {
	case failed:
		s.Verdict = "violations"
	case broken:
		s.Verdict = "error"
	case s.Partial:
		s.Verdict = "partial"
	case cut:
		s.Verdict = "incomplete"
	default:
		s.Verdict = "conformant"
	}
}

// Violations says how many times a rule was violated and, when it kept fewer findings than
// that, how many it shows: "15 violation(s), showing 5 of 15".
func Violations(r engine.Result) string {
	s := fmt.Sprintf("%d violation(s)", r.Violations)
	if len(r.Findings) < r.Violations {
		s += fmt.Sprintf(", showing %d of %d", len(r.Findings), r.Violations)
	}
	return s
}

// WriteJSON writes the machine-readable report (its shape: README, "report.json").
func WriteJSON(w io.Writer, s Summary, red Redactor) error {
	b, err := json.MarshalIndent(red.Apply(s), "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, red.Redact(string(b))+"\n")
	return err
}

// WriteConsole writes the per-rule table and the verdict lines.
func WriteConsole(w io.Writer, s Summary, red Redactor, stats bool) error {
	var b strings.Builder
	for _, r := range s.Results {
		if r.Status == engine.NotRun {
			continue
		}
		line := fmt.Sprintf("%-9s %-24s %-7s", strings.ToUpper(string(r.Status)), r.Rule.ID, r.Rule.Level)
		if r.Violations > 0 {
			line += " " + Violations(r)
		}
		if r.Reason != "" {
			line += " (" + r.Reason + ")"
		}
		if stats {
			line += fmt.Sprintf(" [%d requests]", r.Requests)
		}
		b.WriteString(line + "\n")
	}
	for _, r := range s.Results {
		if r.Status != engine.Fail && r.Status != engine.Warn {
			continue
		}
		fmt.Fprintf(&b, "\n%s %s (%s, %s): %s\n  spec: %s\n", strings.ToUpper(string(r.Status)), r.Rule.ID, r.Rule.Level, Violations(r), r.Rule.Asserts, r.Rule.Clause)
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  - %s\n", f.Message)
			if f.Path != "" {
				fmt.Fprintf(&b, "    at %s = %s\n", f.Path, f.Value)
			}
			if f.Minimal {
				b.WriteString("    (minimal input, shrunk by rapid)\n")
			}
			for _, step := range f.Sequence {
				fmt.Fprintf(&b, "    after: %s\n", step)
			}
			fmt.Fprintf(&b, "    reproduce: %s\n", f.Curl)
		}
	}
	if len(s.Fixed) > 0 {
		fmt.Fprintf(&b, "\nfixed since the baseline (remove them from it): %s\n", strings.Join(s.Fixed, ", "))
	}
	var unchecked, keyless []string
	for _, r := range s.Results {
		switch {
		case r.Status == engine.CutOff:
			unchecked = append(unchecked, fmt.Sprintf("  %s: %s", r.Rule.ID, r.Reason))
		case r.Status == engine.Skip && r.Rule.Needs != "" && strings.Contains(r.Reason, r.Rule.Needs):
			keyless = append(keyless, fmt.Sprintf("  %s: set %s to check it", r.Rule.ID, r.Rule.Needs))
		}
	}
	if len(unchecked) > 0 {
		fmt.Fprintf(&b, "\nnot checked, so the run is incomplete (%d):\n%s\n", len(unchecked), strings.Join(unchecked, "\n"))
	}
	if len(keyless) > 0 {
		fmt.Fprintf(&b, "\nskipped for want of an optional key (they do not make the run incomplete):\n%s\n", strings.Join(keyless, "\n"))
	}
	fmt.Fprintf(&b, "\n%s: %d passed, %d failed, %d warned, %d known (baseline), %d skipped, %d cut short; %d requests in %s\n",
		strings.ToUpper(s.Verdict), s.Counts["pass"], s.Counts["fail"], s.Counts["warn"], s.Counts["known"], s.Counts["skip"], s.Counts["cut-short"],
		s.Requests, s.Duration.Round(time.Millisecond))
	if stats {
		fmt.Fprintf(&b, "stats: %d requests, wall %s, waited on rate limits %s, head walk and slice search %d requests, preflight %d\n",
			s.Requests, s.Duration.Round(time.Millisecond), s.Waited.Round(time.Millisecond), s.ByTag["corpus"], s.ByTag[""])
		if s.Slice != "" {
			fmt.Fprintf(&b, "slice: %s\n", s.Slice)
		}
	}
	fmt.Fprintf(&b, "seed %d (replay with --seed %d)\n", s.Seed, s.Seed)
	_, err := io.WriteString(w, red.Redact(b.String()))
	return err
}

// WriteMarkdown writes the GitHub step summary.
func WriteMarkdown(w io.Writer, s Summary, red Redactor) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## conform: %s\n\nTarget `%s`, spec %s %s, profile %s, seed `%d`, %d requests in %s.\n\n",
		s.Verdict, s.Target, s.SpecTitle, s.SpecVersion, s.Profile, s.Seed, s.Requests, s.Duration.Round(time.Millisecond))
	b.WriteString("| rule | level | status | violations |\n|---|---|---|---|\n")
	for _, r := range s.Results {
		if r.Status != engine.NotRun {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %d |\n", r.Rule.ID, r.Rule.Level, r.Status, r.Violations)
		}
	}
	for _, r := range s.Results {
		if r.Status != engine.Fail && r.Status != engine.Warn {
			continue
		}
		fmt.Fprintf(&b, "\n### `%s`: %s\n", r.Rule.ID, Violations(r))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "\n**%s**: %s\n\n```sh\n%s\n```\n", r.Rule.ID, f.Message, f.Curl)
		}
	}
	_, err := io.WriteString(w, red.Redact(b.String()))
	return err
}

// Apply returns a copy of the summary with every secret removed from every string a renderer
// prints (escaping in HTML or JSON could otherwise hide a secret from a plain replace).
func (r Redactor) Apply(s Summary) Summary {
	out := s
	out.Target = r.Redact(s.Target)
	out.Results = make([]engine.Result, len(s.Results))
	for i, res := range s.Results {
		res.Reason = r.Redact(res.Reason)
		fs := make([]engine.Finding, len(res.Findings))
		for j, f := range res.Findings {
			f.Message, f.Request, f.Curl = r.Redact(f.Message), r.Redact(f.Request), r.Redact(f.Curl)
			f.Path, f.Value, f.Excerpt = r.Redact(f.Path), r.Redact(f.Value), r.Redact(f.Excerpt)
			seq := make([]string, len(f.Sequence))
			for k, st := range f.Sequence {
				seq[k] = r.Redact(st)
			}
			f.Sequence = seq
			fs[j] = f
		}
		res.Findings = fs
		out.Results[i] = res
	}
	return out
}
