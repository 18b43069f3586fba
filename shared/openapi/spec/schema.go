package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Form says which side of the wire a schema describes. A type can appear on both (a filing is
// sent in a POST and answered inside the agency record), and the two differ: what a request
// must hold comes from the validate tags, and unknown fields in it are refused; what an answer
// always holds comes from the json tags, and answers may gain fields (API.md: extend freely).
type Form int

const (
	Out Form = iota // an answer: required = every field encoding/json always writes
	In              // a request body: required = the validate tags' required, nothing else accepted
)

// obj is a JSON object whose keys keep the order they were set in, so a schema's properties
// read in the order the Go struct declares them.
type obj struct {
	keys []string
	m    map[string]any
}

func newObj() *obj { return &obj{m: map[string]any{}} }

func (o *obj) set(k string, v any) {
	if _, ok := o.m[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.m[k] = v
}

func (o *obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var (
	timeType = reflect.TypeFor[time.Time]()
	dateType = reflect.TypeFor[domain.Date]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

type typeForm struct {
	t reflect.Type
	f Form
}

// schemas reflects Go types into the document's components.schemas (JSON Schema 2020-12, as
// OpenAPI 3.1 uses it). Names are settled in two passes: the first records every type each
// form reaches, the second names them knowing which base names collide (two ReviewInput types
// become FilingReviewInput and ClaimsReviewInput) and which types appear in both forms (the
// request form then gets the suffix Input).
type schemas struct {
	src   *source
	enums map[reflect.Type]bool
	// names, from the first pass, is the final component name of each type and form; nil in
	// the first pass.
	names map[typeForm]string
	used  map[typeForm]bool
	defs  map[string]any
	done  map[typeForm]string
	err   error
}

func newSchemas(src *source, enums []reflect.Type, names map[typeForm]string) *schemas {
	s := &schemas{src: src, enums: map[reflect.Type]bool{}, names: names, used: map[typeForm]bool{},
		defs: map[string]any{}, done: map[typeForm]string{}}
	for _, t := range enums {
		s.enums[t] = true
	}
	return s
}

func (s *schemas) fail(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// finalNames names every type the first pass reached.
func (s *schemas) finalNames() (map[typeForm]string, error) {
	byBase := map[string][]reflect.Type{}
	forms := map[reflect.Type][]Form{}
	for tf := range s.used {
		if len(forms[tf.t]) == 0 {
			b := baseName(tf.t)
			byBase[b] = append(byBase[b], tf.t)
		}
		forms[tf.t] = append(forms[tf.t], tf.f)
	}
	names := map[typeForm]string{}
	taken := map[string]reflect.Type{}
	for base, ts := range byBase {
		for _, t := range ts {
			name := base
			if len(ts) > 1 {
				pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
				name = strings.ToUpper(pkg[:1]) + pkg[1:] + base
			}
			for _, f := range forms[t] {
				n := name
				if f == In && len(forms[t]) > 1 {
					n += "Input"
				}
				if other, dup := taken[n]; dup && other != t {
					return nil, fmt.Errorf("spec: component name %s is taken by both %v and %v", n, other, t)
				}
				taken[n] = t
				names[typeForm{t, f}] = n
			}
		}
	}
	return names, nil
}

// baseName is a type's component name before collisions: its Go name, capitalised (an
// exported alias of an unexported type keeps the type's own name), and a generic List[T] is
// TList.
func baseName(t reflect.Type) string {
	if n, ok := rename[t]; ok {
		return n
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		arg := strings.TrimSuffix(name[i+1:], "]")
		arg = arg[strings.LastIndexByte(arg, '.')+1:]
		name = strings.ToUpper(arg[:1]) + arg[1:] + name[:i]
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// Of is the schema of values of type t in form f: a $ref for named structs and enumerations,
// inline for everything else.
func (s *schemas) Of(t reflect.Type, f Form) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date"}
	case rawType:
		return map[string]any{"description": "Any JSON value."}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.Of(t.Elem(), f)
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t, f)
		}
		return s.component(t, f)
	case reflect.String:
		if s.enums[t] {
			return s.component(t, Out) // an enumeration reads the same both ways
		}
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return s.value(t, rules{}, f)
	case reflect.Map:
		return s.value(t, rules{}, f)
	case reflect.Interface:
		return map[string]any{}
	}
	s.fail(fmt.Errorf("spec: no schema for %v", t))
	return map[string]any{}
}

// component returns a $ref to the component of t in form f, building it on first use.
func (s *schemas) component(t reflect.Type, f Form) map[string]any {
	tf := typeForm{t, f}
	s.used[tf] = true
	if name, ok := s.done[tf]; ok {
		return ref(name)
	}
	name := baseName(t)
	if s.names != nil {
		name = s.names[tf]
	}
	s.done[tf] = name
	var def map[string]any
	if t.Kind() == reflect.String {
		values, err := s.src.consts(t)
		s.fail(err)
		if len(values) == 0 {
			s.fail(fmt.Errorf("spec: %v is listed as an enumeration but declares no string constants", t))
		}
		def = map[string]any{"type": "string", "enum": values}
	} else {
		def = s.object(t, f)
	}
	doc, err := s.src.typeDoc(t)
	s.fail(err)
	if doc != "" {
		def["description"] = doc
	}
	s.defs[name] = def
	return ref(name)
}

// ObjectSchema is the schema of struct t in form f as JSON, its named types as $refs: what a
// test compares to hold a type the generator cannot import (the local runner's dev mode) to
// the one the document describes in its place.
func ObjectSchema(t reflect.Type, f Form) ([]byte, error) {
	src, err := newSource()
	if err != nil {
		return nil, err
	}
	s := newSchemas(src, enums, nil)
	sch := s.object(t, f)
	if s.err != nil {
		return nil, s.err
	}
	return json.Marshal(sch)
}

// field is one JSON field of a struct, as encoding/json sees it.
type field struct {
	name  string
	owner reflect.Type // the struct declaring it (for its comment)
	sf    reflect.StructField
	opts  string
}

// fields lists t's JSON fields in order, promoting the fields of embedded structs as
// encoding/json does (the shallower field wins).
func fields(t reflect.Type) []field {
	var out []field
	depth := map[string]int{}
	var walk func(t reflect.Type, d int)
	walk = func(t reflect.Type, d int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, d+1)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if prev, ok := depth[name]; ok {
				if prev <= d {
					continue
				}
				out = slices.DeleteFunc(out, func(f field) bool { return f.name == name })
			}
			depth[name] = d
			out = append(out, field{name: name, owner: t, sf: sf, opts: opts})
		}
	}
	walk(t, 0)
	return out
}

// object is the schema of a struct's JSON object.
func (s *schemas) object(t reflect.Type, f Form) map[string]any {
	props := newObj()
	required := []string{}
	for _, fl := range fields(t) {
		sch, req := s.field(fl, f)
		props.set(fl.name, sch)
		if req {
			required = append(required, fl.name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if f == In {
		// API.md Conventions: unknown fields in a request are an error.
		out["additionalProperties"] = false
	}
	return out
}

// omittable tells whether encoding/json may leave the field out of an answer.
func omittable(fl field) bool {
	opts := strings.Split(fl.opts, ",")
	if slices.Contains(opts, "omitzero") {
		return true
	}
	if !slices.Contains(opts, "omitempty") {
		return false
	}
	switch fl.sf.Type.Kind() {
	case reflect.Struct:
		return false // omitempty never omits a struct
	case reflect.Array:
		return fl.sf.Type.Len() == 0
	}
	return true
}

func (s *schemas) field(fl field, f Form) (map[string]any, bool) {
	rules := parseRules(fl.sf.Tag.Get("validate"))
	sch := s.value(fl.sf.Type, rules, f)
	var required bool
	t := fl.sf.Type
	switch f {
	case Out:
		required = !omittable(fl)
		// A nil pointer, slice, map or interface and a zero Date are written as null.
		k := t.Kind()
		if required && t != rawType && (k == reflect.Pointer || k == reflect.Interface || k == reflect.Slice || k == reflect.Map || t == dateType) {
			sch = nullable(sch)
		}
	case In:
		required = slices.Contains(rules.top(), "required") || slices.Contains(rules.top(), "is_true")
		// A struct that is not a pointer is there even when the body leaves it out, and its
		// own required fields are then reported missing: it is required in effect.
		if !required && t.Kind() == reflect.Struct && t != timeType && t != dateType && s.hasRequired(t) {
			required = true
		}
	}
	doc, err := s.src.fieldDoc(fl.owner, fl.sf, fl.name)
	s.fail(err)
	if doc != "" {
		sch = with(sch, "description", doc)
	}
	return sch, required
}

// hasRequired tells whether the request form of struct t requires any field.
func (s *schemas) hasRequired(t reflect.Type) bool {
	for _, fl := range fields(t) {
		if _, req := s.field(fl, In); req {
			return true
		}
	}
	return false
}

// with returns a copy of sch with k set; a $ref keeps its target and gains the keyword beside
// it, which JSON Schema 2020-12 applies together.
func with(sch map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(sch)+1)
	for kk, vv := range sch {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func nullable(sch map[string]any) map[string]any {
	if ty, ok := sch["type"].(string); ok {
		return with(sch, "type", []string{ty, "null"})
	}
	return map[string]any{"anyOf": []any{sch, map[string]any{"type": "null"}}}
}

// rules are a validate tag split at its dive markers: level 0 applies to the field, level 1
// to its elements, and so on; keys holds the map key rules of each level.
type rules struct {
	levels [][]string
	keys   map[int][]string
}

func parseRules(tag string) rules {
	r := rules{levels: [][]string{nil}, keys: map[int][]string{}}
	if tag == "" {
		return r
	}
	inKeys := false
	for _, part := range strings.Split(tag, ",") {
		lvl := len(r.levels) - 1
		switch {
		case part == "dive":
			r.levels = append(r.levels, nil)
		case part == "keys":
			inKeys = true
		case part == "endkeys":
			inKeys = false
		case inKeys:
			r.keys[lvl] = append(r.keys[lvl], part)
		default:
			r.levels[lvl] = append(r.levels[lvl], part)
		}
	}
	return r
}

func (r rules) top() []string {
	if len(r.levels) == 0 {
		return nil
	}
	return r.levels[0]
}

// inner is the rules of the elements, after the first dive.
func (r rules) inner() rules {
	if len(r.levels) < 2 {
		return rules{}
	}
	keys := map[int][]string{}
	for l, k := range r.keys {
		if l > 0 {
			keys[l-1] = k
		}
	}
	return rules{levels: r.levels[1:], keys: keys}
}

// value is the schema of a value of type t under the rules of its validate tag.
func (s *schemas) value(t reflect.Type, r rules, f Form) map[string]any {
	pointer := t.Kind() == reflect.Pointer
	if pointer {
		t = t.Elem()
	}
	var sch map[string]any
	switch {
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() != reflect.Uint8 && t != rawType:
		sch = map[string]any{"type": "array", "items": s.value(t.Elem(), r.inner(), f)}
	case t.Kind() == reflect.Slice && t != rawType:
		sch = map[string]any{"type": "string", "contentEncoding": "base64"}
	case t.Kind() == reflect.Map:
		sch = map[string]any{"type": "object", "additionalProperties": s.value(t.Elem(), r.inner(), f)}
		names := map[string]any{}
		if s.enums[t.Key()] {
			names = s.Of(t.Key(), f)
		}
		// "dive,keys,…,endkeys" writes the key rules after the dive into this map.
		if k := r.keys[1]; len(k) > 0 {
			names = constrain(map[string]any{"type": "string"}, reflect.TypeFor[string](), k, false)
		}
		if len(names) > 0 {
			sch["propertyNames"] = names
		}
	default:
		sch = s.Of(t, f)
	}
	return constrain(sch, t, r.top(), pointer)
}

// Patterns for the platform's own validate tags. They are what a client can check before
// sending; the platform checks more (USCC and ID check characters, birth dates, known
// provinces), and says so in the format name.
var tagFormats = map[string]struct{ format, pattern string }{
	"uscc":        {"uscc", usccPattern},
	"resident_id": {"resident-id", idPattern},
	"uscc_or_id":  {"uscc-or-resident-id", "(?:" + usccPattern + "|" + idPattern + ")"},
	"division":    {"division-code", `[1-8][0-9]{5}`},
	"js_division": {"jiangsu-division-code", `32[0-9]{4}`},
	"js_county":   {"jiangsu-county-code", `32(?:0[1-9]|[1-9][0-9])(?:0[1-9]|[1-9][0-9])`},
	"cn_phone":    {"phone-cn", `(?:(?:\+86[ -]?)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?|[48]00-?[0-9]{3}-?[0-9]{4})`},
	"no_control":  {"", `[^\x00-\x1F\x7F]*`},
	"email":       {"email", ""},
}

const (
	usccPattern = `[1-9ANY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}`
	idPattern   = `[1-9][0-9]{16}[0-9X]`
)

// constrain adds to sch what the rules of one level say about a value of type t. Patterns are
// written in the subset of regular expressions that ECMA-262 (which JSON Schema names) and Go's
// RE2 share. Rules across fields (required_if, gtefield …) and those of CheckFields methods are
// beyond a schema; the platform answers them as 422 field errors.
func constrain(sch map[string]any, t reflect.Type, level []string, pointer bool) map[string]any {
	if len(level) == 0 {
		return sch
	}
	out := make(map[string]any, len(sch)+4)
	for k, v := range sch {
		out[k] = v
	}
	// omitempty skips the rules for a zero value, which a pointer is only when nil.
	optional := slices.Contains(level, "omitempty") && !pointer
	kind := t.Kind()
	isNum := kind >= reflect.Int && kind <= reflect.Float64
	var patterns []string
	setLen := func(minKey, maxKey string, lo, hi *int) {
		if lo != nil && !(optional && *lo > 0) {
			out[minKey] = *lo
		}
		if hi != nil {
			out[maxKey] = *hi
		}
	}
	for _, rule := range level {
		name, param, _ := strings.Cut(rule, "=")
		n, numErr := strconv.Atoi(param)
		var lo, hi *int
		switch name {
		case "min", "gte":
			lo = &n
		case "max", "lte":
			hi = &n
		case "gt":
			n++
			lo = &n
		case "lt":
			n--
			hi = &n
		case "len":
			lo, hi = &n, &n
		case "oneof":
			var values []any
			for _, v := range strings.Fields(param) {
				if isNum {
					i, _ := strconv.Atoi(v)
					values = append(values, i)
				} else {
					values = append(values, v)
				}
			}
			if optional && !isNum {
				values = append(values, "")
			}
			out["enum"] = values
		case "unique":
			if param == "" {
				out["uniqueItems"] = true
			}
		case "is_true":
			out["const"] = true
		case "startswith":
			patterns = append(patterns, regexp.QuoteMeta(param)+".*")
		case "required":
			// A required string may not be empty, whether it is a field or a list's element.
			if kind == reflect.String && !pointer {
				if _, set := out["minLength"]; !set {
					out["minLength"] = 1
				}
			}
		default:
			if tf, ok := tagFormats[name]; ok {
				if tf.format != "" {
					out["format"] = tf.format
				}
				if tf.pattern != "" {
					patterns = append(patterns, tf.pattern)
				}
			}
		}
		if (lo != nil || hi != nil) && numErr == nil {
			switch {
			case isNum:
				if lo != nil && !(optional && *lo > 0) {
					out["minimum"] = *lo
				}
				if hi != nil {
					out["maximum"] = *hi
				}
			case kind == reflect.String:
				setLen("minLength", "maxLength", lo, hi)
			case kind == reflect.Slice || kind == reflect.Array:
				setLen("minItems", "maxItems", lo, hi)
			case kind == reflect.Map:
				setLen("minProperties", "maxProperties", lo, hi)
			}
		}
	}
	sort.Strings(patterns)
	for i, p := range patterns {
		if optional {
			patterns[i] = "^(?:" + p + ")?$"
		} else {
			patterns[i] = "^(?:" + p + ")$"
		}
	}
	switch len(patterns) {
	case 0:
	case 1:
		out["pattern"] = patterns[0]
	default:
		var all []any
		for _, p := range patterns {
			all = append(all, map[string]any{"pattern": p})
		}
		out["allOf"] = all
	}
	return out
}
