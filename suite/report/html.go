package report

import (
	"bytes"
	"html/template"
	"io"
	"time"

	"github.com/introw/conform/suite/engine"
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":         func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"violations": Violations,
	"failed":     func(s engine.Status) bool { return s == engine.Fail || s == engine.Warn },
	"failures": func(rs []engine.Result) bool {
		for _, r := range rs {
			if r.Status == engine.Fail || r.Status == engine.Warn {
				return true
			}
		}
		return false
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>conform report: {{.Verdict}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
h1 .v{padding:.1em .4em;border-radius:4px;color:#fff}
.conformant{background:#2a7}.violations{background:#c33}.partial,.incomplete{background:#c80}.error{background:#777}
.tally{font-size:1.1em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
td:first-child{white-space:nowrap}td code{overflow-wrap:anywhere}
tr.fail td.s,tr.error td.s{background:#fdd}tr.pass td.s{background:#dfd}tr.warn td.s{background:#ffd}tr.skip td.s,tr.cut-short td.s{background:#eee}
pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;overflow-wrap:anywhere}
.finding{border-left:4px solid #c33;padding-left:1em;margin:1em 0}
.label{font-weight:600;margin:.3em 0 0}
</style></head><body>
<h1>conform <span class="v {{.Verdict}}">{{.Verdict}}</span></h1>
<p class="tally">{{index .Counts "pass"}} passed, {{index .Counts "fail"}} failed, {{index .Counts "warn"}} warned, {{index .Counts "skip"}} skipped, {{index .Counts "cut-short"}} cut short{{if failures .Results}} &middot; <a href="#failures">failures below</a>{{end}}</p>
<p>Target <code>{{.Target}}</code> &middot; spec {{.SpecTitle}} {{.SpecVersion}} &middot; profile {{.Profile}} &middot;
seed <code>{{.Seed}}</code> (replay: <code>--seed {{.Seed}}</code>) &middot; {{.Requests}} requests in {{ms .Duration}}{{if .Partial}} &middot; <b>partial run</b>{{end}}</p>
{{if failures .Results}}<h2 id="failures">Failures</h2>
{{range .Results}}{{if failed .Status}}<h3 id="{{.Rule.ID}}">{{.Rule.ID}} ({{.Rule.Level}}, {{.Status}}, {{violations .}})</h3>
<p>{{.Rule.Asserts}} Spec: <code>{{.Rule.Clause}}</code></p>
{{range .Findings}}<div class="finding"><p>{{.Message}}</p>
{{if .Path}}<p>at <code>{{.Path}}</code>{{if .Value}} = <code>{{.Value}}</code>{{end}}</p>{{end}}
{{if .Minimal}}<p><i>minimal input, shrunk by rapid</i></p>{{end}}
<p class="label">reproduce:</p><pre>{{.Curl}}</pre>
{{if .Sequence}}<details><summary>{{len .Sequence}} earlier request(s) of the same walk</summary>{{range .Sequence}}<pre>{{.}}</pre>{{end}}</details>{{end}}
{{if .Excerpt}}<details><summary>response body (start)</summary><pre>{{.Excerpt}}</pre></details>{{end}}</div>
{{end}}{{end}}{{end}}{{end}}
<h2>Rules</h2>
<table><tr><th>rule</th><th>level</th><th>status</th><th>violations</th><th>asserts</th><th>spec clause</th></tr>
{{range .Results}}{{if ne .Status "not-run"}}<tr class="{{.Status}}"><td>{{if failed .Status}}<a href="#{{.Rule.ID}}">{{.Rule.ID}}</a>{{else}}{{.Rule.ID}}{{end}}</td><td>{{.Rule.Level}}</td><td class="s">{{.Status}}</td>
<td>{{if .Violations}}{{violations .}}{{else}}0{{end}}</td><td>{{.Rule.Asserts}}{{if .Reason}} <i>({{.Reason}})</i>{{end}}</td><td><code>{{.Rule.Clause}}</code></td></tr>
{{end}}{{end}}</table>
</body></html>
`))

// WriteHTML writes one self-contained page (no external assets).
func WriteHTML(w io.Writer, s Summary, red Redactor) error {
	var b bytes.Buffer
	if err := page.Execute(&b, red.Apply(s)); err != nil {
		return err
	}
	_, err := io.WriteString(w, red.Redact(b.String()))
	return err
}
