// Package specdriven is the regression test that the spec drives the suite: every generator and
// rule reads its facts from the loaded contract, never from a hard-coded copy of openapi.json.
//
// testdata/ holds copies of openapi.json that each change one fact (written once by
// testdata/gen.py): a new stage ON_HOLD, limit maximum 200, a new required nullable item field
// invoiceId, renamed rate-limit headers, and a renamed API key header. For each copy the tests
// show two things:
//
//   - the in-process fixture server that certify.Prepare starts from the modified contract
//     (certify.SpecFor turns the contract's facts into a fixtures.Spec) passes the full run:
//     no rule fires, so the engine follows the new fact instead of the old one;
//   - the unmodified reference server (fixtures.DefaultSpec, the OLD spec) certified against the
//     modified contract fails with the rule the change breaks, so the suite notices a server
//     that lags behind the spec.
//
// The package holds tests only.
package specdriven
