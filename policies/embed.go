// Package policies is the Rego bundle every decision is made from, compiled into the binary so
// a deployed function cannot run with policies other than the ones it was tested with.
//
// One folder per decision package, named after its Rego package path (authz/ holds package
// authz); tests sit beside the rules they test as *_test.rego; parameters sit in data.json files,
// whose folder gives their place in data (authz/data.json is data.authz), as in an OPA bundle.
package policies

import "embed"

// Bundle holds every *.rego and *.json file of the subfolders, tests included: the tests are
// embedded so `go test` runs exactly what ships, and the engine leaves them out when it loads.
//
//go:embed */*.rego */*.json
var Bundle embed.FS
