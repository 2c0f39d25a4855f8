// Package conform holds the contract the suite certifies: the OpenAPI document of the Introw
// payouts API, embedded so that the binary carries the spec it was built with. The suite reads
// it at run time (or a user's --spec instead), so a changed spec changes what is tested.
package conform

import _ "embed"

// OpenAPI is the project's openapi.json, a JSON copy of ../shared/spec/payouts.openapi.yaml.
//
//go:embed openapi.json
var OpenAPI []byte
