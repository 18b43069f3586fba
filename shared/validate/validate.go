// Package validate turns request bodies into checked request structs, reporting every problem
// at once as a *domain.Error whose fields are named by JSON pointers into the body.
//
// Decode checks the JSON shape against the struct's json tags; Struct applies the validate tags
// (validator/v10, with the Chinese identifier rules of this package) and the struct's own
// CheckFields; Request does both. Messages come in Chinese and English from this package's own
// table, never from the libraries, whose texts are English and written for developers.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/jsipa/ips/shared/domain"
)

// Custom tags.
const (
	tagUSCC       = "uscc"
	tagResidentID = "resident_id"
	tagUSCCOrID   = "uscc_or_id"
	tagDivision   = "division"
	tagJSDivision = "js_division"
	tagJSCounty   = "js_county"
	tagPhone      = "cn_phone"
	tagIsTrue     = "is_true"
	tagNoControl  = "no_control"
)

// FieldChecker is implemented by request structs with rules across fields (a branch names its
// parent's USCC, a licence number is needed for patent agency …). Struct calls it after the tag
// rules; the fields it returns must carry JSON pointers.
type FieldChecker interface {
	CheckFields() []domain.FieldError
}

// engine is built once: validator caches each struct's parsed tags on the instance.
var engine = newEngine()

func newEngine() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	str := func(ok func(string) bool) validator.Func {
		return func(fl validator.FieldLevel) bool {
			f := fl.Field()
			return f.Kind() == reflect.String && ok(f.String())
		}
	}
	rules := map[string]validator.Func{
		tagUSCC:       str(USCC),
		tagResidentID: str(ResidentID),
		tagUSCCOrID:   str(func(s string) bool { return USCC(s) || ResidentID(s) }),
		tagDivision:   str(Division),
		tagJSDivision: str(JiangsuDivision),
		tagJSCounty:   str(JiangsuCounty),
		tagPhone:      str(Phone),
		tagNoControl:  str(NoControl),
		tagIsTrue: func(fl validator.FieldLevel) bool {
			f := fl.Field()
			return f.Kind() == reflect.Bool && f.Bool()
		},
	}
	for tag, fn := range rules {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(fmt.Sprintf("validate: registering %q: %v", tag, err))
		}
	}
	return v
}

// Struct applies the validate tags of v, a pointer to a request struct, and then its
// CheckFields if it has one. It returns nil or a CodeInvalid *domain.Error listing every bad
// field, sorted by pointer.
func Struct(v any) error {
	fields, err := structFields(v)
	if err != nil {
		return err
	}
	if len(fields) == 0 {
		return nil
	}
	return domain.Invalid(fields...)
}

// Request decodes body into dst and validates it, reporting the problems of both steps in one
// error. A field that failed to decode is reported once, for its decoding problem: the tag rules
// would only repeat it (a required field with the wrong type is also empty).
func Request(body []byte, dst any) error {
	var decoded []domain.FieldError
	if err := Decode(body, dst); err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
			return err
		}
		decoded = de.Fields
	}
	checked, err := structFields(dst)
	if err != nil {
		return err
	}
	all := decoded
	for _, f := range checked {
		if !coveredBy(f.Field, decoded) {
			all = append(all, f)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return domain.Invalid(normalize(all)...)
}

func coveredBy(ptr string, decoded []domain.FieldError) bool {
	for _, d := range decoded {
		if ptr == d.Field || strings.HasPrefix(ptr, d.Field+"/") {
			return true
		}
	}
	return false
}

func structFields(v any) ([]domain.FieldError, error) {
	var out []domain.FieldError
	if err := engine.Struct(v); err != nil {
		var ves validator.ValidationErrors
		if !errors.As(err, &ves) {
			// Not a struct: a programming error, not the client's.
			return nil, domain.Internal(fmt.Errorf("validate.Struct(%T): %w", v, err))
		}
		root := deref(reflect.TypeOf(v))
		for _, fe := range ves {
			out = append(out, fieldError(root, fe))
		}
	}
	if c, ok := v.(FieldChecker); ok {
		out = append(out, c.CheckFields()...)
	}
	return normalize(out), nil
}

func fieldError(root reflect.Type, fe validator.FieldError) domain.FieldError {
	ptr, parent := pointerOf(root, fe.StructNamespace())
	typ := deref(fe.Type())
	c := tagContext{param: fe.Param(), typ: typ, parent: parent, kind: fe.Kind()}
	if typ != nil {
		c.kind = typ.Kind()
	}
	tag := fe.Tag()
	if _, ok := tagMessages[tag]; !ok {
		tag = fe.ActualTag() // an alias without a message of its own reads as what it stands for
	}
	return domain.FieldError{Field: ptr, Code: fe.Tag(), Message: messageFor(tag, c)}
}

// pointerOf turns a validator struct namespace ("Filing.Practitioners[0].Name") into a JSON
// pointer ("/practitioners/0/name"). It walks the Go type rather than trusting the JSON-named
// namespace because embedded structs appear there under their type name, while in JSON their
// fields sit in the parent. It also returns the struct that holds the last field, against which
// field names in tag params are resolved.
func pointerOf(root reflect.Type, ns string) (string, reflect.Type) {
	rest := strings.TrimPrefix(ns, root.Name()+".")
	var b strings.Builder
	t, parent := root, root
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
		case '[':
			t = deref(t)
			isMap := t != nil && t.Kind() == reflect.Map
			end := closingBracket(rest, isMap)
			b.WriteString("/" + escapePointer(rest[1:end]))
			if end < len(rest) {
				end++
			}
			rest = rest[end:]
			if t != nil && (isMap || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				t = t.Elem()
			} else {
				t = nil
			}
		default:
			n := strings.IndexAny(rest, ".[")
			if n < 0 {
				n = len(rest)
			}
			name := rest[:n]
			rest = rest[n:]
			t = deref(t)
			parent = t
			sf, ok := goField(t, name)
			if !ok {
				b.WriteString("/" + escapePointer(name))
				t = nil
				continue
			}
			t = sf.Type
			tagName, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if sf.Anonymous && tagName == "" && deref(sf.Type).Kind() == reflect.Struct {
				continue // flattened into the parent by encoding/json
			}
			b.WriteString("/" + escapePointer(jsonName(sf)))
		}
	}
	return b.String(), parent
}

// closingBracket finds the "]" closing the index at s[0]. A map key is printed unescaped, so
// for maps it takes the first "]" that is followed by the end or by another step of the path.
func closingBracket(s string, isMap bool) int {
	for i := 1; i < len(s); i++ {
		if s[i] != ']' {
			continue
		}
		if !isMap || i+1 == len(s) || s[i+1] == '.' || s[i+1] == '[' {
			return i
		}
	}
	return len(s)
}

func goField(t reflect.Type, name string) (reflect.StructField, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Name == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return sf.Name
	}
	return name
}

// jsonNameIn is the JSON name of the Go field goName of struct t, or goName when t has none.
func jsonNameIn(t reflect.Type, goName string) string {
	if t = deref(t); t != nil && t.Kind() == reflect.Struct {
		if sf, ok := t.FieldByName(goName); ok {
			return jsonName(sf)
		}
	}
	return goName
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func elemType(t reflect.Type) reflect.Type {
	if t = deref(t); t != nil && isCollection(t.Kind()) {
		return t.Elem()
	}
	return t
}

// normalize sorts by pointer, then code, and drops repeats, so that the same request always
// gets the same answer.
func normalize(fs []domain.FieldError) []domain.FieldError {
	sort.SliceStable(fs, func(i, j int) bool {
		if c := comparePointers(fs[i].Field, fs[j].Field); c != 0 {
			return c < 0
		}
		return fs[i].Code < fs[j].Code
	})
	var out []domain.FieldError
	for _, f := range fs {
		if n := len(out); n > 0 && f.Field == out[n-1].Field && f.Code == out[n-1].Code {
			continue
		}
		out = append(out, f)
	}
	return out
}

// comparePointers orders pointers token by token, array indexes by number, so /items/2 comes
// before /items/10 as a person reading the list expects.
func comparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, y := as[i], bs[i]
		if x == y {
			continue
		}
		xn, xerr := strconv.ParseUint(x, 10, 64)
		yn, yerr := strconv.ParseUint(y, 10, 64)
		if xerr == nil && yerr == nil {
			if xn < yn {
				return -1
			}
			return 1
		}
		return strings.Compare(x, y)
	}
	return len(as) - len(bs)
}
