package main_test

import (
	"encoding/json"
	"encoding/xml"
	"github.com/introw/conform/suite/rules"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/introw/conform/fixtures"
)

var _ = Describe("go test ./suite", Ordered, func() {
	var suiteBin string
	BeforeAll(func() {
		suiteBin = filepath.Join(GinkgoT().TempDir(), "suite.test")
		out, err := exec.Command("go", "test", "-c", "-o", suiteBin, "github.com/introw/conform/suite").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	})

	// suiteTest runs the suite's test binary (what `go test ./suite` runs) with env and args.
	suiteTest := func(env []string, args ...string) *gexec.Session {
		cmd := exec.Command(suiteBin, args...)
		cmd.Dir = filepath.Join("..", "..", "suite")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		return s
	}
	serverEnv := func(variant string) ([]string, func()) {
		srv, err := fixtures.Start(fixtures.Options{Variant: variant})
		Expect(err).NotTo(HaveOccurred())
		return []string{"CONFORM_BASE_URL=" + srv.URL, "CONFORM_API_KEY=" + srv.Keys.Valid, "CONFORM_NO_SCOPE_KEY=" + srv.Keys.NoScope,
			"CONFORM_REVOKED_KEY=" + srv.Keys.Revoked, "CONFORM_RATE_LIMIT_KEY=" + srv.Keys.RateLimit, "CONFORM_SEED=3"}, func() { _ = srv.Close() }
	}

	It("certifies the server CONFORM_BASE_URL names: a faulty one fails, an unreachable one fails, a conformant one passes", func() {
		env, stop := serverEnv("auth-missing-key-accepted")
		defer stop()
		s := suiteTest(env, "-ginkgo.label-filter=auth")
		Eventually(s, 120*time.Second).Should(gexec.Exit(1))
		Expect(string(s.Out.Contents())).To(ContainSubstring(string(rules.AuthMissingKey)))

		l, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr := l.Addr().String()
		Expect(l.Close()).To(Succeed())
		s = suiteTest([]string{"CONFORM_BASE_URL=http://" + addr, "CONFORM_API_KEY=k-unreachable-test"}, "-ginkgo.label-filter=auth")
		Eventually(s, 120*time.Second).Should(gexec.Exit(1))
		Expect(string(s.Out.Contents()) + string(s.Err.Contents())).To(ContainSubstring("unreachable"))

		env, stop = serverEnv("")
		defer stop()
		s = suiteTest(env, "-ginkgo.label-filter=auth")
		Eventually(s, 120*time.Second).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(MatchRegexp(`Ran 4 of 27 Specs`))
	})

	It("selects by Ginkgo's flags and CONFORM_LABEL_FILTER, and exits 2 on a selection of no rule", func() {
		env, stop := serverEnv("")
		defer stop()
		s := suiteTest(env, "-ginkgo.focus-file=suite/ratelimits.go")
		Eventually(s, 120*time.Second).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(MatchRegexp(`Ran 4 of 27 Specs`))

		s = suiteTest(append(env, "CONFORM_LABEL_FILTER=PAGE-LIMIT"))
		Eventually(s, 120*time.Second).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(MatchRegexp(`Ran 1 of 27 Specs`))

		s = suiteTest(env, "-ginkgo.label-filter=AUTH-MISSNG-KEY")
		Eventually(s, 120*time.Second).Should(gexec.Exit(2))
		Expect(strings.Count(strings.TrimSpace(string(s.Err.Contents())), "\n")).To(BeNumerically("<=", 1))
		Expect(string(s.Err.Contents())).To(ContainSubstring("matches no rule"))
	})
})

// junitSuites is the part of junit.xml the consistency test reads.
type junitSuites struct {
	Suites []struct {
		Cases []struct {
			Name   string `xml:"name,attr"`
			Status string `xml:"status,attr"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

var _ = Describe("one verdict model", func() {
	It("writes the same verdict for every rule in junit.xml and report.json, for every fixture variant, and never an internal error", func() {
		ruleInName := regexp.MustCompile(`\[[a-z]+, ([A-Z0-9-]+), (strict|lenient)\]$`)
		junitStatus := map[string]string{"pass": "passed", "warn": "passed", "fail": "failed", "error": "failed",
			"skip": "skipped", "cut-short": "skipped", "not-run": "skipped", "known": "failed"}
		variants := append([]fixtures.Variant{{Name: ""}}, fixtures.Variants()...)
		dir := GinkgoT().TempDir()
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		var mu sync.Mutex
		var mismatches []string
		for i, v := range variants {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				out := filepath.Join(dir, strings.ReplaceAll(v.Name+"-"+string(rune('a'+i%26)), "/", "_"))
				args := []string{"--seed", "11", "--report-dir", out}
				if v.Name != "" {
					args = append(args, "--variant", v.Name)
				}
				s := conform(nil, args...)
				Eventually(s, 120*time.Second).Should(gexec.Exit())
				raw, err := os.ReadFile(filepath.Join(out, "report.json"))
				Expect(err).NotTo(HaveOccurred(), v.Name)
				var rep struct {
					Results []struct {
						Rule struct {
							ID string `json:"id"`
						} `json:"rule"`
						Status string `json:"status"`
					} `json:"results"`
				}
				Expect(json.Unmarshal(raw, &rep)).To(Succeed())
				xraw, err := os.ReadFile(filepath.Join(out, "junit.xml"))
				Expect(err).NotTo(HaveOccurred(), v.Name)
				var ju junitSuites
				Expect(xml.Unmarshal(xraw, &ju)).To(Succeed())
				inJunit := map[string]string{}
				for _, s := range ju.Suites {
					for _, c := range s.Cases {
						if m := ruleInName.FindStringSubmatch(c.Name); m != nil {
							inJunit[m[1]] = c.Status
						}
					}
				}
				mu.Lock()
				defer mu.Unlock()
				Expect(rep.Results).To(HaveLen(27), v.Name)
				for _, r := range rep.Results {
					if r.Status == "error" {
						mismatches = append(mismatches, v.Name+" "+r.Rule.ID+": conform internal error")
					}
					if got, want := inJunit[r.Rule.ID], junitStatus[r.Status]; got != want {
						mismatches = append(mismatches, v.Name+" "+r.Rule.ID+": report.json "+r.Status+", junit.xml "+got)
					}
				}
			}()
		}
		wg.Wait()
		Expect(mismatches).To(BeEmpty())
	})
})
