package validate

import (
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/domain"
)

func TestRequestAcceptsAValidFiling(t *testing.T) {
	var f filing
	if err := Request([]byte(validFiling), &f); err != nil {
		t.Fatal(err)
	}
}

func TestRequestReportsEveryProblemWithItsPointer(t *testing.T) {
	body := `{
		"uscc": "91350100M000100Y44",
		"is_branch": true,
		"service_types": ["patent_agency", "copyright", "brewing"],
		"address": {"line": "玄武区\n中山路", "district_code": "320100"},
		"practitioners": [
			{"name": "张三", "role": "agent"},
			{"name": "", "role": "janitor"}
		],
		"business_started_on": "2023-02-30",
		"employees": -1,
		"contact_phone": "12345",
		"contact_email": "office@",
		"truthfulness_commitment": false
	}`
	var f filing
	fs := fieldsOfErr(t, Request([]byte(body), &f))
	wantPairs(t, fs,
		"/address/district_code js_county",
		"/address/line no_control",
		"/business_started_on date", // not also "required": the decoding error says it all
		"/contact_email email",
		"/contact_phone cn_phone",
		"/employees gte",
		"/name required",
		"/parent_uscc required_if",
		"/patent_agency_license_no required_for_patent_agency",
		"/practitioners/1/name required",
		"/practitioners/1/role oneof",
		"/service_types/2 oneof",
		"/truthfulness_commitment is_true",
		"/uscc uscc",
	)
	for ptr, want := range map[string]domain.Text{
		"/practitioners/1/role":    {ZH: "必须是以下之一：agent、attorney、assistant", EN: "must be one of: agent, attorney, assistant"},
		"/parent_uscc":             {ZH: "is_branch 为 true 时必填", EN: "is required when is_branch is true"},
		"/truthfulness_commitment": {ZH: "必须确认（true）", EN: "must be accepted (true)"},
		"/employees":               {ZH: "不得小于 0", EN: "must be at least 0"},
		"/name":                    {ZH: "必填", EN: "is required"},
	} {
		if got := messageOf(fs, ptr); got != want {
			t.Errorf("%s: message %+v, want %+v", ptr, got, want)
		}
	}
}

func TestRequestDropsTagErrorsUnderADecodingError(t *testing.T) {
	body := strings.Replace(validFiling, `"practitioners": [{"name": "张三", "role": "agent", "qualification_no": "A1234"}]`,
		`"practitioners": [{"name": 7, "role": "agent"}, "x"]`, 1)
	fs := fieldsOfErr(t, Request([]byte(body), &filing{}))
	// Without the rule, /practitioners/0/name required and /practitioners/1/name … would follow.
	wantPairs(t, fs, "/practitioners/0/name type", "/practitioners/1 type")
}

func TestRequestReturnsMalformedAsIs(t *testing.T) {
	err := Request([]byte(`{"uscc": `), &filing{})
	if got := domain.CodeOf(err); got != domain.CodeMalformed {
		t.Errorf("code %q, want malformed", got)
	}
}

func TestStructNamesFieldsByJSONPointer(t *testing.T) {
	type item struct {
		Code string `json:"code" validate:"division"`
	}
	type inner struct {
		Items []item `json:"items" validate:"dive"`
	}
	type req struct {
		inner
		Named   inner             `json:"named"`
		Ptr     *inner            `json:"ptr"`
		ByKey   map[string]item   `json:"by_key" validate:"dive"`
		Tricky  map[string]string `json:"tricky" validate:"dive,max=1"`
		Plain   string            `validate:"required"` // no json tag: JSON uses the Go name
		IDs     []string          `json:"ids" validate:"dive,uscc_or_id"`
		Phones  []string          `json:"phones" validate:"max=1,dive,cn_phone"`
		Opt     *string           `json:"opt" validate:"omitempty,js_division"`
		Comment string            `json:"comment" validate:"max=3"`
	}
	bad := item{Code: "990000"}
	opt := "310101"
	r := req{
		inner:   inner{Items: []item{{Code: "320281"}, bad}},
		Named:   inner{Items: []item{bad}},
		Ptr:     &inner{Items: []item{{}, {}, bad}},
		ByKey:   map[string]item{"k/1": bad},
		Tricky:  map[string]string{"a]b": "long"},
		IDs:     []string{"91350100M000100Y43", "11010519491231002X", "nope"},
		Phones:  []string{"13912345678", "x"},
		Opt:     &opt,
		Comment: "四个汉字",
	}
	fs := fieldsOfErr(t, Struct(&r))
	wantPairs(t, fs,
		"/Plain required", // byte order: capitals first
		"/by_key/k~11/code division",
		"/comment max",
		"/ids/2 uscc_or_id",
		"/items/1/code division",
		"/named/items/0/code division",
		"/opt js_division",
		"/phones max",
		"/ptr/items/0/code division", // an empty code is not a division either
		"/ptr/items/1/code division",
		"/ptr/items/2/code division",
		"/tricky/a]b max",
	)
	if got := messageOf(fs, "/phones").EN; got != "must have at most 1 items" {
		t.Errorf("/phones message %q", got)
	}
	if got := messageOf(fs, "/comment"); got != (domain.Text{ZH: "最多 3 个字符", EN: "must be at most 3 characters"}) {
		t.Errorf("/comment message %+v", got)
	}
}

func TestStructMergesCheckFieldsWithoutDuplicates(t *testing.T) {
	f := validFilingStruct(t)
	f.PatentAgencyLicenseNo = ""
	fs := fieldsOfErr(t, Struct(&f))
	wantPairs(t, fs, "/patent_agency_license_no required_for_patent_agency")

	f.TruthfulnessCommitment = false
	fs = fieldsOfErr(t, Struct(&dup{f}))
	wantPairs(t, fs, "/patent_agency_license_no required_for_patent_agency", "/truthfulness_commitment is_true")
}

// dup repeats a tag error from CheckFields, as a careless rule might.
type dup struct{ filing }

func (d *dup) CheckFields() []domain.FieldError {
	fs := d.filing.CheckFields()
	return append(fs, domain.FieldError{Field: "/truthfulness_commitment", Code: "is_true", Message: domain.Text{ZH: "必须确认（true）", EN: "must be accepted (true)"}})
}

func validFilingStruct(t *testing.T) filing {
	t.Helper()
	var f filing
	if err := Request([]byte(validFiling), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestStructRefusesANonStruct(t *testing.T) {
	if got := domain.CodeOf(Struct(42)); got != domain.CodeInternal {
		t.Errorf("code %q, want internal", got)
	}
}

func TestEveryCustomTagHasAMessage(t *testing.T) {
	for _, tag := range []string{tagUSCC, tagResidentID, tagUSCCOrID, tagDivision, tagJSDivision, tagJSCounty, tagPhone, tagIsTrue, tagNoControl,
		"required", "required_if", "required_unless", "required_with", "excluded_if", "min", "max", "len",
		"gt", "gte", "lt", "lte", "oneof", "unique", "email", "url", "eq", "ne"} {
		if _, ok := tagMessages[tag]; !ok {
			t.Errorf("no message for %q", tag)
		}
	}
	if got := messageFor("no_such_tag", tagContext{}); got != (domain.Text{ZH: "无效", EN: "is not valid"}) {
		t.Errorf("fallback %+v", got)
	}
}

func TestMessagesNameOtherFieldsByJSONName(t *testing.T) {
	type req struct {
		Kind   string         `json:"kind"`
		Start  string         `json:"start_on"`
		End    string         `json:"end_on" validate:"required_unless=Kind 'open ended'"`
		From   int            `json:"from"`
		To     int            `json:"to" validate:"gtefield=From"`
		Tags   []string       `json:"tags" validate:"unique"`
		People []practitioner `json:"people" validate:"unique=Name"`
		Excl   string         `json:"excl" validate:"excluded_if=Kind closed"`
		Either string         `json:"either" validate:"required_without_all=Kind Start"`
		Vals   []int          `json:"vals" validate:"gt=2"`
		Count  int            `json:"count" validate:"lt=2"`
	}
	r := req{Kind: "closed", From: 2, To: 1, Tags: []string{"a", "a"}, People: []practitioner{{Name: "张三"}, {Name: "张三"}}, Excl: "x", Count: 5}
	fs := fieldsOfErr(t, Struct(&req{}))
	wantPairs(t, fs, "/either required_without_all", "/end_on required_unless", "/vals gt")
	for ptr, want := range map[string]domain.Text{
		"/end_on": {ZH: "除非 kind 为 open ended，否则必填", EN: "is required unless kind is open ended"},
		"/either": {ZH: "kind、start_on 均未填写时必填", EN: "is required when none of kind, start_on is given"},
		"/vals":   {ZH: "必须多于 2 项", EN: "must have more than 2 items"},
	} {
		if got := messageOf(fs, ptr); got != want {
			t.Errorf("%s: %+v, want %+v", ptr, got, want)
		}
	}
	fs = fieldsOfErr(t, Struct(&r))
	for ptr, want := range map[string]domain.Text{
		"/to":    {ZH: "不得小于 from", EN: "must not be less than from"},
		"/tags":  {ZH: "不得包含重复项", EN: "must not contain duplicates"},
		"/excl":  {ZH: "kind 为 closed 时不得填写", EN: "must be empty when kind is closed"},
		"/count": {ZH: "必须小于 2", EN: "must be less than 2"},
	} {
		if got := messageOf(fs, ptr); got != want {
			t.Errorf("%s: %+v, want %+v", ptr, got, want)
		}
	}
}
