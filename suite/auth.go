package suite

import "github.com/introw/conform/suite/rules"

// authSpecs declares the specs of the auth workflow: missing, invalid, revoked and scope-less keys.
func authSpecs() { areaSpecs(rules.Auth, "missing, invalid, revoked and scope-less keys") }
