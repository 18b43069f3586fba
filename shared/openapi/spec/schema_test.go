package spec

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

type sampleInner struct {
	Name string `json:"name" validate:"required,max=5"`
}

type sampleBase struct {
	// ID comes from the embedded struct, promoted as encoding/json promotes it.
	ID string `json:"id" validate:"required"`
}

type sample struct {
	sampleBase
	Code   string              `json:"code" validate:"required,uscc"`
	Note   string              `json:"note,omitempty" validate:"omitempty,max=10,no_control"`
	Kind   string              `json:"kind" validate:"omitempty,oneof=a b"`
	Tags   []string            `json:"tags" validate:"max=3,dive,oneof=x y"`
	Count  *int                `json:"count" validate:"required,min=0,max=9"`
	When   time.Time           `json:"when,omitzero"`
	On     domain.Date         `json:"on"`
	Inner  *sampleInner        `json:"inner"`
	Nested sampleInner         `json:"nested"`
	Cover  map[string][]string `json:"cover" validate:"max=2,dive,keys,oneof=p q,endkeys,max=1,dive,oneof=r"`
	Status domain.AgencyStatus `json:"status"`
	Agree  bool                `json:"agree" validate:"is_true"`
	hidden int
}

func reflectSample(t *testing.T, f Form) map[string]any {
	t.Helper()
	b, err := ObjectSchema(reflect.TypeFor[sample](), f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func prop(m map[string]any, path ...string) any {
	var cur any = m["properties"]
	for _, p := range path {
		cur = cur.(map[string]any)[p]
	}
	return cur
}

func TestARequestSchemaSaysWhatTheValidateTagsCheck(t *testing.T) {
	m := reflectSample(t, In)
	var required []string
	for _, r := range m["required"].([]any) {
		required = append(required, r.(string))
	}
	// required and is_true from the tags; nested: a struct field whose own fields are required.
	if want := []string{"id", "code", "count", "nested", "agree"}; !slices.Equal(required, want) {
		t.Errorf("required %v, want %v", required, want)
	}
	if m["additionalProperties"] != false {
		t.Error("a request schema must refuse unknown fields")
	}
	checks := []struct {
		path []string
		key  string
		want any
	}{
		{[]string{"code"}, "pattern", "^(?:" + usccPattern + ")$"},
		{[]string{"code"}, "format", "uscc"},
		{[]string{"note"}, "maxLength", 10.0},
		{[]string{"note"}, "pattern", `^(?:[^\x00-\x1F\x7F]*)?$`}, // omitempty: empty is fine
		{[]string{"kind"}, "enum", []any{"a", "b", ""}},
		{[]string{"tags"}, "maxItems", 3.0},
		{[]string{"tags", "items"}, "enum", []any{"x", "y"}},
		{[]string{"count"}, "minimum", 0.0},
		{[]string{"count"}, "maximum", 9.0},
		{[]string{"when"}, "format", "date-time"},
		{[]string{"on"}, "format", "date"},
		{[]string{"cover"}, "maxProperties", 2.0},
		{[]string{"cover", "propertyNames"}, "enum", []any{"p", "q"}},
		{[]string{"cover", "additionalProperties"}, "maxItems", 1.0},
		{[]string{"cover", "additionalProperties", "items"}, "enum", []any{"r"}},
		{[]string{"status"}, "$ref", "#/components/schemas/AgencyStatus"},
		{[]string{"agree"}, "const", true},
	}
	for _, c := range checks {
		got := prop(m, c.path...).(map[string]any)[c.key]
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v %s = %#v, want %#v", c.path, c.key, got, c.want)
		}
	}
	if _, ok := prop(m, "hidden").(map[string]any); ok {
		t.Error("an unexported field is in the schema")
	}
}

func TestAnAnswerSchemaSaysWhatEncodingJSONWrites(t *testing.T) {
	m := reflectSample(t, Out)
	var required []string
	for _, r := range m["required"].([]any) {
		required = append(required, r.(string))
	}
	// Every field but the omitempty string and the omitzero time is always written.
	if want := []string{"id", "code", "kind", "tags", "count", "on", "inner", "nested", "cover", "status", "agree"}; !slices.Equal(required, want) {
		t.Errorf("required %v, want %v", required, want)
	}
	if _, set := m["additionalProperties"]; set {
		t.Error("an answer's schema leaves room for fields added later")
	}
	// nil pointers, slices and maps and a zero Date are written as null.
	for _, f := range []string{"count", "on", "tags", "cover"} {
		ty, _ := prop(m, f).(map[string]any)["type"].([]any)
		if !slices.Contains(ty, any("null")) {
			t.Errorf("%s may be null, its schema says %v", f, prop(m, f))
		}
	}
	if any := prop(m, "inner").(map[string]any)["anyOf"]; any == nil {
		t.Errorf("inner may be null, its schema says %v", prop(m, "inner"))
	}
	if ty := prop(m, "code").(map[string]any)["type"]; ty != "string" {
		t.Errorf("a string field is %v", ty)
	}
}
