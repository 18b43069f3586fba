// Command subsidy-claim is the subsidy-claim function (资助申请) and its eligibility query: on
// Lambda behind the HTTP API, or as a plain HTTP server on $PORT.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("subsidy-claim", httpapi.SubsidyClaim) }
