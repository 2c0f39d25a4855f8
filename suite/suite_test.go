package suite

// `go test ./suite` (and `ginkgo ./suite`) certify the server the CONFORM_* environment names,
// exactly as the conform command does: CONFORM_BASE_URL and the key variables, or the built-in
// reference server when no base URL is set. Ginkgo's own flags select rules
// (-ginkgo.label-filter=auth, --focus-file auth.go); CONFORM_LABEL_FILTER applies when no label
// filter flag is given. An unreachable server or a bad configuration fails the test; a selection
// that matches no rule exits 2.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/config"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/report"
)

func TestSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	cfg, err := config.Parse(nil, os.Getenv, io.Discard)
	if err != nil {
		t.Fatalf("conform: %v", err)
	}
	raw := conform.OpenAPI
	if cfg.Spec != "" {
		if raw, err = os.ReadFile(cfg.Spec); err != nil {
			t.Fatalf("conform: CONFORM_SPEC: %v", err)
		}
	}
	c, err := contract.Load(raw)
	if err != nil {
		t.Fatalf("conform: %v", err)
	}
	suiteCfg, reporterCfg := GinkgoConfiguration()
	if cfg.SeedSet {
		suiteCfg.RandomSeed = int64(cfg.Seed & math.MaxInt64)
	}
	seed := uint64(suiteCfg.RandomSeed)
	if suiteCfg.LabelFilter == "" {
		suiteCfg.LabelFilter = cfg.LabelFilter
	}
	opts := certify.FromConfig(cfg, c)
	opts.Seed = seed
	run, err := certify.Prepare(opts)
	if err != nil {
		t.Fatalf("conform: %v", err)
	}
	defer run.Close()
	if err := run.Engine.Preflight(context.Background()); err != nil {
		t.Fatalf("conform: %s is unreachable: %v", run.Target, err)
	}
	engine.ConfigureRapid(seed, cfg.Examples)
	fmt.Fprintf(os.Stderr, "conform: certifying %s, seed %d (replay with CONFORM_SEED=%d)\n", run.Target, seed, seed)
	_, err = Certify(t, "conform: GET "+c.Path+" contract against "+run.Target, &Target{Engine: run.Engine, Annotate: report.AmbiguityNotes(c)}, suiteCfg, reporterCfg)
	if errors.Is(err, ErrNoSpecs) {
		fmt.Fprintf(os.Stderr, "conform: %v\n", err)
		os.Exit(2)
	}
	if err != nil {
		t.Fatalf("conform: %v", err)
	}
}
