package spec

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// module is the import path prefix of this repository's packages, whose source the generator
// reads for doc comments and enumerations.
const module = "github.com/jsipa/ips/"

// source reads the Go source of the module's packages: reflection knows a type's fields and
// tags, but not what the comments say about them or which constants enumerate a string type,
// and both belong in the document integrators read.
type source struct {
	root string
	mu   sync.Mutex
	pkgs map[string]*pkgSource
}

type pkgSource struct {
	types  map[string]*typeSource
	consts map[string][]string // type name → its string constants, in declaration order
}

type typeSource struct {
	doc    string
	fields map[string]string // Go field name → its comment
}

// newSource finds the module root by walking up from the working directory, so the generator
// and the tests (which run in their package's folder) read the same files.
func newSource() (*source, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module "+strings.TrimSuffix(module, "/")+"\n") {
			return &source{root: dir, pkgs: map[string]*pkgSource{}}, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("spec: no go.mod of %s above the working directory", module)
		}
		dir = parent
	}
}

func (s *source) pkg(path string) (*pkgSource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pkgs[path]; ok {
		return p, nil
	}
	p := &pkgSource{types: map[string]*typeSource{}, consts: map[string][]string{}}
	s.pkgs[path] = p
	if !strings.HasPrefix(path, module) {
		return p, nil // the standard library and other modules: no comments wanted
	}
	dir := filepath.Join(s.root, filepath.FromSlash(strings.TrimPrefix(path, module)))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			switch gd.Tok {
			case token.TYPE:
				for _, sp := range gd.Specs {
					ts := sp.(*ast.TypeSpec)
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					t := &typeSource{doc: text(doc), fields: map[string]string{}}
					if st, ok := ts.Type.(*ast.StructType); ok {
						for _, fl := range st.Fields.List {
							c := text(fl.Doc)
							if c == "" {
								c = text(fl.Comment)
							}
							for _, n := range fl.Names {
								t.fields[n.Name] = c
							}
						}
					}
					p.types[ts.Name.Name] = t
				}
			case token.CONST:
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					id, ok := vs.Type.(*ast.Ident)
					if !ok || len(vs.Values) != len(vs.Names) {
						continue
					}
					for _, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if s, err := strconv.Unquote(lit.Value); err == nil {
								p.consts[id.Name] = append(p.consts[id.Name], s)
							}
						}
					}
				}
			}
		}
	}
	return p, nil
}

// text is a comment as one paragraph.
func text(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	return strings.Join(strings.Fields(cg.Text()), " ")
}

// typeDoc is the doc comment of a named type, "" when there is none.
func (s *source) typeDoc(t reflect.Type) (string, error) {
	ts, err := s.lookup(t)
	if err != nil || ts == nil {
		return "", err
	}
	return ts.doc, nil
}

// fieldDoc is the comment of a struct field, with the field's Go name at its start replaced by
// the JSON name integrators see.
func (s *source) fieldDoc(owner reflect.Type, f reflect.StructField, jsonName string) (string, error) {
	ts, err := s.lookup(owner)
	if err != nil || ts == nil {
		return "", err
	}
	doc := ts.fields[f.Name]
	if rest, ok := strings.CutPrefix(doc, f.Name+" "); ok {
		doc = jsonName + " " + rest
	}
	return doc, nil
}

func (s *source) lookup(t reflect.Type) (*typeSource, error) {
	if t.Name() == "" {
		return nil, nil
	}
	p, err := s.pkg(t.PkgPath())
	if err != nil {
		return nil, err
	}
	name, _, _ := strings.Cut(t.Name(), "[") // a generic type's declaration has no arguments
	return p.types[name], nil
}

// consts are the string constants declared with type t, in declaration order.
func (s *source) consts(t reflect.Type) ([]string, error) {
	p, err := s.pkg(t.PkgPath())
	if err != nil {
		return nil, err
	}
	return p.consts[t.Name()], nil
}
