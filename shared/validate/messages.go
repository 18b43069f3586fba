package validate

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Messages are fragments shown next to the field they describe, so they start with the verb
// ("must be …") in English and carry no subject in Chinese.

var (
	msgUnknownField = domain.Text{ZH: "不是可识别的字段", EN: "is not a known field"}
	msgCannotSet    = domain.Text{ZH: "无法接受此值", EN: "cannot take this value"}
	msgBase64       = domain.Text{ZH: "必须是 Base64 编码的文本", EN: "must be base64-encoded text"}
	msgTooLarge     = domain.Text{ZH: "数值超出范围", EN: "is out of range"}
	msgFormat       = domain.Text{ZH: "格式不正确", EN: "is not in the expected format"}
	msgGeneric      = domain.Text{ZH: "无效", EN: "is not valid"}
)

func msgType(k reflect.Kind) domain.Text {
	switch k {
	case reflect.Bool:
		return domain.Text{ZH: "必须是 true 或 false", EN: "must be true or false"}
	case reflect.String:
		return domain.Text{ZH: "必须是字符串", EN: "must be a string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return domain.Text{ZH: "必须是整数", EN: "must be a whole number"}
	case reflect.Float32, reflect.Float64:
		return domain.Text{ZH: "必须是数字", EN: "must be a number"}
	case reflect.Slice, reflect.Array:
		return domain.Text{ZH: "必须是列表", EN: "must be a list"}
	case reflect.Map, reflect.Struct:
		return domain.Text{ZH: "必须是对象", EN: "must be an object"}
	}
	return msgCannotSet
}

func msgQuoted(m domain.Text) domain.Text {
	return domain.Text{ZH: m.ZH + "（以字符串形式书写）", EN: m.EN + ", written as a string"}
}

func msgRange(lo, hi string) domain.Text {
	return domain.Text{ZH: "必须在 " + lo + " 到 " + hi + " 之间", EN: "must be between " + lo + " and " + hi}
}

func msgMaxItems(n int) domain.Text {
	return sized("max", strconv.Itoa(n), reflect.Slice)
}

func msgKey(kt reflect.Type) domain.Text {
	switch kt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return domain.Text{ZH: "键必须是整数", EN: "must have a whole number as its key"}
	}
	return domain.Text{ZH: "键格式不正确", EN: "has a key in the wrong format"}
}

// leafMessages name what a json.Unmarshaler or encoding.TextUnmarshaler type expects; their own
// error texts are English-only and written for developers.
var leafMessages = map[reflect.Type]struct {
	code string
	msg  domain.Text
}{
	reflect.TypeFor[domain.Date](): {"date", domain.Text{
		ZH: "必须是 YYYY-MM-DD 格式的有效日期", EN: "must be a real date in the form YYYY-MM-DD"}},
	reflect.TypeFor[time.Time](): {"datetime", domain.Text{
		ZH: "必须是带时区的 RFC 3339 日期时间，如 2024-01-31T09:00:00+08:00",
		EN: "must be an RFC 3339 date and time with offset, e.g. 2024-01-31T09:00:00+08:00"}},
}

func leafMessage(t reflect.Type) (string, domain.Text) {
	if m, ok := leafMessages[t]; ok {
		return m.code, m.msg
	}
	return "format", msgFormat
}

// tagContext is what a validator tag's message may draw on.
type tagContext struct {
	param  string
	kind   reflect.Kind // of the field, pointers removed
	typ    reflect.Type // of the field, pointers removed; nil when unknown
	parent reflect.Type // struct holding the field, to give other fields in params their JSON names
}

func (c tagContext) field(goName string) string { return jsonNameIn(c.parent, goName) }

// fields names the fields listed in a param such as "ParentUSCC OrgForm".
func (c tagContext) fields() []string {
	var out []string
	for _, f := range strings.Fields(c.param) {
		out = append(out, c.field(f))
	}
	return out
}

// conditions renders the "Field value Field value" params of required_if and friends.
func (c tagContext) conditions() domain.Text {
	words := splitParam(c.param)
	var zh, en []string
	for i := 0; i+1 < len(words); i += 2 {
		f, v := c.field(words[i]), words[i+1]
		zh = append(zh, f+" 为 "+v)
		en = append(en, f+" is "+v)
	}
	return domain.Text{ZH: strings.Join(zh, "且"), EN: strings.Join(en, " and ")}
}

type tagMessage func(c tagContext) domain.Text

func fixed(zh, en string) tagMessage {
	return func(tagContext) domain.Text { return domain.Text{ZH: zh, EN: en} }
}

// tagMessages has a message for every tag registered here and every built-in tag request
// structs are likely to use. dive, keys and endkeys never name an error themselves: the tag
// after them does, on the element's pointer.
var tagMessages = map[string]tagMessage{
	"required": fixed("必填", "is required"),
	"required_if": func(c tagContext) domain.Text {
		w := c.conditions()
		return domain.Text{ZH: w.ZH + " 时必填", EN: "is required when " + w.EN}
	},
	"required_unless": func(c tagContext) domain.Text {
		w := c.conditions()
		return domain.Text{ZH: "除非 " + w.ZH + "，否则必填", EN: "is required unless " + w.EN}
	},
	"required_with": func(c tagContext) domain.Text {
		return domain.Text{ZH: "填写了 " + anyOfZH(c.fields()) + " 时必填", EN: "is required when " + anyOfEN(c.fields()) + " is given"}
	},
	"required_with_all": func(c tagContext) domain.Text {
		return domain.Text{ZH: "填写了 " + joinZH(c.fields()) + " 时必填", EN: "is required when " + strings.Join(c.fields(), " and ") + " are given"}
	},
	"required_without": func(c tagContext) domain.Text {
		return domain.Text{ZH: "未填写 " + anyOfZH(c.fields()) + " 时必填", EN: "is required when " + anyOfEN(c.fields()) + " is not given"}
	},
	"required_without_all": func(c tagContext) domain.Text {
		return domain.Text{ZH: joinZH(c.fields()) + " 均未填写时必填", EN: "is required when none of " + strings.Join(c.fields(), ", ") + " is given"}
	},
	"excluded_if": func(c tagContext) domain.Text {
		w := c.conditions()
		return domain.Text{ZH: w.ZH + " 时不得填写", EN: "must be empty when " + w.EN}
	},
	"excluded_unless": func(c tagContext) domain.Text {
		w := c.conditions()
		return domain.Text{ZH: "除非 " + w.ZH + "，否则不得填写", EN: "must be empty unless " + w.EN}
	},
	"excluded_with": func(c tagContext) domain.Text {
		return domain.Text{ZH: "填写了 " + anyOfZH(c.fields()) + " 时不得填写", EN: "must be empty when " + anyOfEN(c.fields()) + " is given"}
	},
	"excluded_with_all": func(c tagContext) domain.Text {
		return domain.Text{ZH: "填写了 " + joinZH(c.fields()) + " 时不得填写", EN: "must be empty when " + strings.Join(c.fields(), " and ") + " are given"}
	},
	"excluded_without": func(c tagContext) domain.Text {
		return domain.Text{ZH: "未填写 " + anyOfZH(c.fields()) + " 时不得填写", EN: "must be empty when " + anyOfEN(c.fields()) + " is not given"}
	},
	"excluded_without_all": func(c tagContext) domain.Text {
		return domain.Text{ZH: joinZH(c.fields()) + " 均未填写时不得填写", EN: "must be empty when none of " + strings.Join(c.fields(), ", ") + " is given"}
	},
	"isdefault": fixed("不得填写", "must be empty"),

	"min": func(c tagContext) domain.Text { return sized("min", c.param, c.kind) },
	"max": func(c tagContext) domain.Text { return sized("max", c.param, c.kind) },
	"len": func(c tagContext) domain.Text { return sized("len", c.param, c.kind) },
	"gt":  func(c tagContext) domain.Text { return compared("gt", c) },
	"gte": func(c tagContext) domain.Text { return compared("gte", c) },
	"lt":  func(c tagContext) domain.Text { return compared("lt", c) },
	"lte": func(c tagContext) domain.Text { return compared("lte", c) },
	"eq": func(c tagContext) domain.Text {
		if isCollection(c.kind) {
			return sized("len", c.param, c.kind)
		}
		return domain.Text{ZH: "必须为 " + c.param, EN: "must be " + c.param}
	},
	"ne": func(c tagContext) domain.Text {
		if isCollection(c.kind) {
			return domain.Text{ZH: "不得为 " + c.param + " 项", EN: "must not have exactly " + c.param + " items"}
		}
		return domain.Text{ZH: "不得为 " + c.param, EN: "must not be " + c.param}
	},
	"oneof": func(c tagContext) domain.Text {
		opts := splitParam(c.param)
		return domain.Text{ZH: "必须是以下之一：" + strings.Join(opts, "、"), EN: "must be one of: " + strings.Join(opts, ", ")}
	},
	"unique": func(c tagContext) domain.Text {
		if c.param == "" {
			return domain.Text{ZH: "不得包含重复项", EN: "must not contain duplicates"}
		}
		f := jsonNameIn(elemType(c.typ), c.param)
		return domain.Text{ZH: "各项的 " + f + " 不得重复", EN: "must not contain two items with the same " + f}
	},

	"eqfield":  func(c tagContext) domain.Text { return relation("eq", c) },
	"nefield":  func(c tagContext) domain.Text { return relation("ne", c) },
	"gtfield":  func(c tagContext) domain.Text { return relation("gt", c) },
	"gtefield": func(c tagContext) domain.Text { return relation("gte", c) },
	"ltfield":  func(c tagContext) domain.Text { return relation("lt", c) },
	"ltefield": func(c tagContext) domain.Text { return relation("lte", c) },

	"email":       fixed("必须是有效的电子邮箱地址", "must be a valid e-mail address"),
	"url":         fixed("必须是有效的网址", "must be a valid URL"),
	"http_url":    fixed("必须是以 http:// 或 https:// 开头的有效网址", "must be a valid http:// or https:// URL"),
	"https_url":   fixed("必须是以 https:// 开头的有效网址", "must be a valid https:// URL"),
	"uri":         fixed("必须是有效的 URI", "must be a valid URI"),
	"uuid":        fixed("必须是 UUID", "must be a UUID"),
	"uuid4":       fixed("必须是 UUID", "must be a UUID"),
	"numeric":     fixed("必须是数字", "must be a number"),
	"number":      fixed("只能包含数字", "must contain digits only"),
	"alpha":       fixed("只能包含英文字母", "must contain letters only"),
	"alphanum":    fixed("只能包含英文字母和数字", "must contain letters and digits only"),
	"ascii":       fixed("只能包含 ASCII 字符", "must contain ASCII characters only"),
	"printascii":  fixed("只能包含可打印的 ASCII 字符", "must contain printable ASCII characters only"),
	"lowercase":   fixed("必须是小写", "must be lowercase"),
	"uppercase":   fixed("必须是大写", "must be uppercase"),
	"hexadecimal": fixed("必须是十六进制数", "must be a hexadecimal number"),
	"boolean":     fixed("必须是 true 或 false", "must be true or false"),
	"ip":          fixed("必须是有效的 IP 地址", "must be a valid IP address"),
	"cidr":        fixed("必须是有效的 CIDR 网段", "must be a valid CIDR block"),
	"e164":        fixed("必须是 E.164 格式的电话号码，如 +8613912345678", "must be a phone number in E.164 form, e.g. +8613912345678"),
	"datetime": func(c tagContext) domain.Text {
		return domain.Text{ZH: "必须符合日期时间格式 " + c.param, EN: "must be a date or time in the form " + c.param}
	},
	"contains": func(c tagContext) domain.Text {
		return domain.Text{ZH: "必须包含“" + c.param + "”", EN: "must contain “" + c.param + "”"}
	},
	"excludes": func(c tagContext) domain.Text {
		return domain.Text{ZH: "不得包含“" + c.param + "”", EN: "must not contain “" + c.param + "”"}
	},
	"excludesall": func(c tagContext) domain.Text {
		return domain.Text{ZH: "不得包含以下任一字符：" + c.param, EN: "must not contain any of these characters: " + c.param}
	},
	"startswith": func(c tagContext) domain.Text {
		return domain.Text{ZH: "必须以“" + c.param + "”开头", EN: "must start with “" + c.param + "”"}
	},
	"endswith": func(c tagContext) domain.Text {
		return domain.Text{ZH: "必须以“" + c.param + "”结尾", EN: "must end with “" + c.param + "”"}
	},

	tagUSCC: fixed("必须是有效的 18 位统一社会信用代码（大写字母，校验位正确）",
		"must be a valid 18-character unified social credit code (uppercase, with correct check characters)"),
	tagResidentID: fixed("必须是有效的 18 位居民身份证号码（校验位 X 须大写）",
		"must be a valid 18-character resident ID number (a check character X must be uppercase)"),
	tagUSCCOrID: fixed("必须是有效的统一社会信用代码或居民身份证号码",
		"must be a valid unified social credit code or resident ID number"),
	tagDivision: fixed("必须是 6 位行政区划代码（GB/T 2260）",
		"must be a 6-digit administrative division code (GB/T 2260)"),
	tagJSDivision: fixed("必须是江苏省的行政区划代码（以 32 开头的 6 位数字）",
		"must be a Jiangsu administrative division code (6 digits starting with 32)"),
	tagJSCounty: fixed("必须是江苏省县级行政区划代码（不能是省或设区市的代码）",
		"must be a Jiangsu county-level division code (not a province or prefecture code)"),
	tagPhone: fixed("必须是有效的中国大陆电话号码，如 13912345678 或 025-83331234",
		"must be a mainland China phone number, e.g. 13912345678 or 025-83331234"),
	tagIsTrue: fixed("必须确认（true）", "must be accepted (true)"),
	tagNoControl: fixed("不得包含换行符、制表符等控制字符",
		"must not contain control characters such as line breaks or tabs"),
}

func messageFor(tag string, c tagContext) domain.Text {
	if m, ok := tagMessages[tag]; ok {
		return m(c)
	}
	return msgGeneric
}

// sized words min, max and len by what is being measured: characters, items or a number.
func sized(rel, n string, k reflect.Kind) domain.Text {
	type words struct{ zh, en string }
	var w words
	switch {
	case k == reflect.String:
		w = map[string]words{
			"min": {"至少 %s 个字符", "must be at least %s characters"},
			"max": {"最多 %s 个字符", "must be at most %s characters"},
			"len": {"必须为 %s 个字符", "must be exactly %s characters"},
			"gt":  {"必须多于 %s 个字符", "must be more than %s characters"},
			"lt":  {"必须少于 %s 个字符", "must be fewer than %s characters"},
		}[rel]
	case isCollection(k):
		w = map[string]words{
			"min": {"至少 %s 项", "must have at least %s items"},
			"max": {"最多 %s 项", "must have at most %s items"},
			"len": {"必须为 %s 项", "must have exactly %s items"},
			"gt":  {"必须多于 %s 项", "must have more than %s items"},
			"lt":  {"必须少于 %s 项", "must have fewer than %s items"},
		}[rel]
	default:
		w = map[string]words{
			"min": {"不得小于 %s", "must be at least %s"},
			"max": {"不得大于 %s", "must be at most %s"},
			"len": {"必须等于 %s", "must equal %s"},
			"gt":  {"必须大于 %s", "must be greater than %s"},
			"lt":  {"必须小于 %s", "must be less than %s"},
		}[rel]
	}
	return domain.Text{ZH: strings.Replace(w.zh, "%s", n, 1), EN: strings.Replace(w.en, "%s", n, 1)}
}

// compared handles gt, gte, lt and lte; without a param on a time they compare with now.
func compared(rel string, c tagContext) domain.Text {
	if c.param == "" && c.kind == reflect.Struct {
		if rel == "gt" || rel == "gte" {
			return domain.Text{ZH: "必须晚于当前时间", EN: "must be in the future"}
		}
		return domain.Text{ZH: "必须早于当前时间", EN: "must be in the past"}
	}
	switch rel {
	case "gte":
		return sized("min", c.param, c.kind)
	case "lte":
		return sized("max", c.param, c.kind)
	}
	return sized(rel, c.param, c.kind)
}

// relation handles the *field tags, comparing with another field; times and dates read as
// earlier and later.
func relation(rel string, c tagContext) domain.Text {
	f := c.field(c.param)
	type words struct{ zh, en string }
	w := map[string]words{
		"eq":  {"必须与 %s 相同", "must be the same as %s"},
		"ne":  {"不得与 %s 相同", "must differ from %s"},
		"gt":  {"必须大于 %s", "must be greater than %s"},
		"gte": {"不得小于 %s", "must not be less than %s"},
		"lt":  {"必须小于 %s", "must be less than %s"},
		"lte": {"不得大于 %s", "must not be greater than %s"},
	}[rel]
	if c.kind == reflect.Struct {
		w = map[string]words{
			"eq":  w,
			"ne":  w,
			"gt":  {"必须晚于 %s", "must be later than %s"},
			"gte": {"不得早于 %s", "must not be earlier than %s"},
			"lt":  {"必须早于 %s", "must be earlier than %s"},
			"lte": {"不得晚于 %s", "must not be later than %s"},
		}[rel]
	}
	return domain.Text{ZH: strings.Replace(w.zh, "%s", f, 1), EN: strings.Replace(w.en, "%s", f, 1)}
}

func isCollection(k reflect.Kind) bool {
	return k == reflect.Slice || k == reflect.Array || k == reflect.Map
}

func anyOfEN(fs []string) string {
	if len(fs) == 1 {
		return fs[0]
	}
	return "any of " + strings.Join(fs, ", ")
}

func anyOfZH(fs []string) string {
	if len(fs) == 1 {
		return fs[0]
	}
	return joinZH(fs) + " 中任一项"
}

func joinZH(fs []string) string { return strings.Join(fs, "、") }

// paramWordRE splits params the way validator does for oneof: words, or 'quoted phrases'.
var paramWordRE = regexp.MustCompile(`'[^']*'|\S+`)

func splitParam(p string) []string {
	words := paramWordRE.FindAllString(p, -1)
	for i, w := range words {
		words[i] = strings.ReplaceAll(w, "'", "")
	}
	return words
}
