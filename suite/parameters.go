package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// parameterSpecs declares the specs of the parameters workflow: valid values get 200, invalid ones 422.
func parameterSpecs() {
	workflow(rules.Parameters, "valid values get 200, invalid ones 422", Label("parameters"), func() {
		ConformanceIt(rules.ParamValid200, Label("PARAM-VALID-200", "lenient"))
		ConformanceIt(rules.ParamInvalid422, Label("PARAM-INVALID-422", "lenient"))
		ConformanceIt(rules.ParamLimitBounds, Label("PARAM-LIMIT-BOUNDS", "lenient"))
		ConformanceIt(rules.ParamDatePattern, Label("PARAM-DATE-PATTERN", "lenient"))
		ConformanceIt(rules.ParamEmptyMatch, Label("PARAM-EMPTY-MATCH", "lenient"))
		ConformanceIt(rules.ParamDefaultLimit, Label("PARAM-DEFAULT-LIMIT", "lenient"))
	})
}
