// Command annual-report is the annual report function (年度报告): on Lambda behind the HTTP API,
// or as a plain HTTP server on $PORT.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("annual-report", httpapi.AnnualReport) }
