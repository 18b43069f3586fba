package domain

import (
	"errors"
	"strings"
)

// Code classifies an error for every caller; one table in httpapi maps codes to HTTP statuses,
// so the domain never speaks HTTP.
type Code string

const (
	CodeMalformed        Code = "malformed"              // the request cannot be parsed at all
	CodeInvalid          Code = "invalid"                // fields fail validation
	CodeRuleRefused      Code = "rule_refused"           // valid input that a rule refuses
	CodeUnauthenticated  Code = "unauthenticated"        // no credential, or a bad one
	CodeForbidden        Code = "forbidden"              // authenticated, but not allowed this action
	CodeNotFound         Code = "not_found"              // absent, or not the caller's to see
	CodeConflict         Code = "conflict"               // state conflict or stale version
	CodeTooLarge         Code = "too_large"              // body over the limit
	CodeUnsupportedMedia Code = "unsupported_media_type" // not JSON where JSON is required
	CodeThrottled        Code = "throttled"
	CodeTimeout          Code = "timeout"         // the request outlived its deadline; retrying may succeed
	CodeUpstream         Code = "upstream_failed" // a service the platform relies on (the OIDC provider) failed
	CodeInternal         Code = "internal"
)

// Text is a user-facing message in both languages the platform answers in. Messages are
// written in both at the place the error is made, so no message can exist in one only.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// In picks the message for a language tag; anything but English gets Chinese, the default.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.ZH
}

// FieldError names one bad field by its JSON pointer into the request body (RFC 6901).
type FieldError struct {
	Field   string
	Code    string
	Message Text
}

// Error is the only error type whose message may reach a client. Err keeps the internal cause
// for the log and is never shown.
type Error struct {
	Code    Code
	Message Text
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	// A builder, not +=: a body of 60,000 unknown fields gives as many field errors, and
	// concatenating them one by one took minutes (quadratic), holding the request past its
	// deadline (found by the hostile-input suite, infra/local/hostile_test.go).
	var s strings.Builder
	s.WriteString(string(e.Code) + ": " + e.Message.EN)
	for _, f := range e.Fields {
		s.WriteString("; ")
		s.WriteString(f.Field)
		s.WriteString(" ")
		s.WriteString(f.Code)
	}
	if e.Err != nil {
		s.WriteString(": " + e.Err.Error())
	}
	return s.String()
}

func (e *Error) Unwrap() error { return e.Err }

// NewError builds a client-safe error.
func NewError(code Code, zh, en string) *Error {
	return &Error{Code: code, Message: Text{ZH: zh, EN: en}}
}

// Invalid reports every bad field at once.
func Invalid(fields ...FieldError) *Error {
	return &Error{
		Code:    CodeInvalid,
		Message: Text{ZH: "提交的内容有误，请按提示修改", EN: "Some fields are not valid; correct them and try again."},
		Fields:  fields,
	}
}

// Internal wraps an unexpected failure; the cause is logged, the client sees a generic message.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: Text{ZH: "服务暂时出错，请稍后重试", EN: "Something went wrong on our side; please try again later."}, Err: err}
}

// CodeOf is the code of err; anything that is not an *Error is internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Store sentinels. Adapters return these (possibly wrapped) so every adapter fails the same way.
var (
	ErrNotFound = &Error{Code: CodeNotFound, Message: Text{
		ZH: "记录不存在", EN: "The record does not exist."}}
	ErrAlreadyExists = &Error{Code: CodeConflict, Message: Text{
		ZH: "记录已存在", EN: "The record already exists."}}
	ErrVersionConflict = &Error{Code: CodeConflict, Message: Text{
		ZH: "记录已被他人修改，请刷新后重试", EN: "The record was changed by someone else; reload it and try again."}}
	ErrBadCursor = &Error{Code: CodeInvalid, Message: Text{
		ZH: "分页游标无效", EN: "The page cursor is not valid."},
		Fields: []FieldError{{Field: "cursor", Code: "cursor", Message: Text{ZH: "分页游标无效", EN: "not a cursor this list gave out"}}}}
)
