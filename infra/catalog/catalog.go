// Package catalog names the functions template.yaml deploys, by their folder under functions/,
// with the handler each one serves. The local runner serves them all in one process, and the
// template test holds this list, the template, the folders and the events to each other.
// A function's own main never imports this package: it links only its own handler.
package catalog

import "github.com/jsipa/ips/shared/httpapi"

// HTTPFunctions builds each HTTP function's handler from its dependencies.
var HTTPFunctions = map[string]func(httpapi.Deps) *httpapi.Function{
	"filing":              httpapi.Filing,
	"deadline-jan31":      httpapi.DeadlineJan31,
	"deadline-jun30":      httpapi.DeadlineJun30,
	"annual-report":       httpapi.AnnualReport,
	"subsidy-claim":       httpapi.SubsidyClaim,
	"cluster-application": httpapi.ClusterApplication,
}
