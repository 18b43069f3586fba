package host

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// jobs is a handler with one scheduled job that records what it was asked.
type jobs struct {
	http.Handler
	got []time.Time
}

func (j *jobs) RunScheduled(ctx context.Context, job string, at time.Time) (any, error) {
	j.got = append(j.got, at)
	return map[string]string{"job": job}, nil
}

const scheduled = `{"source":"aws.scheduler","job":"jan31","scheduled_time":"2027-01-31T16:00:00Z",
	"schedule_arn":"arn:aws-cn:scheduler:cn-north-1:123456789012:schedule/default/x","execution_id":"d32c5kddcf5bb8c3","attempt_number":"2"}`

func TestLambdaEventsAreRoutedToTheHTTPHandlerOrTheJob(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := &jobs{Handler: ok}
	handle := eventHandler(h, slog.New(slog.DiscardHandler))
	ctx := context.Background()

	out, err := handle(ctx, json.RawMessage(scheduled))
	if err != nil || len(h.got) != 1 || !h.got[0].Equal(time.Date(2027, 2, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))) {
		t.Fatalf("scheduled event: %v, %v, job saw %v", out, err, h.got)
	}

	httpEvent := `{"version":"2.0","routeKey":"GET /v1/x","rawPath":"/v1/x","requestContext":{"http":{"method":"GET","path":"/v1/x"},"requestId":"r1"}}`
	out, err = handle(ctx, json.RawMessage(httpEvent))
	if resp, isHTTP := out.(events.APIGatewayV2HTTPResponse); err != nil || !isHTTP || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("HTTP event: %#v, %v", out, err)
	}

	for name, raw := range map[string]string{
		"not an object":             `["a"]`,
		"neither kind":              `{"detail-type":"Scheduled Event"}`,
		"an unknown field":          strings.Replace(scheduled, `"job"`, `"jobb":"x","job"`, 1),
		"no scheduled time":         strings.Replace(scheduled, `"2027-01-31T16:00:00Z"`, `"0001-01-01T00:00:00Z"`, 1),
		"scheduled time not a time": strings.Replace(scheduled, `"2027-01-31T16:00:00Z"`, `"<aws.scheduler.scheduled-time>"`, 1),
	} {
		if out, err := handle(ctx, json.RawMessage(raw)); err == nil {
			t.Errorf("%s: answered %v; want the invocation to fail", name, out)
		}
	}
	if out, err := eventHandler(ok, slog.New(slog.DiscardHandler))(ctx, json.RawMessage(scheduled)); err == nil {
		t.Errorf("a function without jobs answered a scheduled event: %v", out)
	}
}
