package domain

import (
	"context"
	"fmt"
	"strings"
)

// Role is who a credential speaks for (DOMAIN.md §7, API.md Conventions).
type Role string

const (
	RoleAgency            Role = "agency"
	RoleEnterprise        Role = "enterprise"
	RoleMandatedSubmitter Role = "mandated_submitter"
	RoleCountyGovernment  Role = "county_government"
	RoleDistrictReviewer  Role = "district_reviewer"
	RoleCityOfficer       Role = "city_officer"
	RolePrefectureOfficer Role = "prefecture_officer"
	RoleProvinceOfficer   Role = "province_officer"
	RoleExpert            Role = "expert"
	RoleIntegrator        Role = "integrator"
	RoleScheduler         Role = "scheduler"
)

// Roles lists every role, in the order of DOMAIN.md §7.
var Roles = []Role{RoleAgency, RoleEnterprise, RoleMandatedSubmitter, RoleCountyGovernment,
	RoleDistrictReviewer, RoleCityOfficer, RolePrefectureOfficer, RoleProvinceOfficer, RoleExpert,
	RoleIntegrator, RoleScheduler}

// Principal is the authenticated caller. The zero Principal is the anonymous public.
type Principal struct {
	Role Role `json:"role"`
	// Subject is the caller's USCC or resident ID (organisations, individuals) or an officer's id.
	Subject string `json:"subject"`
	// Division is the GB/T 2260 code an officer or government acts within.
	Division string   `json:"division"`
	Scopes   []string `json:"scopes"`
}

func (p Principal) Anonymous() bool { return p.Role == "" }

// Resource describes the record an action touches, for the authorisation policy. Owner and
// Division are empty for actions on a collection (creating, listing).
type Resource struct {
	Kind     string `json:"kind"`
	Owner    string `json:"owner,omitempty"`
	Division string `json:"division,omitempty"`
	// Submitter is who filed the record for its owner under a mandate (a bank claiming a
	// subsidy for an enterprise, seed 003 第十一条(一)).
	Submitter string `json:"submitter,omitempty"`
}

// AuthzRequest is one question to the authorisation policy.
type AuthzRequest struct {
	Principal Principal `json:"principal"`
	Action    string    `json:"action"`
	Resource  Resource  `json:"resource"`
}

// AuthzDecision is the policy's answer; Reasons explain a refusal for the log.
type AuthzDecision struct {
	Allow   bool     `json:"allow"`
	Reasons []string `json:"reasons"`
}

// Authorizer answers AuthzRequests; the policy engine implements it with policies/authz.
type Authorizer interface {
	Authorize(ctx context.Context, req AuthzRequest) (AuthzDecision, error)
}

// Decider answers the policy decisions other than authorisation (sanctions, eligibility,
// parameters): query names the decision, input is its facts, out receives it as JSON would.
// Version names the policy bundle, so a stored decision can be replayed against it.
type Decider interface {
	Decide(ctx context.Context, query string, input, out any) error
	Version() string
}

// Authorize asks authz whether p may take action on res. A refusal is a forbidden error whose
// internal detail carries the policy's reasons for the log; an evaluation failure is internal,
// never a refusal or a permission.
func Authorize(ctx context.Context, authz Authorizer, p Principal, action string, res Resource) error {
	d, err := authz.Authorize(ctx, AuthzRequest{Principal: p, Action: action, Resource: res})
	if err != nil {
		return Internal(fmt.Errorf("authorize %s: %w", action, err))
	}
	if d.Allow {
		return nil
	}
	return &Error{Code: CodeForbidden, Message: Text{ZH: "您的身份无权进行此操作", EN: "Your role may not do this."},
		Err: fmt.Errorf("denied %s: %s", action, strings.Join(d.Reasons, "; "))}
}

// Hidden turns a refusal on an existing record into the answer for a missing one: for anyone
// but its parties and the officers over it, a record does not exist (DOMAIN.md §7).
func Hidden(err error) error {
	if CodeOf(err) == CodeForbidden {
		return &Error{Code: CodeNotFound, Message: ErrNotFound.Message, Err: err}
	}
	return err
}
