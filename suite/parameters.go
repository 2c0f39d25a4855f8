package suite

import "github.com/introw/conform/suite/rules"

// parameterSpecs declares the specs of the parameters workflow: valid values get 200, invalid ones 422.
func parameterSpecs() { areaSpecs(rules.Parameters, "valid values get 200, invalid ones 422") }
