package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/openapi"
)

// openAPIRoutes serve the OpenAPI document (shared/openapi), beside the register on the filing
// function: both are public and read by people and systems that are not signed in yet.
func openAPIRoutes() []Route {
	return []Route{{http.MethodGet, "/v1/openapi.json", Public, serveOpenAPI}}
}

// compactDocument is the document without the indentation the committed file keeps for its
// diffs: 40% fewer bytes on the wire, made once.
var compactDocument = sync.OnceValues(func() ([]byte, error) {
	var b bytes.Buffer
	err := json.Compact(&b, openapi.JSON())
	return b.Bytes(), err
})

func serveOpenAPI(context.Context, *Request) (Response, error) {
	doc, err := compactDocument()
	if err != nil {
		return Response{}, domain.Internal(err)
	}
	return Response{Raw: io.NopCloser(bytes.NewReader(doc)), ContentType: "application/json; charset=utf-8"}, nil
}

// The document's generator (shared/openapi/spec) reflects the answers of the handlers; these
// names let it reach the ones declared for this package's own use.
type (
	BatchBody        = batchBody
	BatchAnswer      = batchAnswer
	DocumentAnswer   = documentAnswer
	ChangeAnswer     = changeAnswer
	AssessmentAnswer = assessmentAnswer
)
