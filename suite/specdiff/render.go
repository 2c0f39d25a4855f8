package specdiff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText writes a header line, one line per change and a summary line:
//
//	GET /api/v1/payouts: 2026-05-20 -> 2026-06-01
//	BREAKING-SERVERS  parameters.limit.schema.maximum  100 -> 200  (maximum raised 100 -> 200: NEW accepts input a lagging server rejects)
//	summary: 1 change, 1 breaking (0 clients, 1 servers), 0 non-breaking
//
// Labels are BREAKING-BOTH, BREAKING-CLIENTS, BREAKING-SERVERS and
// NON-BREAKING; absent old/new values print as "-".
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "GET %s: %s -> %s\n", TargetPath, orDash(r.OldVersion), orDash(r.NewVersion))
	var breaking, clients, servers int
	for _, c := range r.Changes {
		fmt.Fprintf(bw, "%-16s  %s  %s -> %s  (%s)\n",
			c.Label(), c.Path, orDash(oneLine(c.Old)), orDash(oneLine(c.New)), oneLine(c.Reason))
		if c.Breaking() {
			breaking++
		}
		if c.BreaksClients {
			clients++
		}
		if c.BreaksServers {
			servers++
		}
	}
	noun := "changes"
	if len(r.Changes) == 1 {
		noun = "change"
	}
	fmt.Fprintf(bw, "summary: %d %s, %d breaking (%d clients, %d servers), %d non-breaking\n",
		len(r.Changes), noun, breaking, clients, servers, len(r.Changes)-breaking)
	return bw.Flush()
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if out.Changes == nil {
		out.Changes = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
