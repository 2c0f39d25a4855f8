package cli

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/introw/conform/fixtures"
	"github.com/introw/conform/suite/certify"
	"github.com/introw/conform/suite/rules"
	"github.com/introw/conform/suite/specdiff"
)

func rulesCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conform rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	md := fs.Bool("markdown", false, "print the catalog as a Markdown table")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if *md {
		fmt.Fprint(stdout, rules.Markdown())
		return ExitConformant
	}
	for _, r := range rules.Catalog {
		fmt.Fprintln(stdout, r.Line())
	}
	return ExitConformant
}

func serveCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conform serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (loopback only)")
	variant := fs.String("variant", "", "serve a fixture variant instead of the reference server")
	list := fs.Bool("list", false, "list the variants and exit")
	payouts := fs.Int("payouts", 0, "serve this many payouts (0: the reference dataset of 300)")
	spec := fs.String("spec", getenv("CONFORM_SPEC"), "spec the server implements (default: the embedded openapi.json)")
	latency := fs.Duration("latency", 0, "delay every answer by this much, e.g. 20ms (0: none)")
	perMinute := fs.Int("rate-limit-per-minute", 0, "the valid key's per-minute allowance (0: 100000)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if *latency < 0 || *perMinute < 0 {
		fmt.Fprintln(stderr, "conform serve: --latency and --rate-limit-per-minute must not be negative")
		return ExitUsage
	}
	if *list {
		for _, v := range fixtures.Variants() {
			fmt.Fprintf(stdout, "%-40s %-7s %-24s %s\n", v.Name, v.Kind, v.Rule, v.Description)
		}
		return ExitConformant
	}
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		fmt.Fprintf(stderr, "conform serve: --addr %q must be a loopback address such as 127.0.0.1:8080\n", *addr)
		return ExitUsage
	}
	c, err := loadSpec(*spec)
	if err != nil {
		fmt.Fprintf(stderr, "conform serve: %v\n", err)
		return ExitUsage
	}
	started := time.Now()
	h, keys, err := fixtures.NewHandler(fixtures.Options{Spec: certify.SpecFor(c), Variant: *variant, Payouts: *payouts,
		Latency: *latency, ValidPerMinute: *perMinute})
	if err != nil {
		fmt.Fprintf(stderr, "conform serve: %v\n", err)
		return ExitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "conform serve: %v\n", err)
		return ExitUsage
	}
	name := "reference server"
	if *variant != "" {
		name = "variant " + *variant
	}
	// the built-in server's keys are fixture values, not secrets: print them so users can try it
	if *payouts > 0 {
		name += fmt.Sprintf(" with %d payouts (built in %s)", *payouts, time.Since(started).Round(time.Millisecond))
	}
	if *latency > 0 {
		name += fmt.Sprintf(", answering after %s", *latency)
	}
	if *perMinute > 0 {
		name += fmt.Sprintf(", the valid key allowed %d requests a minute", *perMinute)
	}
	fmt.Fprintf(stdout, "conform: serving the %s on http://%s%s\n", name, ln.Addr(), c.Path)
	fmt.Fprintf(stdout, "export CONFORM_BASE_URL=http://%s\nexport CONFORM_API_KEY=%s\nexport CONFORM_NO_SCOPE_KEY=%s\nexport CONFORM_REVOKED_KEY=%s\nexport CONFORM_RATE_LIMIT_KEY=%s\n",
		ln.Addr(), keys.Valid, keys.NoScope, keys.Revoked, keys.RateLimit)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		<-ch
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(stderr, "conform serve: %v\n", err)
		return ExitUsage
	}
	return ExitConformant
}

func diffCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conform diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the changes as JSON")
	var flags, files []string // flags may come before or after OLD NEW
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			files = append(files, a)
		}
	}
	if err := fs.Parse(append(flags, files...)); err != nil {
		return ExitUsage
	}
	if fs.NArg() != 2 {
		fmt.Fprintln(stderr, "conform diff: usage: conform diff OLD NEW [--json]")
		return ExitUsage
	}
	var specs [2][]byte
	for i := range specs {
		b, err := os.ReadFile(fs.Arg(i))
		if err != nil {
			fmt.Fprintf(stderr, "conform diff: %v\n", err)
			return ExitUsage
		}
		specs[i] = b
	}
	rep, err := specdiff.Compare(specs[0], specs[1])
	if err != nil {
		fmt.Fprintf(stderr, "conform diff: %v\n", err)
		return ExitUsage
	}
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conform diff: %v\n", err)
		return ExitUsage
	}
	if rep.Breaking() {
		return ExitViolations
	}
	return ExitConformant
}
