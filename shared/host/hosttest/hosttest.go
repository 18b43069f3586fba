// Package hosttest reads the real API Gateway events of events/<function>/ for the functions'
// tests. Only tests import it (shared/archtest checks).
package hosttest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// EventNames lists dir/*.json by name without the extension; an empty folder fails the test.
func EventNames(t testing.TB, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no event files in %s", dir)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".json")
	}
	return names
}

// LoadEvent reads an event strictly: a misspelt key would otherwise vanish in decoding, and
// sam local invoke would send an event API Gateway never does.
func LoadEvent(t testing.TB, dir, name string) (events.APIGatewayV2HTTPRequest, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var e events.APIGatewayV2HTTPRequest
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("%s.json: more than one JSON value", name)
	}
	return e, raw
}
