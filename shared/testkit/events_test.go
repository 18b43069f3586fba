package testkit

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"testing"
)

// recorder collects what a check reports instead of failing the test running it.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.failures = append(r.failures, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }

func check(t *testing.T, raw []byte) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		CheckHTTPAPIEvent(r, raw)
	}()
	<-done
	return r.failures
}

func TestEventChecksCatchWhatAPIGatewayNeverSends(t *testing.T) {
	raw, err := os.ReadFile("../../events/filing/review-accept.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := check(t, raw); len(got) != 0 {
		t.Fatalf("a real event fails: %v", got)
	}
	breaks := map[string]func(e map[string]any){
		"no version":           func(e map[string]any) { delete(e, "version") },
		"upper-case header":    func(e map[string]any) { h := e["headers"].(map[string]any); h["Host"] = h["host"]; delete(h, "host") },
		"stage prefix":         func(e map[string]any) { e["requestContext"].(map[string]any)["stage"] = "prod" },
		"wrong path parameter": func(e map[string]any) { e["pathParameters"] = map[string]any{"uscc": "x"} },
		"wrong content-length": func(e map[string]any) { e["headers"].(map[string]any)["content-length"] = "1" },
		"a real token": func(e map[string]any) {
			e["headers"].(map[string]any)["authorization"] = "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
		},
		"time and epoch disagree": func(e map[string]any) { e["requestContext"].(map[string]any)["timeEpoch"] = 1 },
		"base64":                  func(e map[string]any) { e["isBase64Encoded"] = true },
	}
	for name, spoil := range breaks {
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		spoil(e)
		b, _ := json.Marshal(e)
		if got := check(t, b); len(got) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}
