// Command deadline-jun30 runs the cluster zones' deadlines (seed 001 §四(三), §四(五), §四(六);
// DOMAIN.md §6): it closes the round at 1 July 00:00 Beijing time and runs the daily relative
// deadlines, on Lambda from its EventBridge schedules. It serves no HTTP route:
// POST /v1/deadline-runs {"deadline": "jun30"} is served by deadline-jan31 with the same code.
package main

import (
	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/httpapi"
)

func main() { app.Serve("deadline-jun30", httpapi.DeadlineJun30) }
