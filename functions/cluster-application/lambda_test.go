package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/testkit"
)

const eventsDir = "../../events/cluster-application"

// eventID is the application id the event files name (the one a real creation returned).
const eventID = "CA2027-320281-0A1B2C3D4E5F"

var placeholder = regexp.MustCompile(`Bearer \{\{token[^}]*\}\}`)

// The event files through the Lambda handler on a real store, with the id the creation
// returns put where the files name theirs: the base64 PDF upload arrives as the PDF, and every
// file answers what its operation should on a draft with one document.
func TestEventsThroughTheLambdaHandler(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	documents, err := docfs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := testkit.Signer(t, "urn:test", "ips-test", "")
	clock := &domain.SettableClock{}
	clock.Set(time.Date(2027, 3, 2, 10, 15, 0, 0, domain.Shanghai), true)
	fn := httpapi.ClusterApplication(httpapi.Deps{Store: store, Authz: engine, Policy: engine, Clock: clock, Documents: documents,
		Auth: auth.NewStatic("urn:test", "ips-test", signer.PublicKeys(), clock.Now), Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	handle := host.LambdaHandler(fn)

	id := eventID
	send := func(name string, status int) events.APIGatewayV2HTTPResponse {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join(eventsDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var e events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		if !e.IsBase64Encoded {
			testkit.CheckHTTPAPIEvent(t, raw)
		}
		raw = placeholder.ReplaceAllFunc(raw, func(ph []byte) []byte { return []byte(testkit.BearerFor(t, signer, string(ph), clock.Now())) })
		raw = bytes.ReplaceAll(raw, []byte(eventID), []byte(id))
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		resp, err := handle(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != status {
			t.Fatalf("%s: status %d, want %d: %s", name, resp.StatusCode, status, resp.Body)
		}
		return resp
	}

	resp := send("create-application", http.StatusCreated)
	var app struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &app); err != nil || !strings.HasPrefix(app.ID, "CA2027-320281-") || len(app.ID) != len(eventID) {
		t.Fatalf("created %q (%v)", app.ID, err)
	}
	id = app.ID
	send("get-application", http.StatusOK)
	send("edit-application", http.StatusOK)

	// The PDF arrives base64-encoded, as API Gateway delivers a binary body.
	raw, _ := os.ReadFile(filepath.Join(eventsDir, "upload-document.json"))
	var up events.APIGatewayV2HTTPRequest
	json.Unmarshal(raw, &up)
	content, err := base64.StdEncoding.DecodeString(up.Body)
	if err != nil || !domain.IsPDF(content, content) {
		t.Fatalf("the upload event's body is no base64 PDF (%v)", err)
	}
	var doc struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	json.Unmarshal([]byte(send("upload-document", http.StatusOK).Body), &doc)
	sum := sha256.Sum256(content)
	if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != int64(len(content)) {
		t.Errorf("upload answered %+v, want the decoded PDF's digest and size", doc)
	}

	send("submit-application", http.StatusUnprocessableEntity) // three documents are missing
	send("list-applications", http.StatusOK)                   // the prefecture's queue: empty
	send("recommend-application", http.StatusConflict)         // a draft is not with the prefecture
	send("review-score", http.StatusNotFound)                  // experts see no draft
	send("get-zone", http.StatusNotFound)                      // nothing designated
	send("create-application", http.StatusCreated)             // another draft: allowed
	if resp := send("get-application", http.StatusOK); !strings.Contains(resp.Body, doc.SHA256) {
		t.Errorf("the application does not hold the uploaded document: %s", resp.Body)
	}
}
