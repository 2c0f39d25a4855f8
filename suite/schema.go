package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// schemaSpecs declares the specs of the schema workflow: every answer is the documented JSON.
func schemaSpecs() {
	workflow(rules.Schema, "every answer is the documented JSON", Label("schema"), func() {
		ConformanceIt(rules.StatusNo5XX, Label("STATUS-NO-5XX", "lenient"))
		ConformanceIt(rules.StatusDocumented, Label("STATUS-DOCUMENTED", "lenient"))
		ConformanceIt(rules.SchemaContentType, Label("SCHEMA-CONTENT-TYPE", "lenient"))
		ConformanceIt(rules.SchemaBody, Label("SCHEMA-BODY", "lenient"))
	})
}
