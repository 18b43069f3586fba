package host

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Scheduled is a handler that also runs scheduled jobs: on Lambda from an EventBridge
// Scheduler event, in the local runner from its own scheduler. A plain HTTP deployment triggers
// the same work through the function's HTTP API, with a scheduler's credential.
type Scheduled interface {
	// RunScheduled runs job for the instant it was scheduled for, which is what the job
	// judges by, never the moment it happens to run.
	RunScheduled(ctx context.Context, job string, scheduledFor time.Time) (any, error)
}

// SchedulerSource marks the events the platform's schedules send.
const SchedulerSource = "aws.scheduler"

// ScheduledEvent is the payload each ScheduleV2 of template.yaml sends (its Input), with
// EventBridge Scheduler's context attributes filled in.
type ScheduledEvent struct {
	Source        string    `json:"source"`
	Job           string    `json:"job"`
	ScheduledTime time.Time `json:"scheduled_time"`
	ScheduleARN   string    `json:"schedule_arn"`
	ExecutionID   string    `json:"execution_id"`
	AttemptNumber string    `json:"attempt_number"`
}

// eventHandler answers what Lambda delivers: API Gateway HTTP API events through h, scheduled
// events through h's jobs. Anything else is the invocation's error, so Lambda records it; an
// HTTP client never sees one, as API Gateway only ever sends its own events.
func eventHandler(h http.Handler, log *slog.Logger) func(context.Context, json.RawMessage) (any, error) {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var probe struct {
			Source   string `json:"source"`
			RouteKey string `json:"routeKey"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("the event is not a JSON object: %w", err)
		}
		if probe.Source == SchedulerSource {
			return runScheduled(ctx, h, log, raw)
		}
		var e events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("the event is neither a scheduled event nor an HTTP API request: %w", err)
		}
		if e.RouteKey == "" || e.RequestContext.HTTP.Method == "" {
			return nil, errors.New("the event is neither a scheduled event nor an HTTP API request")
		}
		return serveEvent(ctx, h, log, &e), nil
	}
}

func runScheduled(ctx context.Context, h http.Handler, log *slog.Logger, raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var e ScheduledEvent
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("scheduled event: %w", err)
	}
	s, ok := h.(Scheduled)
	if !ok {
		return nil, fmt.Errorf("scheduled event for job %q, but this function runs no scheduled jobs", e.Job)
	}
	if e.ScheduledTime.IsZero() {
		return nil, fmt.Errorf("scheduled event for job %q without scheduled_time", e.Job)
	}
	log.InfoContext(ctx, "scheduled run", "job", e.Job, "scheduled_time", e.ScheduledTime,
		"execution_id", e.ExecutionID, "attempt", e.AttemptNumber)
	out, err := s.RunScheduled(ctx, e.Job, e.ScheduledTime)
	if err != nil {
		// Failing the invocation lets EventBridge Scheduler retry it; the jobs are idempotent.
		log.ErrorContext(ctx, "scheduled run failed", "job", e.Job, "execution_id", e.ExecutionID, "error", err.Error())
		return nil, err
	}
	return out, nil
}
