package engine

import (
	"context"
	"github.com/introw/conform/suite/rules"

	"github.com/introw/conform/suite/client"
)

// schemaWorkflow makes sure every documented status a client can provoke is seen at least once
// (the per-response rules judge every observation of the run), and sends the requests whose
// answer the contract leaves open: empty, unknown and repeated parameters.
func schemaWorkflow(ctx context.Context, e *Engine) {
	e.getCorpus(ctx)
	ctx = client.WithTag(ctx, rules.SchemaBody)
	// the 401 and 422 envelopes are judged on the answers of the auth and parameters workflows
	// (SCHEMA-BODY judges every answer); these are the shapes no other workflow sends
	probes := []client.Request{
		base(client.Param{Name: "conformUnknownParameter", Value: "1"}),
	}
	for _, p := range e.c.Params {
		probes = append(probes, base(client.Param{Name: p.Name, Value: ""}))
		if len(p.Enum) > 1 {
			probes = append(probes, base(client.Param{Name: p.Name, Value: p.Enum[0]}, client.Param{Name: p.Name, Value: p.Enum[1]}))
		}
	}
	for _, r := range probes {
		r.Open = true
		if _, _, err := e.send(ctx, e, r); err != nil {
			e.stopped(err, rules.SchemaBody, rules.SchemaContentType, rules.StatusDocumented)
			return
		}
	}
}
