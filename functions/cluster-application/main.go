// Command cluster-application is the cluster-zone application function (集聚区申报, seed 001)
// with the designated zones' lifecycle: on Lambda behind the HTTP API, or as a plain HTTP server
// on $PORT.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("cluster-application", httpapi.ClusterApplication) }
