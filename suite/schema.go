package suite

import "github.com/introw/conform/suite/rules"

// schemaSpecs declares the specs of the schema workflow: statuses, content types and bodies of every response.
func schemaSpecs() { areaSpecs(rules.Schema, "statuses, content types and bodies of every response") }
