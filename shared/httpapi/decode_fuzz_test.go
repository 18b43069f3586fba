package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jsipa/ips/shared/claims"
	"github.com/jsipa/ips/shared/clusters"
	"github.com/jsipa/ips/shared/deadlines"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/filing"
	"github.com/jsipa/ips/shared/oidclogin"
	"github.com/jsipa/ips/shared/reporting"
	"github.com/jsipa/ips/shared/validate"
	"github.com/jsipa/ips/shared/violations"
)

// decodeTargets is every value a handler of this package decodes a request body into, keyed by
// how the handler declares it (TestDecodeFuzzCoversEveryRequestType keeps the list complete).
var decodeTargets = map[string]func() any{
	"domain.AgencyFiling":           func() any { return new(domain.AgencyFiling) },
	"filing.ReviewInput":            func() any { return new(filing.ReviewInput) },
	"filing.DeregisterInput":        func() any { return new(filing.DeregisterInput) },
	"domain.RatingInput":            func() any { return new(domain.RatingInput) },
	"domain.ReportBody":             func() any { return new(domain.ReportBody) },
	"reporting.ReviewInput":         func() any { return new(reporting.ReviewInput) },
	"domain.ClaimBody":              func() any { return new(domain.ClaimBody) },
	"claims.ReviewInput":            func() any { return new(claims.ReviewInput) },
	"claims.RecoveryInput":          func() any { return new(claims.RecoveryInput) },
	"domain.CreditRecordBody":       func() any { return new(domain.CreditRecordBody) },
	"domain.ClusterApplicationBody": func() any { return new(domain.ClusterApplicationBody) },
	"struct{}":                      func() any { return new(struct{}) },
	"clusters.RecommendInput":       func() any { return new(clusters.RecommendInput) },
	"clusters.ReviewInput":          func() any { return new(clusters.ReviewInput) },
	"deadlines.RunInput":            func() any { return new(deadlines.RunInput) },
	"batchBody":                     func() any { return new(batchBody) },
	"h.svc.NewRecordInput()":        func() any { return new(violations.RecordInput) },
	"violations.WaiveInput":         func() any { return new(violations.WaiveInput) },
	"domain.ZonePlanBody":           func() any { return new(domain.ZonePlanBody) },
	"domain.PlanChangeBody":         func() any { return new(domain.PlanChangeBody) },
	"domain.PlanReviewBody":         func() any { return new(domain.PlanReviewBody) },
	"domain.ZoneAnnualBody":         func() any { return new(domain.ZoneAnnualBody) },
	"domain.AssessmentBody":         func() any { return new(domain.AssessmentBody) },
	"oidclogin.TokenRequest":        func() any { return new(oidclogin.TokenRequest) },
}

// decodedTypes lists, from this package's source, the declared type of every variable a
// handler passes to Request.Decode: `var x T` gives "T", `x := f()` gives "f()".
func decodedTypes(t testing.TB) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{} // type → where
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			// Only Request.Decode counts: a json.Decoder's Decode reads no request body.
			requests := map[string]bool{}
			for _, field := range fn.Type.Params.List {
				if types.ExprString(field.Type) == "*Request" {
					for _, id := range field.Names {
						requests[id.Name] = true
					}
				}
			}
			declared := map[string]string{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					for _, id := range n.Names {
						if n.Type != nil {
							declared[id.Name] = types.ExprString(n.Type)
						}
					}
				case *ast.AssignStmt:
					if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
						for i, l := range n.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								declared[id.Name] = types.ExprString(n.Rhs[i])
							}
						}
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Decode" || len(n.Args) != 1 {
						return true
					}
					if recv, ok := sel.X.(*ast.Ident); !ok || !requests[recv.Name] {
						return true
					}
					where := fset.Position(n.Pos()).String()
					arg, ok := n.Args[0].(*ast.UnaryExpr)
					id, ok2 := ast.Expr(nil), false
					if ok && arg.Op == token.AND {
						id, ok2 = arg.X, true
					}
					typ := "?" + types.ExprString(n.Args[0])
					if ident, isIdent := id.(*ast.Ident); ok2 && isIdent && declared[ident.Name] != "" {
						typ = declared[ident.Name]
					}
					found[typ] = append(found[typ], where)
				}
				return true
			})
		}
	}
	return found
}

// A handler that decodes into a type the fuzz target does not know would escape it.
func TestDecodeFuzzCoversEveryRequestType(t *testing.T) {
	found := decodedTypes(t)
	if len(found) < 10 {
		t.Fatalf("found only %d decoded types; the source scan is broken: %v", len(found), found)
	}
	for typ, where := range found {
		if decodeTargets[typ] == nil {
			t.Errorf("%s decode into %q, which decodeTargets (decode_fuzz_test.go) does not list: add it", strings.Join(where, ", "), typ)
		}
	}
	for typ := range decodeTargets {
		if _, ok := found[typ]; !ok {
			t.Errorf("decodeTargets lists %q, which no handler decodes into any more: remove it", typ)
		}
	}
}

// jsonDepth is how deeply the body's arrays and objects nest, read token by token so that a
// hostile body costs no recursion here either.
func jsonDepth(body []byte) int {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
				deepest = max(deepest, depth)
			} else {
				depth--
			}
		}
	}
}

// surrogateEscape matches a \u escape of a UTF-16 surrogate, which the decoder refuses when
// unpaired (it cannot be said in UTF-8).
var surrogateEscape = regexp.MustCompile(`\\u[dD][89a-fA-F]`)

// resolvePointer follows an RFC 6901 pointer into a parsed body.
func resolvePointer(v any, ptr string) bool {
	if ptr == "" {
		return true
	}
	if !strings.HasPrefix(ptr, "/") {
		return false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	return true
}

func eventBodies(t testing.TB) [][]byte {
	t.Helper()
	paths, err := filepath.Glob("../../events/*/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no events to seed from: %v", err)
	}
	var out [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Body            string `json:"body"`
			IsBase64Encoded bool   `json:"isBase64Encoded"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if e.Body != "" && !e.IsBase64Encoded {
			out = append(out, []byte(e.Body))
		}
	}
	return out
}

// FuzzDecodeRequest sends arbitrary bytes to the strict decoder as the body of every request
// type a handler reads (the first byte picks the type). The decoder must answer a client error
// or a value, never an internal error: 400 exactly for bodies that are not JSON objects it can
// take (not JSON, not UTF-8, nested too deeply, a lone surrogate), else 422 naming each bad
// field by a pointer, the decoding errors' pointers leading to a place in the body; and an
// accepted value must re-encode into a body that decodes to the same value.
func FuzzDecodeRequest(f *testing.F) {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range decodeTargets {
			if !yield(k) {
				return
			}
		}
	})
	// Each event's body with the type that takes it (or the first): a seed per type and body
	// would be a thousand, whose baseline alone outlasts a short fuzzing run.
	for _, body := range eventBodies(f) {
		which := 0
		for i, name := range names {
			if validate.Request(body, decodeTargets[name]()) == nil {
				which = i
				break
			}
		}
		f.Add(uint8(which), body)
	}
	for i, body := range []string{`{}`, `[]`, `null`, `{"a":1}{}`, `{"year":1e400}`, `{"year":"2027"}`, "{\"name\":\"\x00\"}",
		"{\"name\":\"\xff\"}", `{"name":"\ud800"}`, `{"name":"\ud83d\ude00"}`, strings.Repeat("[", 70) + strings.Repeat("]", 70),
		`{"uscc":"../../etc/passwd","name":"'; DROP TABLE agencies;--"}`, `{"reasons":[{"code":1}],"outcome":["accept"]}`} {
		f.Add(uint8(i), []byte(body))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		name := names[int(which)%len(names)]
		dst := decodeTargets[name]()
		err := validate.Request(body, dst)
		// The same body must always get the same answer.
		again := decodeTargets[name]()
		if err2 := validate.Request(body, again); !reflect.DeepEqual(err, err2) {
			t.Fatalf("%s: two decodings disagree: %v / %v", name, err, err2)
		}
		if err == nil {
			if !json.Valid(body) {
				t.Fatalf("%s: accepted a body that is not JSON: %q", name, body)
			}
			out, mErr := json.Marshal(dst)
			if mErr != nil {
				t.Fatalf("%s: accepted value does not encode: %v", name, mErr)
			}
			back := decodeTargets[name]()
			if rErr := validate.Request(out, back); rErr != nil || !reflect.DeepEqual(dst, back) {
				t.Fatalf("%s: %q was accepted as %s, which decodes to %+v, %v", name, body, out, back, rErr)
			}
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("%s: %T %v is not a domain error", name, err, err)
		}
		switch de.Code {
		case domain.CodeMalformed:
			if len(de.Fields) != 0 {
				t.Fatalf("%s: malformed with fields %+v", name, de.Fields)
			}
			if !json.Valid(body) || !utf8.Valid(body) {
				return
			}
			trimmed := bytes.TrimLeft(body, " \t\r\n")
			if trimmed[0] != '{' || jsonDepth(body) > validate.MaxDepth || surrogateEscape.Match(body) {
				return
			}
			t.Fatalf("%s: refused as malformed, but it is a JSON object of depth %d: %q: %v", name, jsonDepth(body), body, err)
		case domain.CodeInvalid:
			if !json.Valid(body) {
				t.Fatalf("%s: %q is not JSON, yet refused as invalid rather than malformed: %+v", name, body, de.Fields)
			}
			if len(de.Fields) == 0 {
				t.Fatalf("%s: invalid without naming a field", name)
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var tree any
			if err := dec.Decode(&tree); err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			for i, fe := range de.Fields {
				if !strings.HasPrefix(fe.Field, "/") || fe.Code == "" || fe.Message.ZH == "" || fe.Message.EN == "" ||
					strings.Contains(fe.Message.ZH+fe.Message.EN, "%!") {
					t.Fatalf("%s: field error %+v lacks a pointer, code or message", name, fe)
				}
				if i > 0 && de.Fields[i-1] == fe {
					t.Fatalf("%s: field error %+v listed twice", name, fe)
				}
				switch fe.Code {
				case "unknown_field", "type", "range":
					if !resolvePointer(tree, fe.Field) {
						t.Fatalf("%s: %s error at %q, which is not in the body %q", name, fe.Code, fe.Field, body)
					}
				}
			}
		default:
			t.Fatalf("%s: code %q (%v), want malformed or invalid", name, de.Code, err)
		}
	})
}
