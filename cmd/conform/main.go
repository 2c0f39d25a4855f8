// Command conform certifies that a server honours the contract of GET /api/v1/payouts.
//
//	conform                      certify the built-in reference server (zero setup)
//	CONFORM_BASE_URL=… CONFORM_API_KEY=… conform   certify a remote server
//	conform rules                print the rule catalog
//	conform serve [--addr A] [--variant V] [--list]   run the reference server (or a variant)
//	conform diff OLD NEW [--json]                      what a spec change breaks
//
// Exit codes: 0 conformant, 1 violations, 2 usage or configuration error, 3 target unreachable,
// 130/143 interrupted. The command is thin: everything it does lives in suite/ and fixtures/.
package main

import (
	"flag"
	"os"
	"testing"

	"github.com/introw/conform/suite/cli"
)

func main() {
	testing.Init()                  // rapid reads testing.Short() and registers its flags on the default set,
	_ = flag.CommandLine.Parse(nil) // which must count as parsed; conform parses its own flags
	os.Exit(cli.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
