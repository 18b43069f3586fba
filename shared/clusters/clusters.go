// Package clusters is the cluster-zone application (集聚区申报, seed 001 §四; DOMAIN.md §5): a
// county government's draft, its documents (PDF, kept in domain.Documents), the screening at
// submission to the prefecture (policies/cluster, data.cluster.screening), the prefecture's
// recommendation or return, and the provincial review: expert scores, the site visit and the
// selection, whose designation creates the zone (domain.NewCluster, shared/zones).
//
// Who may do what is the authz policy's (cluster.* grants): the county government its own
// county's applications (its division is the application's county_code), the prefecture officers
// over the county, provincial officers, and experts for applications under provincial review.
// Anyone else asking about an application gets the answer for one that does not exist.
package clusters

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
)

// LetterKind is the prefecture's document (seed 001 §四(三)1); the other kinds are the county's.
const LetterKind = "recommendation_letter"

// PDF is the only media type a document may have.
const PDF = "application/pdf"

// Service runs the application use cases; every method checks the authorisation policy first.
type Service struct {
	applications domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]
	slots        domain.Repo[domain.RoundSlot, *domain.RoundSlot]
	zones        domain.Repo[domain.Cluster, *domain.Cluster]
	documents    domain.Documents
	authz        domain.Authorizer
	policy       domain.Decider
	clock        domain.Clock
}

func New(store domain.Store, authz domain.Authorizer, decider domain.Decider, clock domain.Clock, documents domain.Documents) *Service {
	return &Service{
		applications: domain.Repo[domain.ClusterApplication, *domain.ClusterApplication]{Store: store, Collection: domain.ClusterApplicationCollection},
		slots:        domain.Repo[domain.RoundSlot, *domain.RoundSlot]{Store: store, Collection: domain.RoundSlotCollection},
		zones:        domain.Repo[domain.Cluster, *domain.Cluster]{Store: store, Collection: domain.ClusterCollection},
		documents:    documents,
		authz:        authz,
		policy:       decider,
		clock:        clock,
	}
}

// resourceOf names the application for the policy: its county owns it and is its division.
func resourceOf(b *domain.ClusterApplicationBody) domain.Resource {
	return b.Resource()
}

// visible is the rule the policy cannot see, the application's status (ClusterStatus.VisibleTo).
func visible(p domain.Principal, a *domain.ClusterApplication) bool {
	return a.Status.VisibleTo(p.Role)
}

// read checks that p may see a (otherwise a does not exist for p).
func (s *Service) read(ctx context.Context, p domain.Principal, a *domain.ClusterApplication) error {
	if err := domain.Authorize(ctx, s.authz, p, "cluster.read", resourceOf(&a.Body)); err != nil {
		return domain.Hidden(err)
	}
	if !visible(p, a) {
		return domain.Hidden(&domain.Error{Code: domain.CodeForbidden, Message: domain.ErrNotFound.Message,
			Err: fmt.Errorf("%s does not see applications that are %s", p.Role, a.Status)})
	}
	return nil
}

// allowed checks that p may see a and take action on it: a refusal of the action on an
// application p sees is 403, except for the prefecture and county grants, whose refusal means
// another party's record (404).
func (s *Service) allowed(ctx context.Context, p domain.Principal, action string, a *domain.ClusterApplication) error {
	if err := s.read(ctx, p, a); err != nil {
		return err
	}
	return domain.Authorize(ctx, s.authz, p, action, resourceOf(&a.Body))
}

func newID(year int, county string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("CA%04d-%s-%s", year, county, strings.ToUpper(hex.EncodeToString(b)))
}

// Create starts a draft (POST /v1/cluster-applications). One application per county and round
// is the screening's rule at submission, not the draft's: a county may start over in a new
// draft, and only one of its applications of a year can ever be submitted.
func (s *Service) Create(ctx context.Context, p domain.Principal, body domain.ClusterApplicationBody) (*domain.ClusterApplication, error) {
	if err := domain.Authorize(ctx, s.authz, p, "cluster.create", resourceOf(&body)); err != nil {
		if domain.CodeOf(err) == domain.CodeForbidden && p.Role == domain.RoleCountyGovernment {
			return nil, domain.Invalid(domain.FieldError{Field: "/county_code", Code: "own_county", Message: domain.Text{
				ZH: fmt.Sprintf("县级人民政府只能为本县（市、区）%s 申报", p.Division),
				EN: fmt.Sprintf("must be your own county, %s", p.Division)}})
		}
		return nil, err
	}
	now := s.clock.Now()
	a := &domain.ClusterApplication{}
	a.Create(newID(body.Year, body.CountyCode), body, domain.ActorOf(p), now)
	if err := s.applications.Create(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Get reads an application for the parties entitled to it.
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (*domain.ClusterApplication, error) {
	a, err := s.applications.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.read(ctx, p, a); err != nil {
		return nil, err
	}
	return a, nil
}

// change applies fn to an application p may take action on, in one conditional write
// (retried on a lost race, so fn may run more than once). ifMatch, when not 0, must be the
// stored version.
func (s *Service) change(ctx context.Context, p domain.Principal, action, id string, ifMatch int64, fn func(*domain.ClusterApplication) error) (*domain.ClusterApplication, error) {
	return s.applications.Update(ctx, id, func(a *domain.ClusterApplication) error {
		if err := s.allowed(ctx, p, action, a); err != nil {
			return err
		}
		if ifMatch != 0 && ifMatch != a.Version {
			return domain.ErrVersionConflict
		}
		return fn(a)
	})
}

// Edit replaces the form while it is a draft or returned (PUT /v1/cluster-applications/{id}).
// The county cannot change: an application belongs to its county for good.
func (s *Service) Edit(ctx context.Context, p domain.Principal, id string, ifMatch int64, body domain.ClusterApplicationBody) (*domain.ClusterApplication, error) {
	now := s.clock.Now()
	return s.change(ctx, p, "cluster.edit", id, ifMatch, func(a *domain.ClusterApplication) error {
		if body.CountyCode != a.Body.CountyCode {
			return domain.Invalid(domain.FieldError{Field: "/county_code", Code: "immutable", Message: domain.Text{
				ZH: "申报主体不可变更", EN: "the applicant county of an application cannot change"}})
		}
		return a.Edit(body, domain.ActorOf(p), now)
	})
}

// DocumentKey is where an application's document is stored. StoredDocument.Key is not kept in
// the record, so the key is made of what is: the application, the kind and the upload instant
// (nanoseconds), one file per upload under a fixed depth; a new upload of a kind is a new key and
// the earlier file stays, immutable, as the history's.
func DocumentKey(id, kind string, uploadedAt time.Time) string {
	return fmt.Sprintf("cluster-applications/%s/%s/%d.pdf", id, kind, uploadedAt.UnixNano())
}

func checkKind(kind string) error {
	if !slices.Contains(domain.ClusterDocumentKinds, kind) {
		return &domain.Error{Code: domain.CodeNotFound, Message: domain.Text{
			ZH: "没有这种申报材料：" + kind, EN: "There is no document kind " + kind + "."}}
	}
	return nil
}

// checkUploader: the county uploads its four kinds, the prefecture its letter (seed 001 §四(三)).
func checkUploader(p domain.Principal, kind string) error {
	if (kind == LetterKind) == (p.Role == domain.RolePrefectureOfficer) {
		return nil
	}
	if kind == LetterKind {
		return domain.NewError(domain.CodeForbidden, "推荐函由设区市知识产权局上传", "The recommendation letter is uploaded by the prefecture bureau.")
	}
	return domain.NewError(domain.CodeForbidden, "该材料由申报的县级人民政府上传", "This document is uploaded by the applicant county government.")
}

// Upload streams one PDF into the document store and attaches it (PUT
// /v1/cluster-applications/{id}/documents/{kind}): the body is checked as it streams (a file
// that is not a PDF by its content is refused, 415), never held whole in memory; size is the
// declared length or -1.
func (s *Service) Upload(ctx context.Context, p domain.Principal, id, kind string, body io.Reader, size int64) (*domain.ClusterApplication, *domain.StoredDocument, error) {
	if err := checkKind(kind); err != nil {
		return nil, nil, err
	}
	a, err := s.applications.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.allowed(ctx, p, "cluster.upload", a); err != nil {
		return nil, nil, err
	}
	if err := checkUploader(p, kind); err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	doc := &domain.StoredDocument{UploadedBy: domain.ActorOf(p), UploadedAt: now}
	// The status is checked before the bytes are stored, and again when the record is written.
	if err := a.Attach(kind, doc); err != nil {
		return nil, nil, err
	}
	doc.Key = DocumentKey(id, kind, now)
	info, err := s.documents.Put(ctx, doc.Key, domain.PDFReader(body), size, PDF)
	if err != nil {
		return nil, nil, err
	}
	doc.SHA256, doc.Size = info.SHA256, info.Size
	// A failure from here leaves an unreferenced file, never a reference to a missing one.
	a, err = s.change(ctx, p, "cluster.upload", id, 0, func(a *domain.ClusterApplication) error {
		return a.Attach(kind, doc)
	})
	if err != nil {
		return nil, nil, err
	}
	return a, doc, nil
}

// Download opens an application's document for the parties entitled to read the application.
func (s *Service) Download(ctx context.Context, p domain.Principal, id, kind string) (io.ReadCloser, domain.DocumentInfo, error) {
	if err := checkKind(kind); err != nil {
		return nil, domain.DocumentInfo{}, err
	}
	a, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, domain.DocumentInfo{}, err
	}
	doc := a.Documents[kind]
	if doc == nil {
		return nil, domain.DocumentInfo{}, &domain.Error{Code: domain.CodeNotFound, Message: domain.Text{
			ZH: "该材料尚未上传", EN: "This document has not been uploaded."}}
	}
	return s.documents.Get(ctx, DocumentKey(id, kind, doc.UploadedAt))
}

// facts gathers what the screening decides on: the form, the documents uploaded so far and the
// county's other applications of the round that are not drafts (index 1, county#<code>, sorted
// by year).
func (s *Service) facts(ctx context.Context, a *domain.ClusterApplication, at time.Time) (domain.ScreeningFacts, error) {
	b := a.Body
	f := domain.ScreeningFacts{
		CountyCode: b.CountyCode, Year: b.Year, SubmittedAt: at,
		ManagementBody: b.ManagementBody, HasDevelopmentPlan: b.HasDevelopmentPlan,
		SpecialFundFenPerYear: b.SpecialFundFenPerYear, Industry: b.Industry,
		Agencies: b.Agencies, Coverage: b.Coverage,
		Documents: []string{}, OtherApplicationsThisRound: []string{},
	}
	if f.Agencies == nil {
		f.Agencies = []domain.ZoneAgency{}
	}
	if f.Coverage == nil {
		f.Coverage = map[string][]string{}
	}
	for kind, d := range a.Documents {
		if d != nil {
			f.Documents = append(f.Documents, kind)
		}
	}
	slices.Sort(f.Documents)
	err := s.applications.Each(ctx, domain.Query{Index: 1, Partition: "county#" + b.CountyCode, Prefix: fmt.Sprintf("%04d#", b.Year)},
		func(o *domain.ClusterApplication) error {
			if o.ID != a.ID && o.Body.Year == b.Year && o.Status != domain.ClusterDraft {
				f.OtherApplicationsThisRound = append(f.OtherApplicationsThisRound, o.ID)
			}
			return nil
		})
	return f, err
}

// Refused is the 422 of a screening that failed, naming every failed condition with its
// field, code and basis.
func Refused(d domain.ScreeningDecision) error {
	e := &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
		ZH: "申报未通过形式审查，请按各项提示补正", EN: "The application does not pass screening; each failed condition is listed."}}
	if f, ok := d.Failure(domain.ScreeningRoundClosed); ok {
		e.Message = domain.Text{ZH: f.MessageZH, EN: f.MessageEN}
	}
	for _, f := range d.Failures {
		e.Fields = append(e.Fields, domain.FieldError{Field: f.Field, Code: f.Code, Message: domain.Text{
			ZH: f.MessageZH + "（" + f.Basis + "）", EN: f.MessageEN + " (" + f.Basis + ")"}})
	}
	return e
}

// Submit screens the application and, when it passes, sends it to the prefecture (POST
// /v1/cluster-applications/{id}/submission); the decision is stored on it. A refusal changes
// nothing. The screening judges the application as read: if it changes meanwhile, the write
// is refused (409) rather than pass an application nobody screened.
func (s *Service) Submit(ctx context.Context, p domain.Principal, id string, ifMatch int64) (*domain.ClusterApplication, error) {
	a, err := s.applications.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.allowed(ctx, p, "cluster.submit", a); err != nil {
		return nil, err
	}
	if ifMatch != 0 && ifMatch != a.Version {
		return nil, domain.ErrVersionConflict
	}
	if a.Status != domain.ClusterDraft && a.Status != domain.ClusterReturned {
		return nil, domain.ErrClusterTransition("submit", a.Status)
	}
	now := s.clock.Now()
	f, err := s.facts(ctx, a, now)
	if err != nil {
		return nil, err
	}
	var d domain.ScreeningDecision
	if err := s.policy.Decide(ctx, policy.QueryClusterScreening, f, &d); err != nil {
		return nil, domain.Internal(fmt.Errorf("cluster screening: %w", err))
	}
	if !d.Passed {
		return nil, Refused(d)
	}
	if err := s.takeSlot(ctx, a, now); err != nil {
		return nil, err
	}
	screened := a.Version
	return s.change(ctx, p, "cluster.submit", id, 0, func(a *domain.ClusterApplication) error {
		if a.Version != screened {
			return domain.NewError(domain.CodeConflict, "申报在审查期间已被修改，请重新提交", "The application changed while it was screened; submit it again.")
		}
		if err := a.Submit(d, domain.ActorOf(p), now); err != nil {
			return err
		}
		a.ScreeningInput, a.ScreeningPolicy = &f, s.policy.Version()
		return nil
	})
}

// takeSlot claims the county's one place in the round for a, or finds a already holds it (a
// resubmission, or a retry after a crash between the two writes).
func (s *Service) takeSlot(ctx context.Context, a *domain.ClusterApplication, now time.Time) error {
	slot := &domain.RoundSlot{County: a.Body.CountyCode, Year: a.Body.Year, ApplicationID: a.ID, TakenAt: now}
	err := s.slots.Create(ctx, slot)
	if !errors.Is(err, domain.ErrAlreadyExists) {
		return err
	}
	held, err := s.slots.Get(ctx, slot.RecordKey())
	if err != nil {
		return err
	}
	if held.ApplicationID == a.ID {
		return nil
	}
	return &domain.Error{Code: domain.CodeRuleRefused, Message: domain.Text{
		ZH: fmt.Sprintf("本县（市、区）%d年度已提交申报 %s，每年限申报一次", a.Body.Year, held.ApplicationID),
		EN: fmt.Sprintf("The county already submitted application %s in the %d round; one application per county per round (seed 001 §四(三)).", held.ApplicationID, a.Body.Year)}}
}

// RecommendInput is the prefecture's decision (API.md).
type RecommendInput struct {
	Outcome string `json:"outcome" validate:"required,oneof=recommend return"`
	Opinion string `json:"opinion" validate:"required,max=5000"`
}

// Recommend recommends the application to the province or returns it to the county (POST
// /v1/cluster-applications/{id}/recommendation). Only the prefecture officers over the county:
// for anyone else the application does not exist.
func (s *Service) Recommend(ctx context.Context, p domain.Principal, id string, in RecommendInput) (*domain.ClusterApplication, error) {
	now := s.clock.Now()
	return s.change(ctx, p, "cluster.recommend", id, 0, func(a *domain.ClusterApplication) error {
		return a.Recommend(in.Outcome == "recommend", in.Opinion, domain.ActorOf(p), now)
	})
}

// ReviewInput is one step of the provincial review (API.md): an expert's score, the site
// visit, or the decision.
type ReviewInput struct {
	Kind      string       `json:"kind" validate:"required,oneof=score site_visit decision"`
	Score     *int         `json:"score" validate:"omitempty,min=0,max=100"`
	Comment   string       `json:"comment" validate:"max=5000"`
	VisitedOn *domain.Date `json:"visited_on"`
	Findings  string       `json:"findings" validate:"max=20000"`
	Outcome   string       `json:"outcome" validate:"omitempty,oneof=designate not_selected"`
}

// CheckFields: each kind has its own required fields, and takes no other kind's.
func (in *ReviewInput) CheckFields() []domain.FieldError {
	var out []domain.FieldError
	need := func(field string, missing bool) {
		if missing {
			out = append(out, domain.FieldError{Field: field, Code: "required", Message: domain.Text{
				ZH: "此项审查须填写", EN: "is required for a " + in.Kind}})
		}
	}
	refuse := func(field string, present bool) {
		if present {
			out = append(out, domain.FieldError{Field: field, Code: "excluded", Message: domain.Text{
				ZH: "此项审查不填写", EN: "is not part of a " + in.Kind}})
		}
	}
	switch in.Kind {
	case "score":
		need("/score", in.Score == nil)
		refuse("/visited_on", in.VisitedOn != nil)
		refuse("/findings", in.Findings != "")
		refuse("/outcome", in.Outcome != "")
	case "site_visit":
		need("/visited_on", in.VisitedOn == nil || in.VisitedOn.IsZero())
		need("/findings", strings.TrimSpace(in.Findings) == "")
		refuse("/score", in.Score != nil)
		refuse("/outcome", in.Outcome != "")
	case "decision":
		need("/outcome", in.Outcome == "")
		refuse("/score", in.Score != nil)
		refuse("/visited_on", in.VisitedOn != nil)
		refuse("/findings", in.Findings != "")
	}
	return out
}

// ErrOwnDivision is the refusal of an expert scoring an application of their own division.
func ErrOwnDivision(p domain.Principal, county string) error {
	return domain.NewError(domain.CodeForbidden,
		fmt.Sprintf("专家不得为本人所在地区（%s）的申报评分：该申报来自 %s（利益回避）", p.Division, county),
		fmt.Sprintf("An expert does not score applications from their own division (%s): this one is from %s (conflict of interest).", p.Division, county))
}

// Review records a step of the provincial review (POST /v1/cluster-applications/{id}/reviews).
// A designation creates the zone; the zone is created if absent, so repeating a designation
// whose zone a crash left uncreated creates it then, and answers as the first did.
func (s *Service) Review(ctx context.Context, p domain.Principal, id string, in ReviewInput) (*domain.ClusterApplication, error) {
	now := s.clock.Now()
	action := "cluster.review"
	if in.Kind == "score" {
		action = "cluster.score"
	}
	if in.Kind == "site_visit" && in.VisitedOn != nil && in.VisitedOn.After(domain.DateOf(now)) {
		return nil, domain.Invalid(domain.FieldError{Field: "/visited_on", Code: "future", Message: domain.Text{
			ZH: "考察日期不能晚于今天", EN: "cannot be after today"}})
	}
	a, err := s.change(ctx, p, action, id, 0, func(a *domain.ClusterApplication) error {
		switch in.Kind {
		case "score":
			return a.Score(domain.ExpertScore{Expert: domain.ActorOf(p), Score: *in.Score, Comment: in.Comment, At: now})
		case "site_visit":
			return a.Visit(domain.SiteVisit{VisitedOn: *in.VisitedOn, Findings: in.Findings, By: domain.ActorOf(p), At: now})
		}
		if in.Outcome == "designate" && a.Status == domain.ClusterDesignated {
			return errAlreadyDesignated
		}
		return a.Decide(in.Outcome == "designate", domain.ActorOf(p), now, in.Comment)
	})
	switch {
	case errors.Is(err, errAlreadyDesignated):
		// A repeated designation: heal the zone below, change nothing else.
		if a, err = s.applications.Get(ctx, id); err != nil {
			return nil, err
		}
	case err != nil:
		if in.Kind == "score" && p.Role == domain.RoleExpert && domain.CodeOf(err) == domain.CodeForbidden {
			return nil, ErrOwnDivision(p, s.countyOf(ctx, id))
		}
		return nil, err
	}
	if a.Status == domain.ClusterDesignated {
		if err := s.ensureZone(ctx, a, now); err != nil {
			return nil, err
		}
	}
	return a, nil
}

var errAlreadyDesignated = errors.New("already designated")

func (s *Service) countyOf(ctx context.Context, id string) string {
	if a, err := s.applications.Get(ctx, id); err == nil {
		return a.Body.CountyCode
	}
	return ""
}

// ensureZone creates the designated zone unless it exists (its id is the application's).
func (s *Service) ensureZone(ctx context.Context, a *domain.ClusterApplication, at time.Time) error {
	err := s.zones.Create(ctx, domain.NewCluster(a, at))
	if err != nil && !errors.Is(err, domain.ErrAlreadyExists) {
		return err
	}
	return nil
}

// ListInput is the filter of a queue (GET /v1/cluster-applications?status=&year=).
type ListInput struct {
	Status domain.ClusterStatus
	Year   int
	Cursor string
	Limit  int
}

// List is each role's queue, every item checked as Get checks it: the county lists its own
// applications (of a year, when given), the prefecture its counties' with a status (submitted
// when none is given: what awaits its recommendation), the province and experts a round's (of
// a year, the current one when none is given; of a status, when given).
func (s *Service) List(ctx context.Context, p domain.Principal, in ListInput) ([]*domain.ClusterApplication, string, error) {
	if err := domain.Authorize(ctx, s.authz, p, "cluster.list", domain.Resource{Kind: "cluster_application"}); err != nil {
		return nil, "", err
	}
	q := domain.Query{Limit: in.Limit, Cursor: in.Cursor}
	switch p.Role {
	case domain.RoleCountyGovernment:
		q.Index, q.Partition = 1, "county#"+p.Division
		if in.Year != 0 {
			q.Prefix = fmt.Sprintf("%04d#", in.Year)
		}
	case domain.RolePrefectureOfficer:
		status := in.Status
		if status == "" {
			status = domain.ClusterSubmitted
		}
		q.Index, q.Partition = 3, "prefecture#"+p.Division+"#"+string(status)
	default:
		year := in.Year
		if year == 0 {
			year = s.clock.Now().In(domain.Shanghai).Year()
		}
		q.Index, q.Partition = 2, fmt.Sprintf("round#%04d", year)
		if in.Status != "" {
			q.Prefix = string(in.Status) + "#"
		}
	}
	recs, next, err := s.applications.Query(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out := make([]*domain.ClusterApplication, 0, len(recs))
	for _, a := range recs {
		if in.Status != "" && a.Status != in.Status || in.Year != 0 && a.Body.Year != in.Year {
			continue
		}
		if err := s.read(ctx, p, a); err == nil {
			out = append(out, a)
		} else if domain.CodeOf(err) != domain.CodeNotFound {
			return nil, "", err
		}
	}
	return out, next, nil
}
