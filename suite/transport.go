package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// transportSpecs declares the specs of the transport rules, judged on every answer of the run: every request gets a complete, documented HTTP answer.
func transportSpecs() {
	workflow(rules.Transport, "every request gets a complete, documented HTTP answer", Label("transport"), func() {
		ConformanceIt(rules.TransportAnswer, Label("TRANSPORT-ANSWER", "lenient"))
	})
}
