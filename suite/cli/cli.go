// Package cli is conform's command line: it parses the configuration, starts the run through
// certify, drives the Ginkgo specs with RunSpecs, writes the reports and maps the outcome to an
// exit code. cmd/conform only calls Main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"golang.org/x/term"

	conform "github.com/introw/conform"
	"github.com/introw/conform/suite"
	"github.com/introw/conform/suite/baseline"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/client"
	"github.com/introw/conform/suite/config"
	"github.com/introw/conform/suite/contract"
	"github.com/introw/conform/suite/engine"
	"github.com/introw/conform/suite/report"
	"github.com/introw/conform/suite/rules"
)

// Exit codes: a public interface.
const (
	ExitConformant  = 0
	ExitViolations  = 1
	ExitUsage       = 2
	ExitUnreachable = 3
	ExitInterrupted = 130
	ExitTerminated  = 143
)

// Main runs conform with args (without the program name) and returns the exit code.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "conform: internal error: %v\n", r)
			code = ExitUsage
		}
	}()
	if len(args) > 0 {
		switch args[0] {
		case "rules":
			return rulesCmd(args[1:], stdout, stderr)
		case "serve":
			return serveCmd(args[1:], getenv, stdout, stderr)
		case "diff":
			return diffCmd(args[1:], stdout, stderr)
		case "baseline":
			if len(args) < 3 || args[1] != "write" || strings.HasPrefix(args[2], "-") {
				fmt.Fprintln(stderr, "conform baseline: usage: conform baseline write FILE [flags of a run]")
				return ExitUsage
			}
			cfg, err := config.Parse(args[3:], getenv, stdout)
			if err != nil {
				fmt.Fprintf(stderr, "conform: %v\n", err)
				return ExitUsage
			}
			cfg.Baseline, cfg.WriteBaseline = "", args[2]
			return certifyCmd(cfg, getenv, stdout, stderr)
		case "help":
			usage(stdout)
			return ExitConformant
		}
	}
	cfg, err := config.Parse(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return ExitConformant
	}
	if err != nil {
		fmt.Fprintf(stderr, "conform: %v\n", err)
		return ExitUsage
	}
	return certifyCmd(cfg, getenv, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `conform certifies a server against the GET /api/v1/payouts contract.

usage:
  conform [flags]                 certify CONFORM_BASE_URL (or the built-in reference server)
  conform rules [--markdown]      print the rule catalog
  conform serve [--addr A] [--variant V] [--payouts N] [--latency D] [--rate-limit-per-minute N] [--list]
  conform diff OLD NEW [--json]   classify what a spec change breaks

Run "conform -h" for the flags; README.md lists the CONFORM_* environment variables.
`)
}

// loadSpec reads the spec from a file, an http(s) URL (fetched with a timeout and a size cap)
// or, with no path, the embedded openapi.json.
func loadSpec(path string) (*contract.Contract, error) {
	raw := conform.OpenAPI
	switch {
	case strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://"):
		b, err := client.Fetch(context.Background(), path, config.DefaultTimeout, config.DefaultMaxBody)
		if err != nil {
			return nil, fmt.Errorf("fetching the spec: %w", err)
		}
		raw = b
	case path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading the spec: %w", err)
		}
		raw = b
	}
	return contract.Load(raw)
}

func certifyCmd(cfg *config.Config, getenv func(string) string, stdout, stderr io.Writer) int {
	start := time.Now()
	c, err := loadSpec(cfg.Spec)
	if err != nil {
		fmt.Fprintf(stderr, "conform: %v\n", err)
		return ExitUsage
	}
	if err := selectsRules(cfg.LabelFilter); err != nil {
		fmt.Fprintf(stderr, "conform: --label-filter: %v\n", err)
		return ExitUsage
	}
	if cfg.ReportDir != "" {
		if err := writableDir(cfg.ReportDir); err != nil {
			fmt.Fprintf(stderr, "conform: report dir: %v\n", err)
			return ExitUsage
		}
	}
	var known baseline.Baseline
	if cfg.Baseline != "" {
		f, err := os.Open(cfg.Baseline)
		if err == nil {
			known, err = baseline.Read(f)
			_ = f.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "conform: --baseline: %v\n", err)
			return ExitUsage
		}
	}
	var trace io.Writer
	if cfg.Trace != "" {
		f, err := os.Create(cfg.Trace)
		if err != nil {
			fmt.Fprintf(stderr, "conform: --trace: %v\n", err)
			return ExitUsage
		}
		defer f.Close()
		trace = f
	}
	if !cfg.SeedSet {
		cfg.Seed = rand.Uint64() >> 1
	}
	if cfg.Insecure {
		fmt.Fprintln(stderr, "conform: WARNING: --insecure: TLS certificates are NOT verified")
	}
	opts := certify.FromConfig(cfg, c)
	opts.OnWait = func(d time.Duration, why string) { // why: "pacing: 3 of 60 requests left in this minute", "the server answered 429 ..."
		fmt.Fprintf(stderr, "conform: %s, waiting %s\n", why, d.Round(100*time.Millisecond))
	}
	opts.Trace = trace
	run, err := certify.Prepare(opts)
	if err != nil {
		fmt.Fprintf(stderr, "conform: %v\n", err)
		return ExitUsage
	}
	defer run.Close()
	red := report.NewRedactor(secrets(run)...).WithHeader(c.KeyHeader)
	fmt.Fprintln(stdout, red.Redact(fmt.Sprintf("conform: certifying %s against %s %s (%s %s), profile %s, seed %d",
		run.Target, c.Title, c.APIVersion, c.Method, c.Path, cfg.Profile, cfg.Seed)))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cfg.Deadline > 0 {
		ctx, cancel = context.WithTimeout(ctx, cfg.Deadline)
		defer cancel()
	}
	interrupted := watchSignals(cancel)
	if err := run.Engine.Preflight(ctx); err != nil {
		if errors.Is(err, engine.ErrUnreachable) {
			fmt.Fprintf(stderr, "conform: %s\n", red.Redact(err.Error()))
			return ExitUnreachable
		}
		if *interrupted != 0 {
			return *interrupted
		}
		fmt.Fprintf(stderr, "conform: %s\n", red.Redact(err.Error()))
		return ExitUnreachable
	}
	// said once the run goes ahead (a run that ends at once, exit 2 or 3, says one line only)
	if short := shortKeys(cfg.Keys); cfg.BaseURL != "" && len(short) > 0 { // the built-in server's keys are long
		verb := "is"
		if len(short) > 1 {
			verb = "are"
		}
		fmt.Fprintf(stderr, "conform: WARNING: %s %s shorter than %d characters: redacted only as the value of a key header or variable, not in other text (it would garble words and numbers)\n",
			strings.Join(short, ", "), verb, report.MinRedactLen)
	}
	engine.ConfigureRapid(cfg.Seed, cfg.Examples)
	onRule, endProgress := progress(stdout, stderr, run.Engine, red)
	suiteCfg, reporterCfg := GinkgoConfiguration()
	suiteCfg.RandomSeed = int64(cfg.Seed & math.MaxInt64)
	suiteCfg.LabelFilter = cfg.LabelFilter
	if _, err := types.ParseLabelFilter(cfg.LabelFilter); err != nil {
		fmt.Fprintf(stderr, "conform: --label-filter: %v\n", err)
		return ExitUsage
	}
	reporterCfg.Succinct = true
	reporterCfg.NoColor = true
	reporterCfg.SilenceSkips = true
	if cfg.ReportDir != "" {
		reporterCfg.JUnitReport = filepath.Join(cfg.ReportDir, "junit.xml")
	}
	// conform prints its own progress and summary (with every finding); Ginkgo's console
	// output would repeat them, so it is discarded. The JUnit report still comes from Ginkgo.
	formatter.ColorableStdOut = io.Discard
	_, err = suite.Certify(tb{}, "conform: GET "+c.Path+" contract", &suite.Target{Engine: run.Engine, Redact: red.Redact, Context: ctx, Progress: onRule,
		Annotate: report.AmbiguityNotes(c)},
		suiteCfg, reporterCfg)
	endProgress()
	if errors.Is(err, suite.ErrNoSpecs) {
		fmt.Fprintf(stderr, "conform: %v\n", err)
		return ExitUsage
	}

	sum := report.Summary{Seed: cfg.Seed, Target: run.Target, SpecTitle: c.Title, SpecVersion: c.APIVersion,
		Profile: cfg.Profile, Requests: run.Engine.Requests(), Duration: time.Since(start), Waited: run.Client.Waited(),
		Partial: ctx.Err() != nil, Results: run.Engine.Results(), ByTag: run.Engine.RequestsByTag(), Hint: run.Engine.Hint(), Slice: run.Engine.Slice()}
	sum.Results = report.NoteAmbiguousDates(sum.Results, report.DateParams(c)) // where the spec says two things about a date
	if cfg.WriteBaseline != "" {
		if err := writeBaseline(cfg.WriteBaseline, sum, red); err != nil {
			fmt.Fprintf(stderr, "conform: writing the baseline: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(stdout, "conform: wrote the baseline of %d failing rule(s) to %s\n", len(run.Engine.Fired()), cfg.WriteBaseline)
	}
	if known != nil {
		sum.Results, sum.Fixed = known.Apply(sum.Results)
	}
	sum.Tally()
	fmt.Fprintln(stdout)
	_ = report.WriteConsole(stdout, sum, red, cfg.Stats)
	if cfg.ReportDir != "" {
		if err := writeReports(cfg.ReportDir, sum, red); err != nil {
			fmt.Fprintf(stderr, "conform: writing reports: %v\n", err)
			return ExitUsage
		}
	}
	if p := getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_ = report.WriteMarkdown(f, sum, red)
			_ = f.Close()
		}
	}
	if sum.Hint != "" {
		fmt.Fprintln(stderr, "conform: "+sum.Hint)
	}
	switch {
	case cfg.WriteBaseline != "" && sum.Verdict == "violations":
		return ExitConformant // writing a baseline from a failing run is the point
	case *interrupted != 0:
		return *interrupted
	case sum.Verdict == "violations":
		return ExitViolations
	case sum.Verdict == "incomplete", sum.Verdict == "partial":
		fmt.Fprintln(stderr, "conform: not certified: some rules could not be checked or were cut short (see above for why)")
		return ExitViolations
	case sum.Verdict == "error":
		fmt.Fprintln(stderr, "conform: internal error: some rules could not run (see above); this is a bug in conform")
		return ExitUsage
	}
	return ExitConformant
}

func writeBaseline(path string, sum report.Summary, red report.Redactor) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := baseline.Write(&b, sum.Results); err != nil {
		_ = f.Close()
		return err
	}
	_, err = io.WriteString(f, red.Redact(b.String()))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// progress reports rules as they finish: one live line on stderr when stdout is a terminal,
// else a plain line per rule on stdout. The returned end func closes the live line.
func progress(stdout, stderr io.Writer, e *engine.Engine, red report.Redactor) (func(engine.Result), func()) {
	tty := isTerminal(stdout) && isTerminal(stderr) // the live line goes to stderr: both must be terminals
	done, failures := 0, 0
	on := func(res engine.Result) {
		done++
		if res.Status == engine.Fail || res.Status == engine.Error {
			failures++
		}
		if tty {
			fmt.Fprintf(stderr, "\r\033[Kconform: %d rules done, %d requests, %d failing (last: %s)", done, e.Requests(), failures, res.Rule.ID)
			return
		}
		fmt.Fprintln(stdout, red.Redact(fmt.Sprintf("conform: rule %d done: %s %s (%d requests so far)", done, strings.ToUpper(string(res.Status)), res.Rule.ID, e.Requests())))
	}
	end := func() {
		if tty && done > 0 {
			fmt.Fprintln(stderr)
		}
	}
	return on, end
}

// dateParams lists the parameters whose values are date-times ruled by a pattern: where the
// pattern and format: date-time disagree on a value, a finding says so.

// selectsRules checks a label filter: it must parse and select at least one rule (a typo in a
// rule ID would otherwise certify nothing and report success).
func selectsRules(filter string) error {
	if filter == "" {
		return nil
	}
	match, err := types.ParseLabelFilter(filter)
	if err != nil { // Ginkgo's message spans lines, with colour codes: say it in one line
		why := "a syntax error"
		var ge types.GinkgoError
		if errors.As(err, &ge) {
			lines := strings.Split(strings.TrimSpace(ge.Message), "\n")
			why = strings.TrimSpace(lines[len(lines)-1])
		}
		return fmt.Errorf("%q is not a label filter: %s", filter, why)
	}
	for _, r := range rules.Catalog {
		if match([]string{string(r.Area), string(r.ID), string(r.Level)}) {
			return nil
		}
	}
	return fmt.Errorf("%q selects no rule (labels are area names, rule IDs, strict and lenient: see conform rules)", filter)
}

// shortKeys names the keys given in the environment that are too short to redact from free text.
func shortKeys(keys map[client.KeyKind]string) []string {
	var out []string
	for _, k := range []client.KeyKind{client.KeyValid, client.KeyNoScope, client.KeyRevoked, client.KeyRateLimit} {
		if report.TooShort(keys[k]) {
			out = append(out, k.EnvVar())
		}
	}
	return out
}

// isTerminal reports whether w is a terminal. A character device is not enough (/dev/null is
// one): term.IsTerminal asks the terminal driver.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func secrets(run *certify.Run) []string {
	var out []string
	for _, v := range run.Keys {
		out = append(out, v)
	}
	return out
}

// watchSignals cancels the run on the first SIGINT/SIGTERM (reports are still written, marked
// partial) and exits at once on the second.
func watchSignals(cancel func()) *int {
	code := new(int)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		*code = ExitInterrupted
		if sig == syscall.SIGTERM {
			*code = ExitTerminated
		}
		cancel()
		<-ch
		os.Exit(*code)
	}()
	return code
}

func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".conform-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

func writeReports(dir string, sum report.Summary, red report.Redactor) error {
	for name, write := range map[string]func(io.Writer, report.Summary, report.Redactor) error{
		"report.json": report.WriteJSON, "report.html": report.WriteHTML,
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		err = write(f, sum, red)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tb is the GinkgoTestingT RunSpecs reports to outside go test.
type tb struct{}

func (tb) Fail() {}
