package report

import (
	"bytes"
	"html/template"
	"io"
	"time"

	"github.com/introw/conform/suite/engine"
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":     func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"failed": func(s engine.Status) bool { return s == engine.Fail || s == engine.Warn },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>conform report: {{.Verdict}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1 .v{padding:.1em .4em;border-radius:4px;color:#fff}
.conformant{background:#2a7}.violations{background:#c33}.partial{background:#c80}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
tr.fail td.s{background:#fdd}tr.pass td.s{background:#dfd}tr.warn td.s{background:#ffd}tr.skip td.s,tr.cut-short td.s{background:#eee}
pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all}
.finding{border-left:4px solid #c33;padding-left:1em;margin:1em 0}
</style></head><body>
<h1>conform <span class="v {{.Verdict}}">{{.Verdict}}</span></h1>
<p>Target <code>{{.Target}}</code> &middot; spec {{.SpecTitle}} {{.SpecVersion}} &middot; profile {{.Profile}} &middot;
seed <code>{{.Seed}}</code> &middot; {{.Requests}} requests in {{ms .Duration}}{{if .Partial}} &middot; <b>partial run</b>{{end}}</p>
<table><tr><th>rule</th><th>level</th><th>status</th><th>violations</th><th>asserts</th><th>spec clause</th></tr>
{{range .Results}}<tr class="{{.Status}}"><td><a href="#{{.Rule.ID}}">{{.Rule.ID}}</a></td><td>{{.Rule.Level}}</td><td class="s">{{.Status}}</td>
<td>{{.Violations}}</td><td>{{.Rule.Asserts}}{{if .Reason}} <i>({{.Reason}})</i>{{end}}</td><td><code>{{.Rule.Clause}}</code></td></tr>
{{end}}</table>
<h2>Failures</h2>
{{range .Results}}{{if failed .Status}}<h3 id="{{.Rule.ID}}">{{.Rule.ID}} ({{.Rule.Level}}, {{.Status}})</h3>
{{range .Findings}}<div class="finding"><p>{{.Message}}</p>
{{if .Path}}<p>at <code>{{.Path}}</code> = <code>{{.Value}}</code></p>{{end}}
{{if .Minimal}}<p><i>minimal input, shrunk by rapid</i></p>{{end}}
{{range .Sequence}}<pre>after: {{.}}</pre>{{end}}
<pre>{{.Curl}}</pre>{{if .Excerpt}}<p>body:</p><pre>{{.Excerpt}}</pre>{{end}}</div>
{{end}}{{end}}{{end}}{{if eq .Verdict "conformant"}}<p>none</p>{{end}}
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
