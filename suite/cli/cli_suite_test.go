package cli_test

// The tests of this package drive the real command, cli.Main, in-process. They use the testing
// package with Gomega, not a Ginkgo suite: cli.Main itself calls Ginkgo's RunSpecs on the
// contract specs that package suite registers in Ginkgo's global suite when it is imported, so
// a Ginkgo suite here would run those specs as its own, and the RunSpecs inside cli.Main would
// be a second RunSpecs in one process, which Ginkgo refuses (it exits the process).
//
// For the same reason a process can certify only once. Runs that reach RunSpecs therefore run
// in a child process: the test binary re-executes itself with conformChild set, and TestMain
// then calls cli.Main exactly like cmd/conform does (os.Args aside, the arguments come from
// conformArgs) and records the child's peak memory for the parent. Runs that end before the
// specs start (bad configuration, exit 2) run in the test process itself.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/introw/conform/suite/cli"
)

const (
	conformChild  = "CONFORM_TEST_CHILD"  // set: the process is a child that runs cli.Main once
	conformArgs   = "CONFORM_TEST_ARGS"   // the child's arguments, as a JSON array
	conformResult = "CONFORM_TEST_RESULT" // where the child writes its childResult (JSON)
)

// childResult is what a child reports about its run besides its exit code and output.
type childResult struct {
	Code       int    `json:"code"`
	VmHWMKiB   int64  `json:"vmHWMKiB"` // peak resident memory of the child process
	HeapSys    uint64 `json:"heapSys"`  // bytes of heap obtained from the OS at the end
	TotalAlloc uint64 `json:"totalAlloc"`
}

func TestMain(m *testing.M) {
	if os.Getenv(conformChild) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild runs cli.Main once, as cmd/conform does, and writes a childResult.
func runChild() int {
	flag.Parse() // like cmd/conform: rapid reads testing.Short(), which needs parsed flags
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(conformArgs)), &args); err != nil {
		fmt.Fprintf(os.Stderr, "child: bad %s: %v\n", conformArgs, err)
		return 99
	}
	code := cli.Main(args, os.Getenv, os.Stdout, os.Stderr)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res := childResult{Code: code, VmHWMKiB: vmHWM(), HeapSys: ms.HeapSys, TotalAlloc: ms.TotalAlloc}
	if p := os.Getenv(conformResult); p != "" {
		b, _ := json.Marshal(res)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			fmt.Fprintf(os.Stderr, "child: writing the result: %v\n", err)
			return 99
		}
	}
	return code
}

// vmHWM reads the process's peak resident set size in KiB from /proc/self/status (0 when
// unavailable).
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
