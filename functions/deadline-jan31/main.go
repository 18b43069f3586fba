// Command deadline-jan31 enforces the 31 January annual-report deadline (seed 000 §二(二)1):
// on Lambda from its EventBridge schedule and the HTTP API, or as a plain HTTP server on $PORT
// that any cron calls.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("deadline-jan31", httpapi.DeadlineJan31) }
