package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/introw/conform/fixtures/hostile"
	"github.com/introw/conform/suite/cli"
	"github.com/introw/conform/suite/config"
)

// The fake keys of every run: distinctive, so any leak is found by a plain search.
var keys = map[string]string{
	"CONFORM_API_KEY":        "ck_live_HOSTILE_valid_7f3a9c1e5b2d",
	"CONFORM_NO_SCOPE_KEY":   "ck_live_HOSTILE_noscope_41d0e8a6c3",
	"CONFORM_REVOKED_KEY":    "ck_live_HOSTILE_revoked_9b27f5e1a4",
	"CONFORM_RATE_LIMIT_KEY": "ck_live_HOSTILE_ratelimit_c6e03d8f2",
}

// fastArgs keep a run against a hostile server short: every request is bounded by 1 s.
var fastArgs = []string{"--timeout", "1s", "--max-requests", "200", "--examples", "5", "--seed", "7"}

// Bounds every run must stay within.
const (
	maxWall   = 30 * time.Second
	maxHWMKiB = 200 << 10 // 200 MiB
)

// run is the outcome of one child run of the command.
type run struct {
	code           int
	stdout, stderr string
	wall           time.Duration
	res            childResult
	reportDir      string
}

// reports returns the contents of the report files the run wrote.
func (r run) reports(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{"report.json", "report.html", "junit.xml"} {
		b, err := os.ReadFile(filepath.Join(r.reportDir, name))
		if err == nil {
			out[name] = string(b)
		}
	}
	return out
}

// certify runs the command in a child process against base with the fake keys and args (plus
// --report-dir), and waits for it. signal, when set, is called with the running child.
func certify(t *testing.T, base string, args []string, signal func(*os.Process)) run {
	t.Helper()
	dir := t.TempDir()
	r := run{reportDir: filepath.Join(dir, "reports")}
	all := append(append([]string(nil), args...), "--report-dir", r.reportDir)
	argJSON, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	resultFile := filepath.Join(dir, "result.json")
	ctx, cancel := context.WithTimeout(context.Background(), 3*maxWall)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	env := []string{conformChild + "=1", conformArgs + "=" + string(argJSON), conformResult + "=" + resultFile, "CONFORM_BASE_URL=" + base}
	for name, v := range keys {
		env = append(env, name+"="+v)
	}
	for _, kv := range os.Environ() { // the child sees no CONFORM_* setting of the developer's
		if !strings.HasPrefix(kv, "CONFORM_") && !strings.HasPrefix(kv, "GITHUB_STEP_SUMMARY=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if signal != nil {
		signal(cmd.Process)
	}
	err = cmd.Wait()
	r.wall = time.Since(start)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("the child did not exit normally: %v\nstderr:\n%s", err, tail(r.stderr))
	}
	b, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatalf("the child wrote no result (exit %d): %v\nstderr:\n%s", r.code, err, tail(r.stderr))
	}
	if err := json.Unmarshal(b, &r.res); err != nil {
		t.Fatal(err)
	}
	return r
}

// tail is the end of s, for failure messages.
func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// failLine matches the console table line of a failed rule.
func failLine(rule string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^FAIL\s+` + regexp.QuoteMeta(rule) + `\s`)
}

// expectNoKeys checks that no key value appears in the run's output or reports.
func expectNoKeys(g Gomega, t *testing.T, r run) {
	t.Helper()
	where := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for name, text := range r.reports(t) {
		where[name] = text
	}
	for env, v := range keys {
		for name, text := range where {
			g.Expect(strings.Contains(text, v)).To(BeFalse(), "%s's value appears in %s", env, name)
		}
	}
}

// hostileCase is one misbehaving server and what the command must make of it.
type hostileCase struct {
	name    string
	start   func() (*hostile.Server, *hostile.Collector, error)
	code    int      // exit code
	rule    rules.ID // the rule that must fail
	message string   // what the rule's finding says
}

func plain(f func() (*hostile.Server, error)) func() (*hostile.Server, *hostile.Collector, error) {
	return func() (*hostile.Server, *hostile.Collector, error) {
		s, err := f()
		return s, nil, err
	}
}

// hostileCases: every server that connects but answers badly is a violation (exit 1) of
// TRANSPORT-ANSWER, or of SCHEMA-BODY for an honest answer with a broken body. Exit 3 is kept
// for a target that cannot be reached at all (no connection, TLS failure); see TestUnreachable.
var hostileCases = []hostileCase{
	{"hang", plain(hostile.Hang), 1, rules.TransportAnswer, "got timeout:"},
	{"drip", plain(hostile.Drip), 1, rules.TransportAnswer, "got timeout:"},
	{"endless body", plain(hostile.EndlessBody), 1, rules.TransportAnswer, "expected a body under the cap"},
	{"gzip bomb", plain(hostile.GzipBomb), 1, rules.TransportAnswer, "expected a body under the cap"},
	{"off-origin redirect", hostile.OffOriginRedirect, 1, rules.TransportAnswer, "expected no redirect"},
	{"redirect loop", plain(hostile.RedirectLoop), 1, rules.TransportAnswer, "expected no redirect"},
	{"reset", plain(hostile.Reset), 1, rules.TransportAnswer, "got reset:"},
	{"not HTTP", plain(hostile.NotHTTP), 1, rules.TransportAnswer, "got protocol:"},
	{"invalid JSON", plain(hostile.InvalidJSON), 1, rules.SchemaBody, "got invalid JSON"},
	{"lying Content-Length", plain(hostile.LyingLength), 1, rules.TransportAnswer, "got reset:"},
}

// TestHostileServers certifies each hostile server with the real command and checks the exit
// code, the failed rule and its finding, the wall time, the peak memory, and that no key left
// the run: not to the collector of a redirect, not into the output, not into the reports.
func TestHostileServers(t *testing.T) {
	if testing.Short() {
		t.Skip("certifies ten hostile servers in child processes")
	}
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			s, col, err := tc.start()
			g.Expect(err).NotTo(HaveOccurred())
			defer s.Close()
			r := certify(t, s.URL, fastArgs, nil)
			t.Logf("%-22s exit %d  %-16s wall %6.2fs  VmHWM %4d MiB  heap %4d MiB  allocated %5d MiB  requests %d",
				tc.name, r.code, tc.rule, r.wall.Seconds(), r.res.VmHWMKiB>>10, r.res.HeapSys>>20, r.res.TotalAlloc>>20, s.Requests())

			g.Expect(r.code).To(Equal(tc.code), "exit code; stderr:\n%s", tail(r.stderr))
			g.Expect(r.stdout).To(MatchRegexp(failLine(string(tc.rule)).String()), "the console table fails %s", string(tc.rule))
			g.Expect(r.stdout).To(ContainSubstring("FAIL "+string(tc.rule)+" ("), "the rule's findings are listed")
			g.Expect(r.stdout).To(ContainSubstring(tc.message))
			g.Expect(r.wall).To(BeNumerically("<", maxWall))
			g.Expect(r.res.VmHWMKiB).To(BeNumerically(">", 0), "peak memory measured")
			if !raceEnabled() {
				g.Expect(r.res.VmHWMKiB).To(BeNumerically("<", maxHWMKiB), "peak resident memory (KiB)")
			}
			g.Expect(s.Requests()).To(BeNumerically("<=", 200), "the request budget holds")
			expectNoKeys(g, t, r)
			if col != nil {
				g.Expect(col.Requests()).To(BeZero(), "requests that reached the collector:\n%s", strings.Join(col.Recorded(), "\n"))
				g.Expect(col.SawHeader("x-api-key")).To(BeFalse())
				for env, v := range keys {
					g.Expect(col.Saw(v)).To(BeFalse(), "%s reached the collector", env)
				}
			}
		})
	}
}

// TestUnreachable: a target that refuses the connection is exit 3 (unreachable), at once.
func TestUnreachable(t *testing.T) {
	g := NewWithT(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	g.Expect(ln.Close()).To(Succeed())
	r := certify(t, "http://"+addr, fastArgs, nil)
	g.Expect(r.code).To(Equal(3), "stderr:\n%s", r.stderr)
	g.Expect(r.stderr).To(ContainSubstring("unreachable"))
	g.Expect(r.wall).To(BeNumerically("<", maxWall))
	expectNoKeys(g, t, r)
}

// TestInterrupted: SIGINT and SIGTERM stop a run cleanly with 130 and 143, within a bound,
// whether the run is in its first request (a hanging server) or in the middle of the specs.
func TestInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command in child processes")
	}
	// waitFor polls cond until it holds (at most 20 s), then sends sig.
	waitFor := func(cond func() bool, sig os.Signal) func(*os.Process) {
		return func(p *os.Process) {
			for deadline := time.Now().Add(20 * time.Second); !cond() && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			_ = p.Signal(sig)
		}
	}
	t.Run("SIGTERM during the first request", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		s, err := hostile.Hang()
		g.Expect(err).NotTo(HaveOccurred())
		defer s.Close()
		args := append(append([]string(nil), fastArgs...), "--timeout", "20s")
		r := certify(t, s.URL, args, waitFor(func() bool { return s.Connections() > 0 }, syscall.SIGTERM))
		g.Expect(r.code).To(Equal(143), "stderr:\n%s", r.stderr)
		g.Expect(r.wall).To(BeNumerically("<", 15*time.Second), "well before the 20 s request timeout")
		expectNoKeys(g, t, r)
	})
	t.Run("SIGINT in the middle of the specs", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		s, err := hostile.InvalidJSON()
		g.Expect(err).NotTo(HaveOccurred())
		defer s.Close()
		args := append(append([]string(nil), fastArgs...), "--rate", "10") // 200 requests would take 20 s
		r := certify(t, s.URL, args, waitFor(func() bool { return s.Requests() >= 5 }, os.Interrupt))
		g.Expect(r.code).To(Equal(130), "stderr:\n%s", r.stderr)
		g.Expect(r.wall).To(BeNumerically("<", 15*time.Second))
		g.Expect(s.Requests()).To(BeNumerically("<", 150), "the run stopped sending")
		rep := r.reports(t)["report.json"]
		g.Expect(rep).NotTo(BeEmpty(), "the reports are still written")
		var sum struct {
			Partial bool `json:"partial"`
		}
		g.Expect(json.Unmarshal([]byte(rep), &sum)).To(Succeed())
		g.Expect(sum.Partial).To(BeTrue(), "the report is marked partial")
		expectNoKeys(g, t, r)
	})
}

// TestChildHarness checks the harness itself: a child run reports its exit code and memory.
func TestChildHarness(t *testing.T) {
	g := NewWithT(t)
	r := certify(t, "http://127.0.0.1:1", []string{"--profile", "loud"}, nil)
	g.Expect(r.code).To(Equal(2))
	g.Expect(r.res.Code).To(Equal(2))
	g.Expect(r.res.VmHWMKiB).To(BeNumerically(">", 0))
	g.Expect(fmt.Sprint(r.res.HeapSys)).NotTo(Equal("0"))
}

// TestBadInput: a bad flag, environment value, spec or report directory is exit 2 with one
// clear line on stderr, nothing on stdout, and no request sent. It runs cli.Main in-process:
// these runs end before the specs start. The base URL is a closed port, so a case that were
// wrongly accepted would end at the first request (exit 3), never in RunSpecs.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec30 := write("openapi30.json", `{"openapi":"3.0.3","info":{"title":"Payouts","version":"1"},"paths":{}}`)
	specNoOp := write("no-operation.yaml", "openapi: 3.1.0\ninfo:\n  title: Payouts\n  version: '1'\npaths:\n  /api/v1/partners:\n    get:\n      operationId: listPartners\n      responses:\n        '200':\n          description: ok\n")
	specJunk := write("junk.json", "\x00\x01\x02 this is not a spec {[")
	specSwagger := write("swagger.json", `{"swagger":"2.0","info":{"title":"Payouts","version":"1"},"paths":{}}`)
	regular := write("regular-file", "not a directory")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	_ = ln.Close()

	cases := []struct {
		name string
		args []string
		env  map[string]string
		says string // the line names the problem
	}{
		{"unknown flag", []string{"--bogus"}, nil, "bogus"},
		{"CONFORM_SEED=abc", nil, map[string]string{"CONFORM_SEED": "abc"}, "seed"},
		{"--seed=-1", []string{"--seed=-1"}, nil, "seed"},
		{"--timeout=-1s", []string{"--timeout=-1s"}, nil, "timeout"},
		{"CONFORM_TIMEOUT=soon", nil, map[string]string{"CONFORM_TIMEOUT": "soon"}, "timeout"},
		{"--profile=loud", []string{"--profile=loud"}, nil, "profile"},
		{"--max-requests=0", []string{"--max-requests=0"}, nil, "max-requests"},
		{"--examples=many", []string{"--examples=many"}, nil, "examples"},
		{"--rate=NaN", []string{"--rate=NaN"}, nil, "rate"},
		{"stray argument", []string{"certify"}, nil, "certify"},
		{"base URL not http", nil, map[string]string{"CONFORM_BASE_URL": "ftp://127.0.0.1/"}, "base URL"},
		{"base URL without a key", nil, map[string]string{"CONFORM_API_KEY": ""}, "CONFORM_API_KEY"},
		{"key with a line break", nil, map[string]string{"CONFORM_API_KEY": keys["CONFORM_API_KEY"] + "\r\nX-Evil: 1"}, "line break"},
		{"spec: OpenAPI 3.0", []string{"--spec", spec30}, nil, "3.1"},
		{"spec: Swagger 2.0", []string{"--spec", specSwagger}, nil, "3.1"},
		{"spec: lacks the operation", []string{"--spec", specNoOp}, nil, "listPayouts"},
		{"spec: not a spec at all", []string{"--spec", specJunk}, nil, "spec"},
		{"spec: no such file", []string{"--spec", filepath.Join(dir, "missing.json")}, nil, "spec"},
		{"report dir under a regular file", []string{"--report-dir", filepath.Join(regular, "reports")}, nil, "report dir"},
		{"label filter selecting no rule", []string{"--label-filter", "AUTH-MISSNG-KEY"}, nil, "selects no rule"},
		{"label filter with a syntax error", []string{"--label-filter", "auth &&"}, nil, "label-filter"},
		{"CONFORM_LABEL_FILTER selecting no rule", nil, map[string]string{"CONFORM_LABEL_FILTER": "nosuch"}, "selects no rule"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			env := map[string]string{"CONFORM_BASE_URL": refused}
			for k, v := range keys {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			var stdout, stderr bytes.Buffer
			code := cli.Main(append(append([]string(nil), tc.args...), fastArgsAfter(tc.args, tc.env)...), func(k string) string { return env[k] }, &stdout, &stderr)
			g.Expect(code).To(Equal(2), "stderr:\n%s", stderr.String())
			g.Expect(stdout.String()).To(BeEmpty())
			line := stderr.String()
			g.Expect(line).To(HaveSuffix("\n"))
			g.Expect(strings.Count(line, "\n")).To(Equal(1), "one line on stderr, got:\n%s", line)
			g.Expect(line).To(HavePrefix("conform: "))
			g.Expect(line).To(ContainSubstring(tc.says))
			for env, v := range keys {
				g.Expect(line).NotTo(ContainSubstring(v), "%s's value is printed", env)
			}
		})
	}
}

// fastArgsAfter returns the fast settings a case did not set itself, by flag or by environment
// variable (a flag wins over its variable, and a flag given twice would hide the case's value).
func fastArgsAfter(args []string, env map[string]string) []string {
	var out []string
	for i := 0; i+1 < len(fastArgs); i += 2 {
		name := fastArgs[i]
		_, set := env[config.Env[strings.TrimPrefix(name, "--")]]
		for _, a := range args {
			set = set || a == name || strings.HasPrefix(a, name+"=")
		}
		if !set {
			out = append(out, name, fastArgs[i+1])
		}
	}
	return out
}
