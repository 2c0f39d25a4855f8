// Package generators holds the rapid generators conform draws requests from. Every generator is
// derived from the contract's facts (suite/contract): enum members, integer bounds and default,
// the date pattern. Valid and invalid values are classified by the spec itself (bounds, enum,
// Go's regexp on the spec's pattern), never by a hand-kept list, so a changed spec changes both
// sides.
package generators
