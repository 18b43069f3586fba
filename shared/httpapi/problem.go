package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/jsipa/ips/shared/domain"
)

// statusOf is the one table from domain error codes to HTTP statuses (API.md Conventions).
var statusOf = map[domain.Code]int{
	domain.CodeMalformed:        http.StatusBadRequest,
	domain.CodeInvalid:          http.StatusUnprocessableEntity,
	domain.CodeRuleRefused:      http.StatusUnprocessableEntity,
	domain.CodeUnauthenticated:  http.StatusUnauthorized,
	domain.CodeForbidden:        http.StatusForbidden,
	domain.CodeNotFound:         http.StatusNotFound,
	domain.CodeConflict:         http.StatusConflict,
	domain.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia: http.StatusUnsupportedMediaType,
	domain.CodeThrottled:        http.StatusTooManyRequests,
	domain.CodeTimeout:          http.StatusServiceUnavailable,
	domain.CodeUpstream:         http.StatusBadGateway,
	domain.CodeInternal:         http.StatusInternalServerError,
}

// Status is the HTTP status for an error.
func Status(err error) int {
	if s, ok := statusOf[domain.CodeOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

var titles = map[domain.Code]domain.Text{
	domain.CodeMalformed:        {ZH: "请求格式错误", EN: "Malformed request"},
	domain.CodeInvalid:          {ZH: "提交的内容未通过校验", EN: "Validation failed"},
	domain.CodeRuleRefused:      {ZH: "不符合规定", EN: "Refused by a rule"},
	domain.CodeUnauthenticated:  {ZH: "需要登录", EN: "Authentication required"},
	domain.CodeForbidden:        {ZH: "无权操作", EN: "Not allowed"},
	domain.CodeNotFound:         {ZH: "未找到", EN: "Not found"},
	domain.CodeConflict:         {ZH: "状态冲突", EN: "Conflict"},
	domain.CodeTooLarge:         {ZH: "请求内容过大", EN: "Request too large"},
	domain.CodeUnsupportedMedia: {ZH: "不支持的内容类型", EN: "Unsupported media type"},
	domain.CodeThrottled:        {ZH: "请求过于频繁", EN: "Too many requests"},
	domain.CodeTimeout:          {ZH: "处理超时", EN: "Timed out"},
	domain.CodeUpstream:         {ZH: "外部服务出错", EN: "A service the platform relies on failed"},
	domain.CodeInternal:         {ZH: "服务器内部错误", EN: "Internal error"},
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Code      domain.Code    `json:"code"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
	// lang is the language the messages are in, answered as Content-Language.
	lang string
}

// ProblemField is one bad field, by JSON pointer.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// problemOf renders err for the client in lang; anything that is not a domain.Error is internal
// and shows nothing of its cause.
func problemOf(err error, lang, requestID string) Problem {
	code := domain.CodeOf(err)
	var de *domain.Error
	if !errors.As(err, &de) || code == domain.CodeInternal {
		de = domain.Internal(err)
	}
	p := Problem{Type: "/problems/" + string(code), Title: titles[code].In(lang), Status: Status(err),
		Detail: de.Message.In(lang), Code: code, RequestID: requestID, lang: lang}
	for _, f := range de.Fields {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Code, Message: f.Message.In(lang)})
	}
	return p
}

func writeProblem(w http.ResponseWriter, p Problem) {
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", contentLanguage(p.lang))
	w.WriteHeader(p.Status)
	w.Write(b)
}

// contentLanguage is the header value for a negotiated language ("zh" or "en").
func contentLanguage(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "zh-CN"
}

// WriteError answers err as a problem document in the request's language, for handlers that
// live outside a Function (the local runner's fallbacks).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, problemOf(err, negotiate(r.Header.Get("Accept-Language")), w.Header().Get("X-Request-Id")))
}
