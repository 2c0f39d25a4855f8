package cli_test

// The tests of this package drive the real command, cli.Main, in-process, with the testing
// package and Gomega rather than a Ginkgo suite: cli.Main calls Ginkgo's RunSpecs itself (on
// the contract specs, registered by suite.Register), and Ginkgo allows one RunSpecs per
// process; a second one prints an error and exits the process. So a Ginkgo suite here could
// never reach cli.Main's specs, and one process can certify only once.
//
// Runs that reach the specs therefore run in a child process: the test binary re-executes
// itself with conformChild set, and TestMain then calls cli.Main once, exactly as cmd/conform
// does (the arguments come from conformArgs instead of os.Args), and writes the child's exit
// code and peak memory for the parent. Runs that end before the specs start (a bad
// configuration, exit 2) run in the test process itself.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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

// raceEnabled reports whether the test binary was built with -race, which multiplies memory
// use several times: peak-memory bounds hold for normal builds only.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
