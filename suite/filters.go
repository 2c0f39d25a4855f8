package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// filterSpecs declares the specs of the filters workflow: each filter returns exactly the items that match it.
func filterSpecs() {
	workflow(rules.Filters, "each filter returns exactly the items that match it", Label("filters"), func() {
		ConformanceIt(rules.FilterHonoured, Label("FILTER-HONOURED", "lenient"))
		ConformanceIt(rules.FilterComplete, Label("FILTER-COMPLETE", "lenient"))
	})
}
