// Package archtest holds the rules of ARCHITECTURE.md that the compiler cannot: which packages
// may import what.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/jsipa/ips/"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

func list(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Deps,Standard"}, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func isStd(path string) bool { return !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") }

// The domain is the centre: it knows nothing of AWS, OPA, SQL or HTTP, so rules can be read
// and tested without any of them.
func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	forbidden := []string{"net/http", "database/sql", "net/rpc"}
	for _, p := range list(t, "./shared/domain") {
		for _, dep := range p.Deps {
			if !isStd(dep) {
				t.Errorf("domain depends on %s", dep)
			}
			for _, f := range forbidden {
				if dep == f {
					t.Errorf("domain depends on %s", dep)
				}
			}
		}
	}
}

// Cloud-neutral core: only the host, the DynamoDB and S3 adapters and the functions' mains
// import AWS.
func TestOnlyTheEdgesImportAWS(t *testing.T) {
	allowed := func(path string) bool {
		return path == module+"shared/host" || path == module+"shared/dynamo" ||
			path == module+"shared/dynamo/dynamotest" || path == module+"shared/docs3" ||
			path == module+"shared/docs3/s3test" || path == module+"shared/host/hosttest" ||
			strings.HasPrefix(path, module+"functions/")
	}
	for _, p := range list(t, "./...") {
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "github.com/aws/") && !allowed(p.ImportPath) {
				t.Errorf("%s imports %s", p.ImportPath, imp)
			}
		}
	}
}

// Dev mode (tokens for anyone, a movable clock) must be impossible to reach in a deployed
// function: no function may depend on the local runner, and the runner is a main package.
func TestFunctionsDoNotDependOnTheLocalRunner(t *testing.T) {
	pkgs := list(t, "./functions/...")
	if len(pkgs) == 0 {
		t.Fatal("no functions found")
	}
	for _, p := range pkgs {
		for _, dep := range p.Deps {
			if strings.HasPrefix(dep, module+"infra/") {
				t.Errorf("%s depends on %s", p.ImportPath, dep)
			}
		}
	}
}

// Test helpers stay out of what ships.
func TestOnlyTestsImportTestHelpers(t *testing.T) {
	helpers := []string{module + "shared/testkit", module + "shared/dynamo/dynamotest", module + "shared/storetest",
		module + "shared/doctest", module + "shared/docs3/s3test", module + "shared/host/hosttest",
		module + "shared/storetest/faultstore", module + "shared/openapi/openapitest"}
	for _, p := range list(t, "./...") {
		for _, imp := range p.Imports {
			if slices.Contains(helpers, imp) {
				t.Errorf("%s imports %s outside its tests", p.ImportPath, imp)
			}
		}
	}
}

// The functions serve the OpenAPI document as the generated file it is: the generator's
// reflection, source parsing and policy reading, and the tests' schema validator, stay out of
// their binaries.
func TestFunctionsDoNotCarryTheOpenAPIGenerator(t *testing.T) {
	forbidden := []string{module + "shared/openapi/spec", module + "shared/openapi/gen", module + "shared/openapi/openapitest",
		"github.com/santhosh-tekuri/jsonschema/v6", "go/parser"}
	pkgs := list(t, "./functions/...")
	if len(pkgs) == 0 {
		t.Fatal("no functions found")
	}
	for _, p := range pkgs {
		for _, dep := range p.Deps {
			if slices.Contains(forbidden, dep) {
				t.Errorf("%s depends on %s", p.ImportPath, dep)
			}
		}
	}
}
