// Package baseline reads and writes the file of known violations that regression runs accept:
// one rule ID a line with a short reason. Applied to a run, failing rules listed in the baseline
// become known (they do not fail the run), failing rules not listed stay failures (new), and
// listed rules that now pass are reported as fixed so the baseline can shrink.
package baseline

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/rules"
)

// Baseline maps rule IDs to the reason they are accepted.
type Baseline map[string]string

// Read parses a baseline: "RULE-ID reason…" a line; blank lines and lines starting with # are
// ignored. An unknown rule ID is an error (a typo would silently accept nothing).
func Read(r io.Reader) (Baseline, error) {
	b := Baseline{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if _, ok := rules.Lookup(id); !ok {
			return nil, fmt.Errorf("baseline line %d: unknown rule ID %q", n, id)
		}
		b[id] = strings.TrimSpace(reason)
	}
	return b, sc.Err()
}

// Write writes the failing rules of a run as a baseline, each with its first finding as reason.
func Write(w io.Writer, results []engine.Result) error {
	var lines []string
	for _, r := range results {
		if r.Status != engine.Fail && r.Status != engine.Warn {
			continue
		}
		reason := r.Rule.Asserts
		if len(r.Findings) > 0 {
			reason = r.Findings[0].Message
		}
		reason = strings.Join(strings.Fields(reason), " ")
		if len(reason) > 160 {
			reason = reason[:160] + "…"
		}
		lines = append(lines, string(r.Rule.ID)+" "+reason)
	}
	sort.Strings(lines)
	_, err := fmt.Fprintf(w, "# conform baseline: known violations a regression run accepts (RULE-ID reason)\n%s", strings.Join(append(lines, ""), "\n"))
	return err
}

// Apply marks the failing rules the baseline lists as known and returns the listed rules that
// no longer fail (fixed).
func (b Baseline) Apply(results []engine.Result) (out []engine.Result, fixed []string) {
	out = make([]engine.Result, len(results))
	for i, r := range results {
		if _, listed := b[string(r.Rule.ID)]; listed {
			switch r.Status {
			case engine.Fail, engine.Warn:
				r.Status, r.Reason = engine.Known, "known violation (baseline): "+b[string(r.Rule.ID)]
			case engine.Pass:
				fixed = append(fixed, string(r.Rule.ID))
			}
		}
		out[i] = r
	}
	sort.Strings(fixed)
	return out, fixed
}
