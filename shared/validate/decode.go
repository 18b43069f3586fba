package validate

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jsipa/ips/shared/domain"
)

// MaxDepth bounds how deeply arrays and objects may nest in a request body. No request needs
// more than a handful of levels; the bound keeps hostile bodies from costing deep recursion.
const MaxDepth = 64

// Decode parses a JSON request body into dst, a pointer to a struct with json tags, and reports
// every problem at once, unlike encoding/json, which stops at the first and accepts unknown
// fields. A body that is not JSON at all is CodeMalformed; a JSON object that does not fit dst is
// CodeInvalid with one FieldError per bad field, named by its JSON pointer. Fields that are fine
// are decoded even when others are not, so Request can go on to validate them.
func Decode(body []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return domain.Internal(fmt.Errorf("validate.Decode: dst must be a non-nil pointer to a struct, got %T", dst))
	}
	raw, err := parse(body)
	if err != nil {
		return err
	}
	var d decoder
	clean, ok := d.value(raw, rv.Elem().Type(), "", false)
	if ok {
		// Re-encoding the cleaned tree lets encoding/json do the assignment with its usual
		// semantics; everything it could refuse has been taken out.
		b, err := json.Marshal(clean)
		if err == nil {
			err = json.Unmarshal(b, dst)
		}
		if err != nil {
			return domain.Internal(fmt.Errorf("validate.Decode: cleaned body did not decode: %w", err))
		}
	}
	if len(d.errs) > 0 {
		return domain.Invalid(normalize(d.errs)...)
	}
	return nil
}

// parse turns the body into a tree of map[string]any, []any, string, json.Number, bool and nil,
// or explains why the body is not a JSON object.
func parse(body []byte) (any, error) {
	if !utf8.Valid(body) {
		// encoding/json would quietly turn bad bytes into U+FFFD and store a name that is not
		// what the client sent.
		n := firstInvalidUTF8(body) + 1
		return nil, malformed(nil,
			fmt.Sprintf("请求内容不是有效的 UTF-8 文本（第 %d 字节处）", n),
			fmt.Sprintf("The request body is not valid UTF-8 text (at byte %d).", n))
	}
	if len(bytes.TrimLeft(body, " \t\r\n")) == 0 {
		return nil, malformed(nil, "请求内容为空，需要一个 JSON 对象", "The request body is empty; a JSON object is required.")
	}
	switch n, problem := scan(body); problem {
	case "depth":
		return nil, malformed(nil,
			fmt.Sprintf("请求内容嵌套超过 %d 层（第 %d 字节处）", MaxDepth, n),
			fmt.Sprintf("The request body is nested more than %d levels deep (at byte %d).", MaxDepth, n))
	case "surrogate":
		return nil, malformed(nil,
			fmt.Sprintf("请求内容在第 %d 字节处含有无效的 \\u 转义（不成对的 UTF-16 代理项）", n),
			fmt.Sprintf("The request body has an invalid \\u escape, an unpaired UTF-16 surrogate, at byte %d.", n))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keeps integers exact, so range errors can be told apart from fractions
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			// Offset counts the bytes read, the offending one included: a 1-based position.
			return nil, malformed(err,
				fmt.Sprintf("请求内容不是有效的 JSON（第 %d 字节处出错）", se.Offset),
				fmt.Sprintf("The request body is not valid JSON (error at byte %d).", se.Offset))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, malformed(err,
				fmt.Sprintf("请求内容的 JSON 不完整（在第 %d 字节处意外结束）", len(body)),
				fmt.Sprintf("The request body ends before the JSON is complete (at byte %d).", len(body)))
		default:
			return nil, malformed(err, "请求内容不是有效的 JSON", "The request body is not valid JSON.")
		}
	}
	if rest := body[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		n := len(body) - len(bytes.TrimLeft(rest, " \t\r\n")) + 1
		return nil, malformed(nil,
			fmt.Sprintf("请求内容在 JSON 之后还有多余数据（第 %d 字节处）", n),
			fmt.Sprintf("The request body has extra data after the JSON value (at byte %d).", n))
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, malformed(nil, "请求内容必须是 JSON 对象", "The request body must be a JSON object.")
	}
	return v, nil
}

func malformed(cause error, zh, en string) *domain.Error {
	e := domain.NewError(domain.CodeMalformed, zh, en)
	e.Err = cause
	return e
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// scan finds, in one pass over the bytes, what the decoder would not stop at: nesting beyond
// MaxDepth (checked before decoding, so hostile input never drives deep recursion), and \u
// escapes of lone UTF-16 surrogates, which encoding/json quietly turns into U+FFFD just as it
// does invalid UTF-8. It does not check syntax; the decoder does that afterwards.
func scan(b []byte) (pos int, problem string) {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '"':
				inString = false
			case '\\':
				if i+1 < len(b) && b[i+1] == 'u' {
					r := hex4(b[i+2:])
					switch {
					case r >= 0xDC00 && r <= 0xDFFF:
						return i + 1, "surrogate"
					case r >= 0xD800 && r <= 0xDBFF:
						if len(b) < i+12 || b[i+6] != '\\' || b[i+7] != 'u' {
							return i + 1, "surrogate"
						}
						if lo := hex4(b[i+8:]); lo < 0xDC00 || lo > 0xDFFF {
							return i + 1, "surrogate"
						}
						i += 6
					}
				}
				i++ // the escaped character cannot end the string
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > MaxDepth {
				return i + 1, "depth"
			}
		case '}', ']':
			depth--
		}
	}
	return 0, ""
}

// hex4 reads four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}

// decoder walks the parsed tree against the destination type, collecting errors and building a
// copy of the tree with the bad parts taken out.
type decoder struct {
	errs []domain.FieldError
}

func (d *decoder) fail(ptr, code string, msg domain.Text) {
	d.errs = append(d.errs, domain.FieldError{Field: ptr, Code: code, Message: msg})
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
)

// value checks v against t. It returns the cleaned value and false when v must be left out.
// quoted is the ",string" tag option, under which a scalar travels inside a JSON string.
func (d *decoder) value(v any, t reflect.Type, ptr string, quoted bool) (any, bool) {
	if v == nil {
		return nil, true // null leaves the zero value, as encoding/json does
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		return d.unmarshaler(v, t, ptr)
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return d.textUnmarshaler(v, t, ptr)
	}
	if t == numberType {
		// json.Number is a string kind that takes a JSON number.
		if _, ok := v.(json.Number); !ok {
			d.fail(ptr, "type", msgType(reflect.Float64))
			return nil, false
		}
		return v, true
	}
	if quoted && isScalar(t.Kind()) {
		return d.quoted(v, t, ptr)
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return v, true
		}
		d.fail(ptr, "type", msgCannotSet)
		return nil, false
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			d.fail(ptr, "type", msgType(t.Kind()))
			return nil, false
		}
		return v, true
	case reflect.String:
		if _, ok := v.(string); !ok {
			d.fail(ptr, "type", msgType(t.Kind()))
			return nil, false
		}
		return v, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			d.fail(ptr, "type", msgType(t.Kind()))
			return nil, false
		}
		if code, msg, bad := checkNumber(string(n), t); bad {
			d.fail(ptr, code, msg)
			return nil, false
		}
		return v, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(jsonUnmarshalerType) {
			// encoding/json takes []byte as base64 text (or, oddly, as an array of numbers).
			if s, ok := v.(string); ok {
				if _, err := base64.StdEncoding.DecodeString(s); err != nil {
					d.fail(ptr, "type", msgBase64)
					return nil, false
				}
				return v, true
			}
		}
		return d.array(v, t, ptr, -1)
	case reflect.Array:
		return d.array(v, t, ptr, t.Len())
	case reflect.Map:
		return d.mapValue(v, t, ptr)
	case reflect.Struct:
		return d.object(v, t, ptr)
	default: // complex, chan, func: encoding/json cannot decode into these
		d.fail(ptr, "type", msgCannotSet)
		return nil, false
	}
}

func (d *decoder) array(v any, t reflect.Type, ptr string, fixed int) (any, bool) {
	list, ok := v.([]any)
	if !ok {
		d.fail(ptr, "type", msgType(t.Kind()))
		return nil, false
	}
	if fixed >= 0 && len(list) > fixed {
		// encoding/json would drop the extra elements silently.
		d.fail(ptr, "max", msgMaxItems(fixed))
		return nil, false
	}
	out := make([]any, len(list))
	for i, e := range list {
		// A bad element becomes null rather than being removed, so the elements after it keep
		// their indexes and later errors still point at the right place.
		out[i], _ = d.value(e, t.Elem(), ptr+"/"+strconv.Itoa(i), false)
	}
	return out, true
}

func (d *decoder) mapValue(v any, t reflect.Type, ptr string) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		d.fail(ptr, "type", msgType(t.Kind()))
		return nil, false
	}
	kt := t.Key()
	out := make(map[string]any, len(obj))
	for _, k := range sortedKeys(obj) {
		p := ptr + "/" + escapePointer(k)
		if !validKey(k, kt) {
			d.fail(p, "key", msgKey(kt))
			continue
		}
		if c, ok := d.value(obj[k], t.Elem(), p, false); ok {
			out[k] = c
		}
	}
	return out, true
}

// validKey mirrors the map key types encoding/json accepts: strings, integers and text
// unmarshalers.
func validKey(k string, kt reflect.Type) bool {
	if reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		return reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k)) == nil
	}
	switch kt.Kind() {
	case reflect.String:
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err := strconv.ParseInt(k, 10, kt.Bits())
		return err == nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err := strconv.ParseUint(k, 10, kt.Bits())
		return err == nil
	}
	return false
}

func (d *decoder) object(v any, t reflect.Type, ptr string) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		d.fail(ptr, "type", msgType(reflect.Struct))
		return nil, false
	}
	fields := fieldsOf(t)
	out := make(map[string]any, len(obj))
	for _, k := range sortedKeys(obj) {
		p := ptr + "/" + escapePointer(k)
		f, known := fields[k]
		if !known {
			// Matching is exact: encoding/json would also take "USCC" or "Uscc" for "uscc",
			// and a field that is spelt wrong is better refused than half-understood.
			d.fail(p, "unknown_field", msgUnknownField)
			continue
		}
		if obj[k] == nil {
			continue // null leaves the zero value; leaving it out avoids quirks of null in encoding/json
		}
		if c, ok := d.value(obj[k], f.typ, p, f.quoted); ok {
			out[k] = c
		}
	}
	return out, true
}

func (d *decoder) unmarshaler(v any, t reflect.Type, ptr string) (any, bool) {
	b, err := json.Marshal(v)
	if err == nil {
		err = reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(b)
	}
	if err != nil {
		code, msg := leafMessage(t)
		d.fail(ptr, code, msg)
		return nil, false
	}
	return v, true
}

func (d *decoder) textUnmarshaler(v any, t reflect.Type, ptr string) (any, bool) {
	s, ok := v.(string)
	if !ok || reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)) != nil {
		code, msg := leafMessage(t)
		d.fail(ptr, code, msg)
		return nil, false
	}
	return v, true
}

// quoted checks a scalar sent as a JSON string under the ",string" option, e.g. "42" for an int.
func (d *decoder) quoted(v any, t reflect.Type, ptr string) (any, bool) {
	s, ok := v.(string)
	var inner any
	if ok {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		ok = dec.Decode(&inner) == nil && !dec.More() && inner != nil
	}
	if ok {
		var sub decoder
		if _, ok = sub.value(inner, t, ptr, false); !ok && sub.errs[0].Code != "type" {
			d.errs = append(d.errs, sub.errs...) // a range error reads the same quoted or not
			return nil, false
		}
	}
	if !ok {
		d.fail(ptr, "type", msgQuoted(msgType(t.Kind())))
		return nil, false
	}
	return v, true
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// checkNumber applies encoding/json's rules for a number literal into t: integers take no
// fraction or exponent, and every kind must fit its size.
func checkNumber(s string, t reflect.Type) (code string, msg domain.Text, bad bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !integerLiteral(s) {
			return "type", msgType(t.Kind()), true
		}
		if _, err := strconv.ParseInt(s, 10, t.Bits()); err != nil {
			lo, hi := -(int64(1) << (t.Bits() - 1)), int64(1)<<(t.Bits()-1)-1
			return "range", msgRange(strconv.FormatInt(lo, 10), strconv.FormatInt(hi, 10)), true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if !integerLiteral(s) {
			return "type", msgType(t.Kind()), true
		}
		if _, err := strconv.ParseUint(s, 10, t.Bits()); err != nil {
			hi := uint64(1)<<(t.Bits()-1) - 1 + uint64(1)<<(t.Bits()-1)
			return "range", msgRange("0", strconv.FormatUint(hi, 10)), true
		}
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(s, t.Bits()); err != nil {
			return "range", msgTooLarge, true
		}
	}
	return "", domain.Text{}, false
}

func integerLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && digits(s)
}

// escapePointer escapes a member name as one RFC 6901 reference token; "~" goes first so that
// the "~" of "~1" is not escaped again.
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonField is a member name a struct accepts, after encoding/json's rules for embedded structs.
type jsonField struct {
	name   string
	index  []int
	typ    reflect.Type
	tagged bool
	quoted bool
}

var fieldCache sync.Map // reflect.Type → map[string]jsonField

// fieldsOf lists the member names encoding/json would decode into t. It follows encoding/json's
// typeFields: embedded structs without a name tag are flattened breadth first, a shallower field
// hides a deeper one, a tagged field beats an untagged one at the same depth, and names that stay
// ambiguous are dropped (so they count as unknown, as they silently would be ignored there).
func fieldsOf(t reflect.Type) map[string]jsonField {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]jsonField)
	}
	var fields []jsonField
	next := []jsonField{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := range f.typ.NumField() {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(append([]int(nil), f.index...), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					quoted := false
					for _, o := range strings.Split(opts, ",") {
						quoted = quoted || (o == "string" && isScalar(ft.Kind()))
					}
					jf := jsonField{name: name, index: index, typ: sf.Type, tagged: name != "", quoted: quoted}
					if jf.name == "" {
						jf.name = sf.Name
					}
					fields = append(fields, jf)
					if count[f.typ] > 1 {
						// The same embedded type twice at one depth: its fields annihilate.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, jsonField{name: ft.Name(), index: index, typ: ft})
				}
			}
		}
	}
	sort.SliceStable(fields, func(i, j int) bool {
		a, b := fields[i], fields[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		return a.tagged && !b.tagged
	})
	m := map[string]jsonField{}
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		group := fields[i:j]
		if len(group) == 1 || len(group[0].index) != len(group[1].index) || group[0].tagged != group[1].tagged {
			m[group[0].name] = group[0]
		}
		i = j
	}
	fieldCache.Store(t, m)
	return m
}
