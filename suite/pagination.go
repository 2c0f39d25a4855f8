package suite

import "github.com/introw/conform/suite/rules"

// paginationSpecs declares the specs of the pagination workflow: cursor walks terminate and agree.
func paginationSpecs() { areaSpecs(rules.Pagination, "cursor walks terminate and agree") }
