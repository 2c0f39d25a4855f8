package suite

import "github.com/introw/conform/suite/rules"

// transportSpecs declares the specs of the transport workflow: complete HTTP answers.
func transportSpecs() { areaSpecs(rules.Transport, "complete HTTP answers") }
