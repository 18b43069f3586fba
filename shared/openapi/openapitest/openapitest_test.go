package openapitest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/openapi/openapitest"
)

// The checker the HTTP and end-to-end tests rely on refuses each way an answer can stray from
// the document, and accepts one that does not.
func TestCheckResponseRefusesWhatTheDocumentDoesNotSay(t *testing.T) {
	d, err := openapitest.Default()
	if err != nil {
		t.Fatal(err)
	}
	jsonType := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	problemType := http.Header{"Content-Type": {"application/problem+json"}}
	problem := `{"type":"/problems/not_found","title":"Not found","status":404,"detail":"There is nothing at this address.","code":"not_found","request_id":"r1"}`
	settings := `{"enabled":true,"authorization_endpoint":"https://id.example/auth","client_id":"ips","scope":"openid"}`
	cases := []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		refused      string // "" when the answer fits
	}{
		{"a documented answer", "GET", "/v1/auth/config", 200, jsonType, settings, ""},
		{"a query string is not part of the path", "GET", "/v1/auth/config?x=1", 200, jsonType, settings, ""},
		{"a field the schema does not name", "GET", "/v1/auth/config", 200, jsonType, `{"enabled":false,"zone":"Asia/Shanghai"}`, "additional properties"},
		{"a required field missing", "GET", "/v1/auth/config", 200, jsonType, `{"client_id":"ips"}`, "missing"},
		{"a field of the wrong type", "GET", "/v1/auth/config", 200, jsonType, `{"enabled":"yes"}`, "want boolean"},
		{"a status the operation does not list", "GET", "/v1/auth/config", 201, jsonType, settings, "does not list"},
		{"a media type the status does not list", "GET", "/v1/auth/config", 200, http.Header{"Content-Type": {"text/plain"}}, settings, "the document lists"},
		{"dev mode is the runner's, not the API's", "GET", "/dev/clock", 200, jsonType, `{}`, ""},
		{"a documented error", "GET", "/v1/agencies/91320281MA20JY015Q", 404, problemType, problem, ""},
		{"an error that is no problem document", "GET", "/v1/agencies/91320281MA20JY015Q", 404, problemType, `{"message":"Not Found"}`, "does not fit"},
		{"an unknown path answering a problem 404", "GET", "/v1/nowhere", 404, problemType, problem, ""},
		{"an unknown path answering text", "GET", "/v1/nowhere", 404, http.Header{"Content-Type": {"text/plain"}}, "404 page not found", "problem answered as"},
		{"an unknown path answering 200", "GET", "/v1/nowhere", 200, jsonType, `{}`, "matches no path"},
		{"another method of a known path", "DELETE", "/v1/agencies/91320281MA20JY015Q", 405, problemType,
			`{"type":"/problems/method_not_allowed","title":"Method not allowed","status":405,"detail":"x","code":"method_not_allowed"}`, ""},
		{"another method answering 404", "DELETE", "/v1/agencies/91320281MA20JY015Q", 404, problemType, problem, "yet it answered 404"},
		{"the site's pages are not the API's", "GET", "/index.html", 200, http.Header{"Content-Type": {"text/html"}}, "<!doctype html>", ""},
		{"a literal segment wins over a parameter", "POST", "/v1/eligibility/batch", 200, jsonType, `{"results":[]}`, ""},
		{"a PDF is checked by its media type", "GET", "/v1/cluster-applications/CA1/documents/work_plan", 200, http.Header{"Content-Type": {"application/pdf"}}, "%PDF-1.7", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := d.CheckResponse(c.method, c.path, c.status, c.header, []byte(c.body))
			switch {
			case c.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.refused != "" && err == nil:
				t.Errorf("accepted; want a refusal saying %q", c.refused)
			case c.refused != "" && !strings.Contains(err.Error(), c.refused):
				t.Errorf("refused with %v; want it to say %q", err, c.refused)
			}
		})
	}
}
