// Command gen writes the platform's OpenAPI document (make openapi): shared/openapi/openapi.json
// from the code, as package spec describes.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jsipa/ips/shared/openapi/spec"
)

func main() {
	out := "shared/openapi/openapi.json"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	b, err := spec.Build(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}
