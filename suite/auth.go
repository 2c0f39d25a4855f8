package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// authSpecs declares the specs of the auth workflow: missing, invalid, revoked and scope-less keys, on every request shape.
func authSpecs() {
	workflow(rules.Auth, "missing, invalid, revoked and scope-less keys, on every request shape", Label("auth"), func() {
		ConformanceIt(rules.AuthMissingKey, Label("AUTH-MISSING-KEY", "lenient"))
		ConformanceIt(rules.AuthInvalidKey, Label("AUTH-INVALID-KEY", "lenient"))
		ConformanceIt(rules.AuthRevokedKey, Label("AUTH-REVOKED-KEY", "lenient"))
		ConformanceIt(rules.AuthNoScope, Label("AUTH-NO-SCOPE", "lenient"))
	})
}
