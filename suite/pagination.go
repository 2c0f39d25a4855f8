package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// paginationSpecs declares the specs of the pagination workflow: cursor walks end, never repeat or skip an item, keep their filters.
func paginationSpecs() {
	workflow(rules.Pagination, "cursor walks end, never repeat or skip an item, keep their filters", Label("pagination"), func() {
		ConformanceIt(rules.PageLimit, Label("PAGE-LIMIT", "lenient"))
		ConformanceIt(rules.PageTerminates, Label("PAGE-TERMINATES", "lenient"))
		ConformanceIt(rules.PageNoDuplicates, Label("PAGE-NO-DUPLICATES", "lenient"))
		ConformanceIt(rules.PageComplete, Label("PAGE-COMPLETE", "lenient"))
		ConformanceIt(rules.PageFiltersKept, Label("PAGE-FILTERS-KEPT", "lenient"))
		ConformanceIt(rules.PageForeignCursor, Label("PAGE-FOREIGN-CURSOR", "lenient"))
	})
}
