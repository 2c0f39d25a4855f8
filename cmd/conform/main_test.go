package main_test

import (
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"github.com/introw/conform/suite/rules"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/config"
)

func TestConform(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "conform command")
}

var bin string

var _ = SynchronizedBeforeSuite(func() []byte {
	path, err := gexec.Build("github.com/introw/conform/cmd/conform")
	Expect(err).NotTo(HaveOccurred())
	return []byte(path)
}, func(path []byte) { bin = string(path) })

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)

// conform runs the built binary with args and an environment of only env (plus PATH/HOME).
func conform(env []string, args ...string) *gexec.Session {
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("conform", func() {
	It("certifies the built-in reference server with no setup, printing the seed at start and end", func() {
		s := conform(nil, "--seed", "42")
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		out := string(s.Out.Contents())
		Expect(strings.Count(out, "seed 42")).To(BeNumerically(">=", 2))
		Expect(out).To(ContainSubstring("CONFORMANT"))
	})

	It("certifies a remote conformant server from the environment (exit 0) and never prints its keys", func() {
		srv, err := fixtures.Start(fixtures.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		s := conform([]string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + srv.Keys.Valid,
			"CONFORM_NO_SCOPE_KEY=" + srv.Keys.NoScope, "CONFORM_REVOKED_KEY=" + srv.Keys.Revoked,
			"CONFORM_RATE_LIMIT_KEY=" + srv.Keys.RateLimit, "CONFORM_SEED=7"})
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		all := string(s.Out.Contents()) + string(s.Err.Contents())
		for _, k := range []string{srv.Keys.Valid, srv.Keys.NoScope, srv.Keys.Revoked, srv.Keys.RateLimit} {
			Expect(all).NotTo(ContainSubstring(k))
		}
	})

	It("never passes a rule without evidence: a wrong base-URL prefix fails or is incomplete, with a one-line hint", func() {
		srv, err := fixtures.Start(fixtures.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		s := conform([]string{"CONFORM_BASE_URL=" + srv.URL + "/wrong-prefix", "CONFORM_API_KEY=" + srv.Keys.Valid, "CONFORM_SEED=3"})
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		out := string(s.Out.Contents())
		Expect(string(s.Err.Contents())).To(ContainSubstring("every request got 404: is the base URL right?"))
		Expect(out).NotTo(ContainSubstring("CONFORMANT"))
		// only the rules a 404 answer is evidence for may pass
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "PASS") {
				Expect(line).To(MatchRegexp(`^PASS\s+(STATUS-NO-5XX|TRANSPORT-ANSWER)\s`))
			}
		}
		for _, id := range []rules.ID{rules.PageComplete, rules.PageTerminates, rules.RateHeadersPresent, rules.SchemaBody, rules.FilterHonoured} {
			Expect(out).To(MatchRegexp(`CUT-SHORT\s+` + string(id) + `\s.*not checked`))
		}
	})

	It("reports a rule it cannot run for lack of a key as skipped, with why", func() {
		srv, err := fixtures.Start(fixtures.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		s := conform([]string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + srv.Keys.Valid})
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`SKIP\s+AUTH-REVOKED-KEY.*CONFORM_REVOKED_KEY is not set`))
	})

	It("fails a faulty server with exit 1, naming the rule and a curl line that uses the key's variable", func() {
		s := conform(nil, "--variant", "filter-stage-ignored", "--seed", "1")
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		out := string(s.Out.Contents())
		Expect(out).To(ContainSubstring(string(rules.FilterHonoured)))
		Expect(out).To(ContainSubstring(`-H "x-api-key: $CONFORM_API_KEY"`))
	})

	It("replays a run exactly with its seed: the same requests in the same order, also under CPU load", func() {
		// a loaded machine must not change what a seed decides: burn every core while the runs go
		stop := make(chan struct{})
		var burners sync.WaitGroup
		for range 2 * runtime.NumCPU() {
			burners.Add(1)
			go func() {
				defer burners.Done()
				for n := uint64(1); ; n = n*6364136223846793005 + 1442695040888963407 {
					if n%1024 == 0 {
						select {
						case <-stop:
							return
						default:
						}
					}
				}
			}()
		}
		defer func() { close(stop); burners.Wait() }()
		dir := GinkgoT().TempDir()
		trace := func(i int, args ...string) string {
			path := filepath.Join(dir, fmt.Sprintf("trace%d.txt", i))
			s := conform(nil, append([]string{"--seed", "11", "--trace", path}, args...)...)
			Eventually(s, 60*time.Second).Should(gexec.Exit(0))
			b, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			// cursors are the server's own opaque tokens (signed with a per-start secret): mask them
			return regexp.MustCompile(`cursor=[^&\t]*`).ReplaceAllString(string(b), "cursor=…")
		}
		// one request at a time: the same lines in the same order
		var traces [3]string
		for i := range traces {
			traces[i] = trace(i, "--concurrency", "1")
		}
		Expect(strings.Count(traces[0], "\n")).To(BeNumerically(">", 100))
		Expect(traces[1]).To(Equal(traces[0]))
		Expect(traces[2]).To(Equal(traces[0]))
		// requests in flight together (the default): the same requests, in the order answers came
		// (and a request two plans share is sent by whichever asks first: the plan column varies)
		unordered := func(t string) []string {
			lines := strings.Split(strings.TrimSpace(t), "\n")
			for i, l := range lines {
				lines[i] = strings.Join(strings.Split(l, "\t")[2:], "\t") // drop sequence and plan
			}
			sort.Strings(lines)
			return lines
		}
		first := unordered(trace(3))
		Expect(unordered(trace(4))).To(Equal(first))
		Expect(first).To(Equal(unordered(traces[0])))
	})

	It("accepts known violations from a baseline, fails new ones, and reports fixed ones", func() {
		file := filepath.Join(GinkgoT().TempDir(), "baseline.txt")
		s := conform(nil, "baseline", "write", file, "--variant", "filter-stage-ignored", "--seed", "1")
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		Expect(file).To(BeAnExistingFile())
		s = conform(nil, "--baseline", file, "--variant", "filter-stage-ignored", "--seed", "1")
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say("KNOWN"))
		s = conform(nil, "--baseline", file, "--variant", "schema-id-numeric", "--seed", "1")
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		Expect(string(s.Out.Contents())).To(ContainSubstring("fixed since the baseline"))
	})

	It("prints curl lines that reproduce the failure when pasted into a shell with the keys exported", func() {
		if _, err := exec.LookPath("curl"); err != nil {
			Skip("no curl on this machine to prove the reproduction lines (.ci/run installs it)")
		}
		srv, err := fixtures.Start(fixtures.Options{Variant: "schema-id-numeric"})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		env := []string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + srv.Keys.Valid}
		s := conform(env, "--seed", "3", "--label-filter", "schema")
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		line := regexp.MustCompile(`reproduce: (curl .*)`).FindStringSubmatch(string(s.Out.Contents()))
		Expect(line).To(HaveLen(2), "a reproduce line")
		Expect(line[1]).To(ContainSubstring(`$CONFORM_API_KEY`))
		Expect(line[1]).NotTo(ContainSubstring(srv.Keys.Valid))
		cmd := exec.Command("bash", "-c", line[1])
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("HTTP/1.1 200"))
		Expect(string(out)).To(MatchRegexp(`"id":\s*\d`)) // the numeric id the schema forbids
	})

	It("fails missing rate-limit headers in the strict profile and only warns in lenient", func() {
		s := conform(nil, "--variant", "rate-headers-missing-on-200", "--seed", "2")
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		Expect(s.Out).To(gbytes.Say(`FAIL\s+RATE-HEADERS-PRESENT\s+strict`))
		s = conform(nil, "--variant", "rate-headers-missing-on-200", "--seed", "2", "--profile", "lenient")
		Eventually(s, 60*time.Second).Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`WARN\s+RATE-HEADERS-PRESENT\s+strict`))
	})

	It("appends a Markdown summary to GITHUB_STEP_SUMMARY", func() {
		summary := filepath.Join(GinkgoT().TempDir(), "summary.md")
		s := conform([]string{"GITHUB_STEP_SUMMARY=" + summary}, "--variant", "page-limit-plus-one", "--seed", "4")
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		b, err := os.ReadFile(summary)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring("## conform: violations"))
		Expect(string(b)).To(ContainSubstring(string(rules.PageLimit)))
		Expect(string(b)).To(ContainSubstring("$CONFORM_API_KEY"))
	})

	Describe("TLS", func() {
		var srv *httptest.Server
		var env []string
		BeforeEach(func() {
			h, keys, err := fixtures.NewHandler(fixtures.Options{})
			Expect(err).NotTo(HaveOccurred())
			srv = httptest.NewTLSServer(h)
			DeferCleanup(srv.Close)
			env = []string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + keys.Valid}
		})

		It("verifies certificates by default: a server with an unknown CA is unreachable (exit 3)", func() {
			s := conform(env, "--label-filter", "auth")
			Eventually(s, 30*time.Second).Should(gexec.Exit(3))
			Expect(s.Err).To(gbytes.Say("certificate"))
		})

		It("trusts a private CA given with --ca-cert", func() {
			ca := filepath.Join(GinkgoT().TempDir(), "ca.pem")
			Expect(os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)).To(Succeed())
			s := conform(env, "--label-filter", "auth", "--ca-cert", ca)
			Eventually(s, 30*time.Second).Should(gexec.Exit(0))
		})

		It("skips verification only with --insecure, and says so loudly", func() {
			s := conform(env, "--label-filter", "auth", "--insecure")
			Eventually(s, 30*time.Second).Should(gexec.Exit(0))
			Expect(s.Err).To(gbytes.Say("WARNING: --insecure"))
		})
	})

	It("certifies a server whose key is rate limited: waits out each window, says so, and finishes", func() {
		h, keys, err := fixtures.NewHandler(fixtures.Options{})
		Expect(err).NotTo(HaveOccurred())
		var mu sync.Mutex
		window, hits := time.Now().Truncate(time.Second), 0
		limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("x-api-key") == keys.Valid {
				mu.Lock()
				if now := time.Now().Truncate(time.Second); now != window {
					window, hits = now, 0
				}
				hits++
				over := hits > 60 // 60 requests a (one-second) window
				mu.Unlock()
				if over {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
					return
				}
			}
			h.ServeHTTP(w, r)
		}))
		defer limited.Close()
		s := conform([]string{"CONFORM_BASE_URL=" + limited.URL, "CONFORM_API_KEY=" + keys.Valid}, "--label-filter", "parameters", "--seed", "3")
		Eventually(s, 120*time.Second).Should(gexec.Exit(0))
		Expect(s.Err).To(gbytes.Say("answered 429 with Retry-After 1s, waiting"))
		Expect(s.Out).To(gbytes.Say("CONFORMANT"))
	})

	It("stops at --deadline, marks the run partial and exits 1", func() {
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.RawQuery == "" && r.Header.Get("x-api-key") != "" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"data":[],"pagination":{"nextCursor":null}}`))
				return
			}
			<-r.Context().Done() // everything else hangs
		}))
		defer hang.Close()
		start := time.Now()
		s := conform([]string{"CONFORM_BASE_URL=" + hang.URL, "CONFORM_API_KEY=k"}, "--deadline", "2s", "--timeout", "30s")
		Eventually(s, 30*time.Second).Should(gexec.Exit(1))
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second))
	})

	Describe("specs", func() {
		It("reads a YAML spec and a spec served over http(s)", func() {
			s := conform(nil, "--spec", "../../suite/specdiff/testdata/base.yaml", "--label-filter", "auth")
			Eventually(s, 30*time.Second).Should(gexec.Exit(0))
			spec, err := os.ReadFile("../../openapi.json")
			Expect(err).NotTo(HaveOccurred())
			served := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(spec) }))
			defer served.Close()
			s = conform(nil, "--spec", served.URL+"/openapi.json", "--label-filter", "auth")
			Eventually(s, 30*time.Second).Should(gexec.Exit(0))
		})

		It("reports what a lagging server lacks when certified against a newer spec", func() {
			srv, err := fixtures.Start(fixtures.Options{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			s := conform([]string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + srv.Keys.Valid},
				"--spec", "../../suite/specdiff/testdata/limit_max_200.json", "--label-filter", "parameters", "--seed", "1")
			Eventually(s, 60*time.Second).Should(gexec.Exit(1))
			Expect(s.Out).To(gbytes.Say(`FAIL\s+PARAM-LIMIT-BOUNDS`))
		})

		DescribeTable("conform diff exits 1 when a change breaks clients or lagging servers, 0 when not, 2 for bad input",
			func(old, new string, code int, args ...string) {
				s := conform(nil, append([]string{"diff", "../../suite/specdiff/testdata/" + old, "../../suite/specdiff/testdata/" + new}, args...)...)
				Eventually(s, 30*time.Second).Should(gexec.Exit(code))
			},
			Entry("a raised limit maximum", "base.json", "limit_max_200.json", 1),
			Entry("a raised limit maximum, as JSON", "base.json", "limit_max_200.json", 1, "--json"),
			Entry("a description change", "base.json", "description_changed.json", 0),
			Entry("YAML against JSON of the same spec", "base.json", "base.yaml", 0),
			Entry("garbage", "base.json", "garbage.txt", 2),
		)
	})

	It("exits 3 with one line on stderr when the target is unreachable", func() {
		s := conform([]string{"CONFORM_BASE_URL=http://127.0.0.1:1", "CONFORM_API_KEY=k"}, "--timeout", "2s")
		Eventually(s, 30*time.Second).Should(gexec.Exit(3))
		Expect(strings.Count(strings.TrimSpace(string(s.Err.Contents())), "\n")).To(Equal(0))
	})

	DescribeTable("exits 2 with one clear line for bad input",
		func(env []string, args ...string) {
			s := conform(env, args...)
			Eventually(s, 30*time.Second).Should(gexec.Exit(2))
			Expect(s.Err).To(gbytes.Say("conform"))
		},
		Entry("an unknown flag", nil, "--no-such-flag"),
		Entry("a malformed seed", []string{"CONFORM_SEED=abc"}),
		Entry("a bad profile", nil, "--profile", "loud"),
		Entry("a base URL without a key", []string{"CONFORM_BASE_URL=http://127.0.0.1:9"}),
		Entry("a spec file that does not exist", nil, "--spec", "/nonexistent/openapi.json"),
		Entry("a spec file that is not OpenAPI", nil, "--spec", "main.go"),
		Entry("an unknown variant", nil, "--variant", "no-such-variant"),
	)

	It("exits 2 with one line on stderr when the label filter selects no rule (a typo certifies nothing)", func() {
		s := conform(nil, "--label-filter", "AUTH-MISSNG-KEY")
		Eventually(s, 30*time.Second).Should(gexec.Exit(2))
		Expect(string(s.Out.Contents())).To(BeEmpty())
		errOut := string(s.Err.Contents())
		Expect(strings.Count(errOut, "\n")).To(Equal(1), errOut)
		Expect(errOut).To(ContainSubstring(`"AUTH-MISSNG-KEY" selects no rule`))
		s = conform(nil, "--label-filter", "auth &&")
		Eventually(s, 30*time.Second).Should(gexec.Exit(2))
		Expect(strings.Count(string(s.Err.Contents()), "\n")).To(Equal(1), "a syntax error is one line too")
	})

	It("lists every flag in README's configuration table, with its environment variable, and no other", func() {
		s := conform(nil, "-h")
		Eventually(s, 10*time.Second).Should(gexec.Exit(0))
		flags := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z][a-z-]*)`).FindAllStringSubmatch(string(s.Out.Contents()), -1) {
			flags[m[1]] = true
		}
		Expect(len(flags)).To(BeNumerically(">=", 19))
		readme, err := os.ReadFile("../../README.md")
		Expect(err).NotTo(HaveOccurred())
		rows := map[string]string{} // flag -> environment column
		for _, m := range regexp.MustCompile("(?m)^\\| `--([a-z-]+)` \\| ([^|]*)\\|").FindAllStringSubmatch(string(readme), -1) {
			rows[m[1]] = strings.Trim(strings.TrimSpace(m[2]), "`")
		}
		for f := range flags {
			Expect(rows).To(HaveKey(f), "--%s is not in README's configuration table", f)
			Expect(rows[f]).To(Equal(config.Env[f]), "README names the wrong variable for --%s", f)
		}
		for f := range rows {
			Expect(flags).To(HaveKey(f), "README's configuration table lists --%s, which conform does not have", f)
		}
	})

	It("prints every word, number and the seed intact with a one-character key, and the key in no header or curl line", func() {
		h, keys, err := fixtures.NewHandler(fixtures.Options{Variant: "page-limit-plus-one"})
		Expect(err).NotTo(HaveOccurred())
		// the server accepts "1" as the valid key (and only that): a "1" in a count, a query or the
		// seed is not the key and must be printed as it is
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch got := r.Header.Get("x-api-key"); got {
			case "1":
				r.Header.Set("x-api-key", keys.Valid)
			case keys.Valid:
				r.Header.Set("x-api-key", "not-the-key")
			}
			h.ServeHTTP(w, r)
		}))
		defer srv.Close()
		dir := GinkgoT().TempDir()
		summary := filepath.Join(dir, "summary.md")
		s := conform([]string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=1", "GITHUB_STEP_SUMMARY=" + summary},
			"--seed", "1", "--label-filter", "pagination", "--report-dir", dir)
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		out, errOut := string(s.Out.Contents()), string(s.Err.Contents())
		Expect(strings.Count(errOut, "CONFORM_API_KEY is shorter than 8 characters")).To(Equal(1), "warned once:\n%s", errOut)
		Expect(out).To(ContainSubstring("seed 1 (replay with --seed 1)"))
		Expect(out).To(ContainSubstring("profile strict, seed 1\n"))
		Expect(out).To(MatchRegexp(`FAIL\s+PAGE-LIMIT\s+lenient \d+ violation\(s\)`))
		Expect(out).To(ContainSubstring("expected"))
		Expect(out).To(ContainSubstring("limit=1"))
		Expect(out).To(ContainSubstring(`-H "x-api-key: $CONFORM_API_KEY"`))
		reports := out
		for _, f := range []string{"summary.md", "report.json", "report.html", "junit.xml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			Expect(err).NotTo(HaveOccurred())
			reports += string(b)
		}
		Expect(reports).NotTo(ContainSubstring("[REDACTED]"), "nothing here is the key")
		Expect(reports).NotTo(MatchRegexp(`(?i)x-api-key:\s*'?"?1\b`), "the key in a header line")
		var rep struct {
			Seed uint64 `json:"seed"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "report.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &rep)).To(Succeed())
		Expect(rep.Seed).To(BeEquivalentTo(1))
	})

	It("takes output redirected to /dev/null for what it is, not a terminal: no escape codes in the log", func() {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		Expect(err).NotTo(HaveOccurred())
		defer devnull.Close()
		log := filepath.Join(GinkgoT().TempDir(), "stderr.log")
		f, err := os.Create(log)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		cmd := exec.Command(bin, "--label-filter", "auth", "--seed", "2")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
		cmd.Stdout, cmd.Stderr = devnull, f
		Expect(cmd.Run()).To(Succeed())
		b, err := os.ReadFile(log)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).NotTo(ContainSubstring("\033"))
		Expect(string(b)).NotTo(ContainSubstring("\r"))
	})

	It("prints the rule catalog, one rule a line, each naming its proving variant", func() {
		s := conform(nil, "rules")
		Eventually(s, 10*time.Second).Should(gexec.Exit(0))
		lines := strings.Split(strings.TrimSpace(string(s.Out.Contents())), "\n")
		Expect(len(lines)).To(BeNumerically(">=", 20))
		for _, l := range lines {
			Expect(l).To(MatchRegexp(`^[A-Z0-9-]+\s+(strict|lenient)\s.*proved by [a-z0-9-]+\)$`))
		}
	})

	It("writes junit.xml, report.json and report.html with --report-dir", func() {
		dir := GinkgoT().TempDir()
		s := conform(nil, "--variant", "schema-id-numeric", "--seed", "5", "--report-dir", dir)
		Eventually(s, 60*time.Second).Should(gexec.Exit(1))
		for _, f := range []string{"junit.xml", "report.json", "report.html"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
		junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(xml.Unmarshal(junit, new(struct{}))).To(Succeed())
		Expect(string(junit)).To(ContainSubstring(string(rules.SchemaBody)))
		var rep struct {
			Verdict string `json:"verdict"`
			Seed    uint64 `json:"seed"`
			Results []struct {
				Rule struct {
					ID string `json:"id"`
				} `json:"rule"`
				Status   string `json:"status"`
				Findings []struct {
					Curl string `json:"curl"`
				} `json:"findings"`
			} `json:"results"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "report.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &rep)).To(Succeed())
		Expect(rep.Verdict).To(Equal("violations"))
		Expect(rep.Seed).To(BeEquivalentTo(5))
		Expect(rep.Results).NotTo(BeEmpty())
		for _, r := range rep.Results {
			Expect(r.Rule.ID).NotTo(BeEmpty(), "the rule's id, in camelCase")
		}
		Expect(string(b)).NotTo(ContainSubstring(`"ID"`))

		browser := ""
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				browser = p
				break
			}
		}
		if browser == "" {
			Skip("no headless browser on this machine (.ci/run installs Debian's chromium)")
		}
		dom, err := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", "file://"+filepath.Join(dir, "report.html")).Output()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(dom)).To(ContainSubstring("violations"))
		Expect(string(dom)).To(ContainSubstring(`id="` + string(rules.SchemaBody) + `"`))
		Expect(string(dom)).To(ContainSubstring("reproduce:"))
		Expect(string(dom)).To(ContainSubstring("$CONFORM_API_KEY"))
	})
})
