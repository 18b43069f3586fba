// Command filing is the agency filing function (备案登记): on Lambda behind the HTTP API, or as
// a plain HTTP server on $PORT.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("filing", httpapi.Filing) }
