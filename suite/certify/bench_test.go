package certify_test

import (
	"context"
	"testing"
	"time"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/config"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
)

// BenchmarkDefaultRun measures a whole default certification (all rules, default examples and
// budget) of the in-process reference server: the engine, the client and the server together.
func BenchmarkDefaultRun(b *testing.B) {
	c, err := contract.Load(conform.OpenAPI)
	if err != nil {
		b.Fatal(err)
	}
	engine.ConfigureRapid(1, engine.DefaultExamples)
	b.ReportAllocs()
	requests := 0
	for b.Loop() {
		run, err := certify.Prepare(certify.Options{Contract: c, Seed: 1, Examples: engine.DefaultExamples, MaxRequests: 1500})
		if err != nil {
			b.Fatal(err)
		}
		run.Engine.RunAll(context.Background())
		if run.Engine.Failed() {
			b.Fatal("the reference server failed")
		}
		requests = run.Engine.Requests()
		run.Close()
	}
	b.ReportMetric(float64(requests), "requests/run")
}

// BenchmarkRunLatency20ms certifies the built-in server answering every request after 20 ms,
// once per iteration, with the default settings (8 requests in flight): the wall time of a run against a server as
// slow as a real one, where the requests' order, not the CPU, sets the pace.
func BenchmarkRunLatency20ms(b *testing.B) {
	c, err := contract.Load(conform.OpenAPI)
	if err != nil {
		b.Fatal(err)
	}
	engine.ConfigureRapid(1, engine.DefaultExamples)
	requests := 0
	for b.Loop() {
		run, err := certify.Prepare(certify.Options{Contract: c, Seed: 1, Examples: engine.DefaultExamples, MaxRequests: 1500,
			Latency: 20 * time.Millisecond, Concurrency: config.DefaultConcurrency})
		if err != nil {
			b.Fatal(err)
		}
		run.Engine.RunAll(context.Background())
		if run.Engine.Failed() {
			b.Fatal("the reference server failed")
		}
		requests = run.Engine.Requests()
		run.Close()
	}
	b.ReportMetric(float64(requests), "requests/run")
}
