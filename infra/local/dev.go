package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/auth"
	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/shared/validate"
)

// Dev mode lives in this package only, so no deployed function's binary contains it: no flag or
// variable can switch it on there (a test checks the functions' dependencies).

const devTokenTTL = 12 * time.Hour

func devFunction(d httpapi.Deps, signer *auth.Signer, clock *domain.SettableClock) *httpapi.Function {
	dev := devHandlers{signer: signer, clock: clock}
	return httpapi.NewFunction("dev", d, []httpapi.Route{
		{Method: http.MethodPost, Path: "/dev/token", Access: httpapi.Public, Handle: dev.token},
		{Method: http.MethodGet, Path: "/dev/clock", Access: httpapi.Public, Handle: dev.getClock},
		{Method: http.MethodPut, Path: "/dev/clock", Access: httpapi.Public, Handle: dev.setClock},
	})
}

type devHandlers struct {
	signer *auth.Signer
	clock  *domain.SettableClock
}

type tokenRequest struct {
	Role     string   `json:"role" validate:"required,oneof=agency enterprise mandated_submitter county_government district_reviewer city_officer prefecture_officer province_officer expert integrator scheduler"`
	Subject  string   `json:"subject" validate:"omitempty,max=64,no_control"`
	Division string   `json:"division" validate:"omitempty,js_division"`
	Scopes   []string `json:"scopes" validate:"omitempty,max=20,dive,required,max=64,no_control"`
}

// divisionRoles act within a division; the others are organisations or people known by code.
var divisionRoles = []string{"county_government", "district_reviewer", "city_officer", "prefecture_officer", "province_officer", "expert"}

// CheckFields holds the shape of each role's identity (DOMAIN.md Identifiers, §7).
func (t *tokenRequest) CheckFields() []domain.FieldError {
	var errs []domain.FieldError
	bad := func(field, code, zh, en string) {
		errs = append(errs, domain.FieldError{Field: field, Code: code, Message: domain.Text{ZH: zh, EN: en}})
	}
	switch {
	case t.Role == "agency" || t.Role == "mandated_submitter":
		if !validate.USCC(t.Subject) {
			bad("/subject", "uscc", "须为机构的统一社会信用代码", "must be the organisation's unified social credit code")
		}
	case t.Role == "enterprise":
		if !validate.USCC(t.Subject) && !validate.ResidentID(t.Subject) {
			bad("/subject", "uscc_or_id", "须为统一社会信用代码或居民身份证号码", "must be a unified social credit code or a resident ID number")
		}
	case slices.Contains(divisionRoles, t.Role):
		switch {
		case t.Division == "":
			bad("/division", "required", "须填写所在行政区划代码", "the division you act for is required")
		case (t.Role == "county_government" || t.Role == "district_reviewer") && !validate.JiangsuCounty(t.Division):
			bad("/division", "js_county", "须为江苏省县级行政区划代码", "must be a Jiangsu county-level division code")
		case t.Role == "prefecture_officer" && (!strings.HasSuffix(t.Division, "00") || strings.HasSuffix(t.Division, "0000")):
			bad("/division", "prefecture", "须为设区市行政区划代码（32xx00）", "must be a prefecture code (32xx00)")
		case t.Role == "province_officer" && t.Division != "320000":
			bad("/division", "province", "省级须为 320000", "must be 320000 for the province")
		}
	case t.Role == "integrator":
		if t.Subject == "" {
			bad("/subject", "required", "须填写接入系统的标识", "the integrating system's id is required")
		}
	}
	return errs
}

type tokenResponse struct {
	Token     string           `json:"token"`
	ExpiresAt time.Time        `json:"expires_at"`
	Principal domain.Principal `json:"principal"`
}

func (h devHandlers) token(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in tokenRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	p := domain.Principal{Role: domain.Role(in.Role), Subject: in.Subject, Division: in.Division, Scopes: in.Scopes}
	if p.Subject == "" {
		p.Subject = in.Role + "@" + in.Division // officers are known by post in dev mode
		if in.Division == "" {
			p.Subject = in.Role
		}
	}
	now := h.clock.Now()
	token, err := h.signer.Sign(p, now, devTokenTTL)
	if err != nil {
		return httpapi.Response{}, domain.Internal(err)
	}
	return httpapi.Response{Status: http.StatusCreated, Body: tokenResponse{Token: token, ExpiresAt: now.Add(devTokenTTL), Principal: p}}, nil
}

type clockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

type clockRequest struct {
	Now    string `json:"now" validate:"required"`
	Frozen *bool  `json:"frozen"`
}

func (h devHandlers) getClock(context.Context, *httpapi.Request) (httpapi.Response, error) {
	return httpapi.Response{Body: clockState{Now: h.clock.Now(), Frozen: h.clock.Frozen()}}, nil
}

func (h devHandlers) setClock(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in clockRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, in.Now)
	if err != nil {
		return httpapi.Response{}, domain.Invalid(domain.FieldError{Field: "/now", Code: "rfc3339", Message: domain.Text{
			ZH: "须为带时区的 RFC 3339 时间，如 2027-02-01T00:00:05+08:00", EN: "must be an RFC 3339 instant with offset, e.g. 2027-02-01T00:00:05+08:00"}})
	}
	frozen := h.clock.Frozen()
	if in.Frozen != nil {
		frozen = *in.Frozen
	}
	h.clock.Set(t, frozen)
	return h.getClock(nil, r)
}
