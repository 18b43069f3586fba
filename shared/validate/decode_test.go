package validate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

func TestDecodeAcceptsAValidBody(t *testing.T) {
	var f filing
	if err := Decode([]byte(validFiling), &f); err != nil {
		t.Fatal(err)
	}
	want := domain.Date{Year: 2020, Month: time.May, Day: 1}
	if f.USCC != "91350100M000100Y43" || f.ContactPhone != "025-83331234" || f.Practitioners[0].Name != "张三" ||
		f.BusinessStartedOn != want || f.Employees != 12 || f.Labels["a/b~c"] != "x" || !f.TruthfulnessCommitment {
		t.Errorf("decoded %+v", f)
	}
}

func TestDecodeListsEveryUnknownFieldAtOnce(t *testing.T) {
	body := `{
		"uscc": "91350100M000100Y43",
		"USCC": "case differs",
		"extra": 1,
		"Internal": "json:\"-\" fields cannot be set",
		"address": {"line": "x", "zip": "210000"},
		"practitioners": [{"name": "a"}, {"name": "b", "nick": "bb", "more": {"deep": true}}],
		"a/b~c": null
	}`
	var f filing
	fs := fieldsOfErr(t, Decode([]byte(body), &f))
	wantPairs(t, fs,
		"/Internal unknown_field",
		"/USCC unknown_field",
		"/address/zip unknown_field",
		"/a~1b~0c unknown_field",
		"/extra unknown_field",
		"/practitioners/1/more unknown_field",
		"/practitioners/1/nick unknown_field",
	)
	if f.USCC != "91350100M000100Y43" || f.Address.Line != "x" || f.Practitioners[1].Name != "b" {
		t.Errorf("known fields not decoded: %+v", f)
	}
}

func TestDecodeListsEveryWrongTypeAtOnce(t *testing.T) {
	body := `{
		"name": 5,
		"is_branch": "yes",
		"service_types": ["copyright", 7, null],
		"address": [],
		"practitioners": [{"name": ["x"], "role": "agent"}, "not an object"],
		"employees": "12",
		"labels": {"k": 1},
		"contact_email": {"a": 1}
	}`
	var f filing
	fs := fieldsOfErr(t, Decode([]byte(body), &f))
	wantPairs(t, fs,
		"/address type",
		"/contact_email type",
		"/employees type",
		"/is_branch type",
		"/labels/k type",
		"/name type",
		"/practitioners/0/name type",
		"/practitioners/1 type",
		"/service_types/1 type",
	)
	for ptr, en := range map[string]string{
		"/name":            "must be a string",
		"/is_branch":       "must be true or false",
		"/employees":       "must be a whole number",
		"/address":         "must be an object",
		"/practitioners/1": "must be an object",
		"/service_types/1": "must be a string",
		"/contact_email":   "must be a string",
	} {
		if got := messageOf(fs, ptr).EN; got != en {
			t.Errorf("%s: message %q, want %q", ptr, got, en)
		}
	}
	if got := messageOf(fs, "/employees").ZH; got != "必须是整数" {
		t.Errorf("/employees zh: %q", got)
	}
	if want := []string{"copyright", "", ""}; strings.Join(f.ServiceTypes, ",") != strings.Join(want, ",") {
		t.Errorf("service_types = %q: good elements kept, bad ones zero, indexes unchanged", f.ServiceTypes)
	}
	if f.Practitioners[0].Role != "agent" {
		t.Errorf("practitioners[0].role not decoded: %+v", f.Practitioners)
	}
}

func TestDecodeRefusesNumbersThatDoNotFit(t *testing.T) {
	for body, want := range map[string]string{
		`{"employees": 1.5}`:                  "type",
		`{"employees": 1e3}`:                  "type",
		`{"employees": 1.0}`:                  "type",
		`{"employees": 2147483648}`:           "range",
		`{"employees": -2147483649}`:          "range",
		`{"employees": 99999999999999999999}`: "range",
	} {
		fs := fieldsOfErr(t, Decode([]byte(body), &filing{}))
		wantPairs(t, fs, "/employees "+want)
	}
	fs := fieldsOfErr(t, Decode([]byte(`{"employees": 2147483648}`), &filing{}))
	if got := fs[0].Message.EN; got != "must be between -2147483648 and 2147483647" {
		t.Errorf("range message %q", got)
	}
	var f filing
	if err := Decode([]byte(`{"employees": -2147483648}`), &f); err != nil || f.Employees != -2147483648 {
		t.Errorf("smallest int32: %v, %d", err, f.Employees)
	}
}

func TestDecodeRefusesDatesThatDoNotExist(t *testing.T) {
	for _, d := range []string{`"2023-02-30"`, `"2023-2-3"`, `"2023-02-03T00:00:00Z"`, `20230203`, `"明天"`} {
		var f filing
		fs := fieldsOfErr(t, Decode([]byte(`{"name": "n", "business_started_on": `+d+`}`), &f))
		wantPairs(t, fs, "/business_started_on date")
		want := domain.Text{ZH: "必须是 YYYY-MM-DD 格式的有效日期", EN: "must be a real date in the form YYYY-MM-DD"}
		if fs[0].Message != want {
			t.Errorf("%s: message %+v", d, fs[0].Message)
		}
		if f.Name != "n" {
			t.Errorf("%s: name not decoded next to a bad date", d)
		}
	}
}

func TestDecodeLetsNullLeaveTheZeroValue(t *testing.T) {
	var f filing
	body := `{"name": null, "business_started_on": null, "practitioners": null, "address": null, "employees": null, "service_types": [null]}`
	if err := Decode([]byte(body), &f); err != nil {
		t.Fatal(err)
	}
	if f.Name != "" || !f.BusinessStartedOn.IsZero() || f.Practitioners != nil || len(f.ServiceTypes) != 1 {
		t.Errorf("decoded %+v", f)
	}
}

func TestDecodeHonoursTheStringOption(t *testing.T) {
	type req struct {
		Year  int  `json:"year,string"`
		Large int8 `json:"large,string"`
		Flag  bool `json:"flag,string"`
	}
	var r req
	if err := Decode([]byte(`{"year": "2024", "flag": "true"}`), &r); err != nil || r.Year != 2024 || !r.Flag {
		t.Errorf("Decode = %v, %+v", err, r)
	}
	fs := fieldsOfErr(t, Decode([]byte(`{"year": 2024, "large": "300", "flag": "yes"}`), &req{}))
	wantPairs(t, fs, "/flag type", "/large range", "/year type")
}

func TestDecodeReportsMalformedBodies(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth)
	for _, tc := range []struct {
		name, body, en string
	}{
		{"empty", "", "empty"},
		{"whitespace", " \n\t", "empty"},
		{"syntax error says where", `{"name": x}`, "at byte 10"},
		{"truncated", `{"name": "x"`, "ends before"},
		{"trailing garbage", `{"name": "x"} x`, "extra data after the JSON value (at byte 15)"},
		{"second object", `{}{}`, "extra data"},
		{"invalid UTF-8", "{\"name\": \"\xff\xfe\"}", "not valid UTF-8 text (at byte 11)"},
		{"top-level array", `[{"name": "x"}]`, "must be a JSON object"},
		{"top-level string", `"x"`, "must be a JSON object"},
		{"top-level null", `null`, "must be a JSON object"},
		{"nested too deep", `{"labels": ` + deep + `}`, "nested more than 64 levels"},
		{"unclosed brackets too deep", strings.Repeat("[", 100000), "nested more than 64 levels"},
		{"byte-order mark", "\xef\xbb\xbf{}", "not valid JSON"},
		{"lone high surrogate", `{"name": "a\ud800b"}`, "unpaired UTF-16 surrogate, at byte 12"},
		{"lone low surrogate", `{"name": "\udc00"}`, "unpaired UTF-16 surrogate"},
		{"high surrogate at the end", `{"name": "\ud83d"}`, "unpaired UTF-16 surrogate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Decode([]byte(tc.body), &filing{})
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeMalformed {
				t.Fatalf("Decode = %v, want %s", err, domain.CodeMalformed)
			}
			if !strings.Contains(de.Message.EN, tc.en) || de.Message.ZH == "" {
				t.Errorf("message %+v, want EN containing %q", de.Message, tc.en)
			}
		})
	}
}

func TestDecodeAcceptsNestingUpToTheLimit(t *testing.T) {
	type node struct {
		Next *node `json:"next"`
	}
	body := strings.Repeat(`{"next":`, MaxDepth-1) + "{}" + strings.Repeat("}", MaxDepth-1)
	if err := Decode([]byte(body), &node{}); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	var f filing
	if err := Decode([]byte(`{"name": "\ud83d\ude00 \\ud800 \u4e2d\"["}`), &f); err != nil || f.Name != "😀 \\ud800 中\"[" {
		t.Errorf("paired surrogates and escaped backslashes: %v, %q", err, f.Name)
	}
	// Brackets inside strings do not count.
	if err := Decode([]byte(`{"labels": {"k": "`+strings.Repeat("[{", 100)+`"}}`), &filing{}); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
}

func TestDecodeRejectsANonStructDestination(t *testing.T) {
	var m map[string]any
	if got := domain.CodeOf(Decode([]byte(`{}`), &m)); got != domain.CodeInternal {
		t.Errorf("code %q, want internal", got)
	}
}

func TestDecodeFollowsEncodingJSONForEmbeddedStructs(t *testing.T) {
	type Base struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type Other struct {
		ID string `json:"id"`
	}
	type req struct {
		Base
		*Other        // id is ambiguous between Base and Other, so encoding/json ignores it
		Name   string `json:"name"` // shallower, hides Base.Name
		Tagged Base   `json:"tagged"`
	}
	var r req
	fs := fieldsOfErr(t, Decode([]byte(`{"id": "x", "name": "top", "tagged": {"id": "t"}}`), &r))
	wantPairs(t, fs, "/id unknown_field")
	if r.Name != "top" || r.Base.Name != "" || r.Tagged.ID != "t" {
		t.Errorf("decoded %+v", r)
	}
}

func TestDecodeNamesTheFormOfATime(t *testing.T) {
	type req struct {
		At time.Time `json:"at"`
	}
	fs := fieldsOfErr(t, Decode([]byte(`{"at": "2024-01-31 09:00"}`), &req{}))
	wantPairs(t, fs, "/at datetime")
	var r req
	if err := Decode([]byte(`{"at": "2024-01-31T09:00:00+08:00"}`), &r); err != nil || r.At.Hour() != 9 {
		t.Errorf("Decode = %v, %v", err, r.At)
	}
}

// FuzzDecode checks that no body makes Decode panic or fail internally: an internal error would
// mean the cleaned body still held something encoding/json refuses.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(validFiling))
	f.Add([]byte(`{"employees": 1e400, "labels": {"a": [1]}, "practitioners": [[], {}, null, 3]}`))
	f.Add([]byte(`{"business_started_on": {"y": 1}, "service_types": "x", "address": {"line": false}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var fl filing
		err := Request(body, &fl)
		if c := domain.CodeOf(err); err != nil && c != domain.CodeMalformed && c != domain.CodeInvalid {
			t.Fatalf("Request(%q) = %v", body, err)
		}
	})
}

func TestDecodeTakesANumberIntoJSONNumber(t *testing.T) {
	type req struct {
		Amount json.Number `json:"amount"`
	}
	var r req
	if err := Decode([]byte(`{"amount": 12345678901234567890.5}`), &r); err != nil || r.Amount != "12345678901234567890.5" {
		t.Errorf("Decode = %v, %q", err, r.Amount)
	}
	wantPairs(t, fieldsOfErr(t, Decode([]byte(`{"amount": "12"}`), &req{})), "/amount type")
}
