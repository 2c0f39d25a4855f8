package suite

import "github.com/introw/conform/suite/rules"

// rateLimitSpecs declares the specs of the ratelimits workflow: rate-limit headers and 429.
func rateLimitSpecs() { areaSpecs(rules.RateLimits, "rate-limit headers and 429") }
