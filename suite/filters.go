package suite

import "github.com/introw/conform/suite/rules"

// filterSpecs declares the specs of the filters workflow: every filter honoured, no match missing.
func filterSpecs() { areaSpecs(rules.Filters, "every filter honoured, no match missing") }
