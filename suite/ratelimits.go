package suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL

	"github.com/introw/conform/suite/rules"
)

// rateLimitSpecs declares the specs of the rate-limit workflow: the rate-limit headers count one key's requests in its minute.
func rateLimitSpecs() {
	workflow(rules.RateLimits, "the rate-limit headers count one key's requests in its minute", Label("ratelimits"), func() {
		ConformanceIt(rules.RateHeadersPresent, Label("RATE-HEADERS-PRESENT", "strict"))
		ConformanceIt(rules.RateHeadersFormat, Label("RATE-HEADERS-FORMAT", "lenient"))
		ConformanceIt(rules.RateDecreasing, Label("RATE-DECREASING", "lenient"))
		ConformanceIt(rules.Rate429OnExhaustion, Label("RATE-429-ON-EXHAUSTION", "lenient"))
	})
}
