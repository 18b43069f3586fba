// Package openapi holds the platform's OpenAPI 3.1 document, which the filing function serves
// at GET /v1/openapi.json and the site's reference page renders.
//
// openapi.json is generated from the code by `make openapi` (shared/openapi/spec) and
// committed: embedding the generated file keeps the reflection and the policy reading that
// write it out of the function binaries, and a test fails when the committed file is not what
// the code generates now.
package openapi

import _ "embed"

//go:embed openapi.json
var document []byte

// JSON is the document. The slice is shared: do not modify it.
func JSON() []byte { return document }
