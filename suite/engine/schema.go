package engine

import (
	"context"

	"github.com/introw/conform/generators"
	"github.com/introw/conform/suite/client"
)

// schemaWorkflow makes sure every documented status a client can provoke is seen at least once
// (the per-response rules judge every observation of the run), and sends the requests whose
// answer the contract leaves open: empty, unknown and repeated parameters.
func schemaWorkflow(ctx context.Context, e *Engine) {
	e.getCorpus(ctx)
	ctx = client.WithTag(ctx, "SCHEMA-BODY")
	probes := []client.Request{
		{}, // 401
		base(client.Param{Name: "conformUnknownParameter", Value: "1"}),
	}
	for _, p := range e.c.Params {
		probes = append(probes, base(client.Param{Name: p.Name, Value: ""}))
		if v, ok := e.invalidExample(p.Name); ok {
			probes = append(probes, base(client.Param{Name: p.Name, Value: v})) // 422
		}
		if len(p.Enum) > 1 {
			probes = append(probes, base(client.Param{Name: p.Name, Value: p.Enum[0]}, client.Param{Name: p.Name, Value: p.Enum[1]}))
		}
	}
	for i, r := range probes {
		r.Open = i > 0 // the missing key's 401 is not open
		if _, _, err := e.send(ctx, e, r); err != nil {
			e.stopped(err, "SCHEMA-BODY", "SCHEMA-CONTENT-TYPE", "STATUS-DOCUMENTED")
			return
		}
	}
}

// invalidExample draws one value the parameter's schema refuses, from the seed.
func (e *Engine) invalidExample(name string) (string, bool) {
	p := e.c.Param(name)
	if p == nil || !generators.HasInvalid(p) {
		return "", false
	}
	return exampleOf(generators.Invalid(p), e.cfg.Seed)
}
