package sam

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/jsipa/ips/infra/catalog"
	"github.com/jsipa/ips/shared/dynamo"
	"github.com/jsipa/ips/shared/host"
	"github.com/jsipa/ips/shared/httpapi"
	"github.com/jsipa/ips/site"
)

const root = "../.."

// parseTemplate reads a CloudFormation template into plain maps, lists and strings. The short
// intrinsic forms become their long forms (!Ref X → {"Ref": "X"}), so a rule can compare them.
func parseTemplate(raw []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 {
		return nil, fmt.Errorf("not one YAML document")
	}
	v, err := plain(doc.Content[0])
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the template is not a mapping")
	}
	return m, nil
}

func plain(n *yaml.Node) (any, error) {
	// YAML's own tags are !!str, !!map …; CloudFormation's intrinsics are !Ref, !Sub …
	intrinsic := strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			val, err := plain(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			val, err := plain(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	case yaml.ScalarNode:
		if intrinsic {
			v = n.Value // the argument of an intrinsic: !Ref Table
		} else if err := n.Decode(&v); err != nil {
			return nil, err
		}
	case yaml.AliasNode:
		return plain(n.Alias)
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
	}
	switch tag := strings.TrimPrefix(n.Tag, "!"); {
	case !intrinsic:
		return v, nil
	case tag == "Ref":
		return map[string]any{"Ref": v}, nil
	case tag == "GetAtt":
		if s, ok := v.(string); ok {
			a, b, _ := strings.Cut(s, ".")
			v = []any{a, b}
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	default:
		return map[string]any{"Fn::" + tag: v}, nil
	}
}

// at walks a path of keys through nested maps; nil when any step is missing.
func at(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

// functionFolder maps a template logical id to its folder: FilingFunction → filing,
// DeadlineJan31Function → deadline-jan31.
func functionFolder(logicalID string) string {
	var b strings.Builder
	for i, r := range strings.TrimSuffix(logicalID, "Function") {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// repo is what the template must agree with, gathered from the working tree and the code.
type repo struct {
	// folders are the functions/ folders holding a main.go.
	folders []string
	// events lists events/<folder>/*.json by folder.
	events map[string][]string
	// builds is what `make -n build-<LogicalId>` would run, by logical id ("" when make has no
	// such target).
	builds map[string]string
	// routes are the "METHOD /path" routes each HTTP function serves.
	routes map[string][]string
	// jobs are the scheduled jobs each function runs.
	jobs map[string][]string
	// table is the table the DynamoDB store expects.
	table any
}

func readRepo(t *testing.T, logicalIDs []string) repo {
	t.Helper()
	r := repo{events: map[string][]string{}, builds: map[string]string{}, routes: map[string][]string{}, jobs: map[string][]string{}}
	dirs, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(root, "functions", d.Name(), "main.go")); err == nil {
			r.folders = append(r.folders, d.Name())
		}
	}
	evDirs, _ := os.ReadDir(filepath.Join(root, "events"))
	for _, d := range evDirs {
		files, _ := filepath.Glob(filepath.Join(root, "events", d.Name(), "*.json"))
		for _, f := range files {
			r.events[d.Name()] = append(r.events[d.Name()], filepath.Base(f))
		}
	}
	for _, id := range logicalIDs {
		cmd := exec.Command("make", "--no-print-directory", "-n", "build-"+id, "ARTIFACTS_DIR=/artifacts")
		cmd.Dir = root
		if out, err := cmd.Output(); err == nil {
			r.builds[id] = string(out)
		}
	}
	for name, build := range catalog.HTTPFunctions {
		fn := build(httpapi.Deps{})
		for _, rt := range fn.Routes() {
			r.routes[name] = append(r.routes[name], rt.Method+" "+rt.Path)
		}
		for job := range fn.Jobs() {
			r.jobs[name] = append(r.jobs[name], job)
		}
	}
	// The table as CloudFormation spells it, from the store's own definition.
	b, err := json.Marshal(dynamo.TableInput(""))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r.table); err != nil {
		t.Fatal(err)
	}
	return r
}

// functionIDs lists the template's functions by logical id.
func functionIDs(tpl map[string]any) []string {
	var ids []string
	for id, res := range asMap(tpl["Resources"]) {
		if at(res, "Type") == "AWS::Serverless::Function" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// violations lists every way tpl breaks the contract with the repository.
func violations(tpl map[string]any, r repo) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	resources := asMap(tpl["Resources"])

	for _, p := range []string{"Stage", "OidcIssuer", "OidcAudience"} {
		if at(tpl, "Parameters", p) == nil {
			bad("parameter %s is missing", p)
		}
	}
	if at(tpl, "Outputs", "ApiUrl", "Value") == nil {
		bad("output ApiUrl is missing")
	}
	fn := at(tpl, "Globals", "Function")
	for name, want := range map[string]any{
		"IPS_DYNAMODB_TABLE":   ref("Table"),
		"IPS_DOCUMENTS_BUCKET": ref("DocumentsBucket"),
		"IPS_OIDC_ISSUER":      ref("OidcIssuer"),
		"IPS_OIDC_AUDIENCE":    ref("OidcAudience"),
	} {
		if got := at(fn, "Environment", "Variables", name); !reflect.DeepEqual(got, want) {
			bad("Globals: %s is %v, want %v", name, got, want)
		}
	}
	if at(fn, "Runtime") != "provided.al2023" || !reflect.DeepEqual(at(fn, "Architectures"), []any{"arm64"}) {
		bad("Globals: functions run on provided.al2023 arm64 (the Makefile builds for it), not %v %v", at(fn, "Runtime"), at(fn, "Architectures"))
	}

	apis := 0
	for id, res := range resources {
		if at(res, "Type") == "AWS::Serverless::HttpApi" {
			apis++
			if id != "HttpApi" {
				bad("the HTTP API is %s; functions refer to it as HttpApi", id)
			}
		}
	}
	if apis != 1 {
		bad("%d HTTP APIs, want exactly one", apis)
	}
	// No CORS on the API: the site calls it on its own origin (CloudFront forwards /v1/*), so
	// its pages never need CORS, and a CorsConfiguration could only let other sites' pages read
	// the API's answers.
	if cors := at(resources["HttpApi"], "Properties", "CorsConfiguration"); cors != nil {
		bad("HttpApi: CorsConfiguration %v: the site reaches the API on its own origin, so no other origin may be allowed", cors)
	}
	out = append(out, tableViolations(asMap(resources["Table"]), r.table)...)
	out = append(out, bucketViolations("DocumentsBucket", asMap(resources["DocumentsBucket"]))...)
	out = append(out, bucketViolations("SiteBucket", asMap(resources["SiteBucket"]))...)
	out = append(out, siteViolations(resources)...)

	inTemplate := map[string]bool{}
	for _, id := range functionIDs(tpl) {
		res := resources[id]
		folder := functionFolder(id)
		inTemplate[folder] = true
		if !slices.Contains(r.folders, folder) {
			bad("%s: no functions/%s/main.go", id, folder)
		}
		if len(r.events[folder]) == 0 {
			bad("%s: no events/%s/*.json", id, folder)
		}
		if at(res, "Metadata", "BuildMethod") != "makefile" || at(res, "Properties", "CodeUri") != "." {
			bad("%s: builds with BuildMethod makefile from CodeUri . (SAM's go1.x builder cannot set -tags lambda.norpc)", id)
		}
		build := r.builds[id]
		for _, want := range []string{"CGO_ENABLED=0", "GOARCH=arm64", "-tags lambda.norpc", "-o /artifacts/bootstrap ./functions/" + folder + "\n"} {
			if !strings.Contains(build, want) {
				bad("%s: `make build-%s ARTIFACTS_DIR=/artifacts` must build with %q; it runs %q", id, id, want, build)
			}
		}
		if at(res, "Properties", "Role") != nil {
			bad("%s: a Role of its own escapes the least-privilege policies", id)
		}
		if got := at(res, "Properties", "Policies"); !leastPrivilege(got) {
			bad("%s: policies %v, want only DynamoDBCrudPolicy on the table and optionally S3CrudPolicy on DocumentsBucket", id, got)
		}

		var routes []string
		for name, ev := range asMap(at(res, "Properties", "Events")) {
			switch typ := at(ev, "Type"); typ {
			case "HttpApi":
				if !reflect.DeepEqual(at(ev, "Properties", "ApiId"), ref("HttpApi")) {
					bad("%s.%s: ApiId is not !Ref HttpApi", id, name)
				}
				routes = append(routes, fmt.Sprint(at(ev, "Properties", "Method"), " ", at(ev, "Properties", "Path")))
			case "ScheduleV2":
				if at(ev, "Properties", "ScheduleExpressionTimezone") != "Asia/Shanghai" {
					bad("%s.%s: ScheduleExpressionTimezone must be Asia/Shanghai: the cutoffs are Beijing time", id, name)
				}
				if at(ev, "Properties", "OmitName") != true {
					bad("%s.%s: OmitName must be true, so stages and stacks never collide on a schedule's name", id, name)
				}
				out = append(out, scheduleInputViolations(id+"."+name, at(ev, "Properties", "Input"), r.jobs[folder])...)
			case "Schedule":
				bad("%s.%s: a classic Schedule runs in UTC only; use ScheduleV2 with ScheduleExpressionTimezone", id, name)
			default:
				bad("%s.%s: event type %v is not one the platform uses (HttpApi, ScheduleV2)", id, name, typ)
			}
		}
		served := slices.Clone(r.routes[folder])
		slices.Sort(routes)
		slices.Sort(served)
		if !slices.Equal(routes, served) {
			bad("%s: template routes %v, served routes %v", id, routes, served)
		}
	}
	for _, f := range r.folders {
		if !inTemplate[f] {
			bad("functions/%s is not in template.yaml", f)
		}
	}
	for name := range r.routes {
		if !inTemplate[name] {
			bad("the catalog serves %s, which template.yaml does not deploy", name)
		}
	}
	slices.Sort(out)
	return out
}

// leastPrivilege tells whether a function's policies are exactly DynamoDBCrudPolicy on the table,
// optionally with S3CrudPolicy on the documents bucket, in either order: nothing wider, nothing
// else.
func leastPrivilege(policies any) bool {
	table := map[string]any{"DynamoDBCrudPolicy": map[string]any{"TableName": ref("Table")}}
	documents := map[string]any{"S3CrudPolicy": map[string]any{"BucketName": ref("DocumentsBucket")}}
	for _, want := range [][]any{{table}, {table, documents}, {documents, table}} {
		if reflect.DeepEqual(policies, want) {
			return true
		}
	}
	return false
}

// bucketViolations holds a bucket to the care applicants' documents and the site need:
// encrypted at rest, never public (the site is read through CloudFront only), owned by the
// account alone, versioned, and retained.
func bucketViolations(name string, bucket map[string]any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if at(bucket, "Type") != "AWS::S3::Bucket" {
		return []string{"no " + name + " resource of type AWS::S3::Bucket"}
	}
	if at(bucket, "DeletionPolicy") != "Retain" || at(bucket, "UpdateReplacePolicy") != "Retain" {
		bad("%s: DeletionPolicy and UpdateReplacePolicy must be Retain", name)
	}
	p := at(bucket, "Properties")
	rules, _ := at(p, "BucketEncryption", "ServerSideEncryptionConfiguration").([]any)
	if len(rules) == 0 {
		bad("%s: no default encryption (BucketEncryption)", name)
	}
	for _, rule := range rules {
		if alg := at(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm"); !slices.Contains([]any{"AES256", "aws:kms", "aws:kms:dsse"}, alg) {
			bad("%s: default encryption %v is not AES256, aws:kms or aws:kms:dsse", name, alg)
		}
	}
	for _, block := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if at(p, "PublicAccessBlockConfiguration", block) != true {
			bad("%s: public access block %s is not true", name, block)
		}
	}
	if want := []any{map[string]any{"ObjectOwnership": "BucketOwnerEnforced"}}; !reflect.DeepEqual(at(p, "OwnershipControls", "Rules"), want) {
		bad("%s: object ownership must be BucketOwnerEnforced (ACLs off), not %v", name, at(p, "OwnershipControls", "Rules"))
	}
	if at(p, "VersioningConfiguration", "Status") != "Enabled" {
		bad("%s: versioning is not Enabled", name)
	}
	return out
}

// siteViolations holds the site's CDN to what the local runner does: HTTPS only, the API under
// the same origin (so the site's connect-src 'self' reaches it), the bucket readable only by the
// distribution, and the runner's security headers.
func siteViolations(resources map[string]any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	cfg := at(resources["SiteDistribution"], "Properties", "DistributionConfig")
	if at(resources["SiteDistribution"], "Type") != "AWS::CloudFront::Distribution" || cfg == nil {
		return []string{"no SiteDistribution resource of type AWS::CloudFront::Distribution"}
	}
	def := at(cfg, "DefaultCacheBehavior")
	if at(def, "ViewerProtocolPolicy") != "redirect-to-https" {
		bad("SiteDistribution: the site must redirect to HTTPS, not %v", at(def, "ViewerProtocolPolicy"))
	}
	if !reflect.DeepEqual(at(def, "ResponseHeadersPolicyId"), ref("SiteHeaders")) {
		bad("SiteDistribution: the site's responses must carry SiteHeaders")
	}
	api := false
	behaviors, _ := at(cfg, "CacheBehaviors").([]any)
	for _, b := range behaviors {
		if at(b, "PathPattern") == "/v1/*" {
			api = at(b, "ViewerProtocolPolicy") == "https-only"
		}
	}
	if !api {
		bad("SiteDistribution: /v1/* must reach the API over HTTPS only, on the site's own origin")
	}
	headers := at(resources["SiteHeaders"], "Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")
	if got := at(headers, "ContentSecurityPolicy", "ContentSecurityPolicy"); got != site.ContentSecurityPolicy {
		bad("SiteHeaders: Content-Security-Policy %q differs from the runner's %q", got, site.ContentSecurityPolicy)
	}
	if at(headers, "FrameOptions", "FrameOption") != "DENY" || at(headers, "ContentTypeOptions", "Override") != true {
		bad("SiteHeaders: frame options DENY and nosniff are required")
	}
	// HSTS as the functions send it on answers over HTTPS (httpapi.StrictTransportSecurity).
	maxAge, _, _ := strings.Cut(strings.TrimPrefix(httpapi.StrictTransportSecurity, "max-age="), ";")
	hsts := at(headers, "StrictTransportSecurity")
	if fmt.Sprint(at(hsts, "AccessControlMaxAgeSec")) != maxAge || at(hsts, "Override") != true ||
		at(hsts, "IncludeSubdomains") != strings.Contains(httpapi.StrictTransportSecurity, "includeSubDomains") {
		bad("SiteHeaders: Strict-Transport-Security must be the API's %q, with Override; it is %v", httpapi.StrictTransportSecurity, hsts)
	}
	policy := at(resources["SiteBucketPolicy"], "Properties", "PolicyDocument", "Statement")
	if text := fmt.Sprint(policy); !strings.Contains(text, "cloudfront.amazonaws.com") || !strings.Contains(text, "AWS:SourceArn") {
		bad("SiteBucketPolicy: only the distribution (cloudfront.amazonaws.com with its AWS:SourceArn) may read the site bucket")
	}
	return out
}

// scheduleInputViolations holds a schedule's Input to the event the host understands
// (host.ScheduledEvent) and to a job the function runs.
func scheduleInputViolations(where string, input any, jobs []string) []string {
	text, ok := input.(string)
	if !ok {
		return []string{where + ": Input must be the JSON text of a scheduled event"}
	}
	var ev map[string]string
	if err := json.Unmarshal([]byte(text), &ev); err != nil {
		return []string{fmt.Sprintf("%s: Input is not a JSON object of strings: %v", where, err)}
	}
	var out []string
	if ev["source"] != host.SchedulerSource {
		out = append(out, fmt.Sprintf("%s: Input source is %q, want %q", where, ev["source"], host.SchedulerSource))
	}
	if !slices.Contains(jobs, ev["job"]) {
		out = append(out, fmt.Sprintf("%s: Input job %q is not one the function runs %v", where, ev["job"], jobs))
	}
	if ev["scheduled_time"] != "<aws.scheduler.scheduled-time>" {
		out = append(out, where+": Input scheduled_time must be <aws.scheduler.scheduled-time>: the run judges by it")
	}
	return out
}

// tableViolations holds the Table resource to the store's definition and to the care public
// records need.
func tableViolations(table map[string]any, want any) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if at(table, "Type") != "AWS::DynamoDB::Table" {
		return []string{"no Table resource of type AWS::DynamoDB::Table"}
	}
	if at(table, "DeletionPolicy") != "Retain" || at(table, "UpdateReplacePolicy") != "Retain" {
		bad("Table: DeletionPolicy and UpdateReplacePolicy must be Retain")
	}
	p := at(table, "Properties")
	if at(p, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
		bad("Table: point-in-time recovery is off")
	}
	if at(p, "DeletionProtectionEnabled") != true {
		bad("Table: deletion protection is off")
	}
	if at(p, "BillingMode") != at(want, "BillingMode") {
		bad("Table: BillingMode %v, the store expects %v", at(p, "BillingMode"), at(want, "BillingMode"))
	}
	for _, key := range []string{"AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes"} {
		if got, exp := normalise(at(p, key)), normalise(at(want, key)); !reflect.DeepEqual(got, exp) {
			bad("Table: %s is %v; shared/dynamo expects %v", key, got, exp)
		}
	}
	return out
}

// normalise drops the empty fields the SDK's JSON carries and sorts lists, so a template and a
// CreateTableInput that mean the same compare equal.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, val := range x {
			if n := normalise(val); n != nil {
				m[k] = n
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case []any:
		var l []any
		for _, val := range x {
			if n := normalise(val); n != nil {
				l = append(l, n)
			}
		}
		slices.SortFunc(l, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		return l
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}

func readTemplate(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := parseTemplate(raw)
	if err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	return tpl
}

func TestTemplateKeepsItsContractWithTheRepository(t *testing.T) {
	tpl := readTemplate(t)
	if len(functionIDs(tpl)) == 0 {
		t.Fatal("template.yaml deploys no function")
	}
	for _, v := range violations(tpl, readRepo(t, functionIDs(tpl))) {
		t.Error(v)
	}
}

// Each rule must be able to fail: break the real template one way at a time and expect the
// contract to name the break.
func TestTemplateContractCatchesEachBreak(t *testing.T) {
	base := readTemplate(t)
	facts := readRepo(t, functionIDs(base))
	if v := violations(base, facts); len(v) > 0 {
		t.Fatalf("the real template already breaks the contract: %v", v)
	}
	fnProps := func(tpl map[string]any) map[string]any {
		return asMap(at(tpl, "Resources", "FilingFunction", "Properties"))
	}
	events := func(tpl map[string]any) map[string]any { return asMap(fnProps(tpl)["Events"]) }
	tableProps := func(tpl map[string]any) map[string]any { return asMap(at(tpl, "Resources", "Table", "Properties")) }
	bucket := func(tpl map[string]any) map[string]any { return asMap(at(tpl, "Resources", "DocumentsBucket")) }
	bucketProps := func(tpl map[string]any) map[string]any { return asMap(bucket(tpl)["Properties"]) }
	tablePolicy := map[string]any{"DynamoDBCrudPolicy": map[string]any{"TableName": ref("Table")}}
	s3Policy := func(bucket any) map[string]any {
		return map[string]any{"S3CrudPolicy": map[string]any{"BucketName": bucket}}
	}
	schedule := func(props map[string]any) map[string]any {
		return map[string]any{"Type": "ScheduleV2", "Properties": props}
	}
	for _, tc := range []struct {
		name  string
		spoil func(tpl map[string]any, r *repo)
		want  string
	}{
		{"a route the code does not serve", func(tpl map[string]any, r *repo) {
			events(tpl)["Extra"] = map[string]any{"Type": "HttpApi", "Properties": map[string]any{"ApiId": ref("HttpApi"), "Method": "DELETE", "Path": "/v1/agencies/{uscc}"}}
		}, "served routes"},
		{"a served route missing from the template", func(tpl map[string]any, r *repo) {
			delete(events(tpl), "PublicRegister")
		}, "served routes"},
		{"a classic schedule", func(tpl map[string]any, r *repo) {
			events(tpl)["Nightly"] = map[string]any{"Type": "Schedule", "Properties": map[string]any{"Schedule": "cron(0 16 * * ? *)"}}
		}, "UTC only"},
		{"a schedule in UTC", func(tpl map[string]any, r *repo) {
			events(tpl)["Nightly"] = schedule(map[string]any{"ScheduleExpression": "cron(0 0 1 2 ? *)", "OmitName": true})
		}, "Asia/Shanghai"},
		{"a named schedule", func(tpl map[string]any, r *repo) {
			events(tpl)["Nightly"] = schedule(map[string]any{"ScheduleExpression": "cron(0 0 1 2 ? *)", "ScheduleExpressionTimezone": "Asia/Shanghai"})
		}, "OmitName"},
		{"a schedule for a job the function does not run", func(tpl map[string]any, r *repo) {
			cutoff := asMap(at(tpl, "Resources", "DeadlineJan31Function", "Properties", "Events", "Cutoff", "Properties"))
			cutoff["Input"] = strings.Replace(cutoff["Input"].(string), `"job":"jan31"`, `"job":"jun30"`, 1)
		}, "is not one the function runs"},
		{"a schedule that forgets its scheduled time", func(tpl map[string]any, r *repo) {
			cutoff := asMap(at(tpl, "Resources", "DeadlineJan31Function", "Properties", "Events", "Cutoff", "Properties"))
			cutoff["Input"] = strings.Replace(cutoff["Input"].(string), "<aws.scheduler.scheduled-time>", "", 1)
		}, "scheduled_time"},
		{"a site served over plain HTTP", func(tpl map[string]any, r *repo) {
			def := asMap(at(tpl, "Resources", "SiteDistribution", "Properties", "DistributionConfig", "DefaultCacheBehavior"))
			def["ViewerProtocolPolicy"] = "allow-all"
		}, "redirect to HTTPS"},
		{"a site with a weaker CSP than the runner's", func(tpl map[string]any, r *repo) {
			csp := asMap(at(tpl, "Resources", "SiteHeaders", "Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "ContentSecurityPolicy"))
			csp["ContentSecurityPolicy"] = "default-src * 'unsafe-inline'"
		}, "Content-Security-Policy"},
		{"a site without HSTS", func(tpl map[string]any, r *repo) {
			delete(asMap(at(tpl, "Resources", "SiteHeaders", "Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")), "StrictTransportSecurity")
		}, "Strict-Transport-Security"},
		{"HSTS for a day", func(tpl map[string]any, r *repo) {
			hsts := asMap(at(tpl, "Resources", "SiteHeaders", "Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig", "StrictTransportSecurity"))
			hsts["AccessControlMaxAgeSec"] = 86400
		}, "Strict-Transport-Security"},
		{"an API open to every origin", func(tpl map[string]any, r *repo) {
			asMap(at(tpl, "Resources", "HttpApi", "Properties"))["CorsConfiguration"] = map[string]any{"AllowOrigins": []any{"*"}}
		}, "CorsConfiguration"},
		{"a public site bucket", func(tpl map[string]any, r *repo) {
			asMap(at(tpl, "Resources", "SiteBucket", "Properties", "PublicAccessBlockConfiguration"))["BlockPublicPolicy"] = false
		}, "SiteBucket: public access block"},
		{"a site bucket anyone may read", func(tpl map[string]any, r *repo) {
			asMap(at(tpl, "Resources", "SiteBucketPolicy", "Properties", "PolicyDocument"))["Statement"] = []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}
		}, "SiteBucketPolicy"},
		{"a function without a folder", func(tpl map[string]any, r *repo) {
			asMap(tpl["Resources"])["GhostFunction"] = asMap(tpl["Resources"])["FilingFunction"]
		}, "no functions/ghost/main.go"},
		{"a folder without a function", func(tpl map[string]any, r *repo) {
			r.folders = append(r.folders, "ghost-folder")
		}, "functions/ghost-folder is not in template.yaml"},
		{"a function without events", func(tpl map[string]any, r *repo) {
			delete(r.events, "filing")
		}, "no events/filing"},
		{"a function without its make target", func(tpl map[string]any, r *repo) {
			delete(r.builds, "FilingFunction")
		}, "make build-FilingFunction"},
		{"a build with RPC mode", func(tpl map[string]any, r *repo) {
			r.builds["FilingFunction"] = strings.ReplaceAll(r.builds["FilingFunction"], "-tags lambda.norpc ", "")
		}, "lambda.norpc"},
		{"SAM's go1.x builder", func(tpl map[string]any, r *repo) {
			asMap(at(tpl, "Resources", "FilingFunction", "Metadata"))["BuildMethod"] = "go1.x"
		}, "BuildMethod makefile"},
		{"a wider policy", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = []any{"AmazonDynamoDBFullAccess"}
		}, "only DynamoDBCrudPolicy"},
		{"a second policy", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = append(fnProps(tpl)["Policies"].([]any), "AWSLambdaBasicExecutionRole")
		}, "only DynamoDBCrudPolicy"},
		{"S3 access to another bucket", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = []any{tablePolicy, s3Policy("someone-elses-bucket")}
		}, "only DynamoDBCrudPolicy"},
		{"S3 access to every bucket", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = []any{tablePolicy, "AmazonS3FullAccess"}
		}, "only DynamoDBCrudPolicy"},
		{"S3 access without the table", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = []any{s3Policy(ref("DocumentsBucket"))}
		}, "only DynamoDBCrudPolicy"},
		{"the documents policy and one more", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Policies"] = []any{tablePolicy, s3Policy(ref("DocumentsBucket")), "AWSLambdaBasicExecutionRole"}
		}, "only DynamoDBCrudPolicy"},
		{"no bucket in the environment", func(tpl map[string]any, r *repo) {
			delete(asMap(at(tpl, "Globals", "Function", "Environment", "Variables")), "IPS_DOCUMENTS_BUCKET")
		}, "IPS_DOCUMENTS_BUCKET"},
		{"no documents bucket", func(tpl map[string]any, r *repo) {
			delete(asMap(tpl["Resources"]), "DocumentsBucket")
		}, "no DocumentsBucket"},
		{"an unencrypted bucket", func(tpl map[string]any, r *repo) {
			delete(bucketProps(tpl), "BucketEncryption")
		}, "DocumentsBucket: no default encryption"},
		{"a bucket encrypted with an unknown algorithm", func(tpl map[string]any, r *repo) {
			rule := at(bucketProps(tpl), "BucketEncryption", "ServerSideEncryptionConfiguration").([]any)[0]
			asMap(at(rule, "ServerSideEncryptionByDefault"))["SSEAlgorithm"] = "none"
		}, "DocumentsBucket: default encryption none"},
		{"a bucket open to public policies", func(tpl map[string]any, r *repo) {
			asMap(bucketProps(tpl)["PublicAccessBlockConfiguration"])["BlockPublicPolicy"] = false
		}, "public access block BlockPublicPolicy"},
		{"a bucket without a public access block", func(tpl map[string]any, r *repo) {
			delete(bucketProps(tpl), "PublicAccessBlockConfiguration")
		}, "public access block RestrictPublicBuckets"},
		{"a bucket with ACLs", func(tpl map[string]any, r *repo) {
			bucketProps(tpl)["OwnershipControls"] = map[string]any{"Rules": []any{map[string]any{"ObjectOwnership": "ObjectWriter"}}}
		}, "BucketOwnerEnforced"},
		{"a bucket without versions", func(tpl map[string]any, r *repo) {
			bucketProps(tpl)["VersioningConfiguration"] = map[string]any{"Status": "Suspended"}
		}, "DocumentsBucket: versioning"},
		{"a bucket deleted with the stack", func(tpl map[string]any, r *repo) {
			delete(bucket(tpl), "DeletionPolicy")
		}, "DocumentsBucket: DeletionPolicy"},
		{"a bucket dropped when replaced", func(tpl map[string]any, r *repo) {
			bucket(tpl)["UpdateReplacePolicy"] = "Delete"
		}, "DocumentsBucket: DeletionPolicy and UpdateReplacePolicy"},
		{"a role of its own", func(tpl map[string]any, r *repo) {
			fnProps(tpl)["Role"] = "arn:aws-cn:iam::123456789012:role/admin"
		}, "Role of its own"},
		{"no table in the environment", func(tpl map[string]any, r *repo) {
			delete(asMap(at(tpl, "Globals", "Function", "Environment", "Variables")), "IPS_DYNAMODB_TABLE")
		}, "IPS_DYNAMODB_TABLE"},
		{"point-in-time recovery off", func(tpl map[string]any, r *repo) {
			delete(tableProps(tpl), "PointInTimeRecoverySpecification")
		}, "point-in-time recovery"},
		{"deletion protection off", func(tpl map[string]any, r *repo) {
			tableProps(tpl)["DeletionProtectionEnabled"] = false
		}, "deletion protection"},
		{"a table deleted with the stack", func(tpl map[string]any, r *repo) {
			delete(asMap(at(tpl, "Resources", "Table")), "DeletionPolicy")
		}, "Retain"},
		{"an index the store does not know", func(tpl map[string]any, r *repo) {
			gsis := tableProps(tpl)["GlobalSecondaryIndexes"].([]any)
			tableProps(tpl)["GlobalSecondaryIndexes"] = gsis[:len(gsis)-1]
		}, "GlobalSecondaryIndexes"},
		{"a sort key of the wrong type", func(tpl map[string]any, r *repo) {
			for _, a := range tableProps(tpl)["AttributeDefinitions"].([]any) {
				if at(a, "AttributeName") == "g1sk" {
					asMap(a)["AttributeType"] = "S"
				}
			}
		}, "AttributeDefinitions"},
		{"no OIDC audience parameter", func(tpl map[string]any, r *repo) {
			delete(asMap(tpl["Parameters"]), "OidcAudience")
		}, "parameter OidcAudience"},
		{"no API URL output", func(tpl map[string]any, r *repo) {
			delete(asMap(tpl["Outputs"]), "ApiUrl")
		}, "output ApiUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl := readTemplate(t)
			r := facts
			r.events = maps.Clone(facts.events)
			r.builds = maps.Clone(facts.builds)
			r.folders = slices.Clone(facts.folders)
			tc.spoil(tpl, &r)
			got := violations(tpl, r)
			if !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, tc.want) }) {
				t.Errorf("violations %q; want one naming %q", got, tc.want)
			}
		})
	}
}

// The documents policy is the one widening the contract allows, in either order.
func TestTemplateContractAllowsTheDocumentsPolicy(t *testing.T) {
	base := readTemplate(t)
	facts := readRepo(t, functionIDs(base))
	table := map[string]any{"DynamoDBCrudPolicy": map[string]any{"TableName": ref("Table")}}
	documents := map[string]any{"S3CrudPolicy": map[string]any{"BucketName": ref("DocumentsBucket")}}
	for _, policies := range [][]any{{table, documents}, {documents, table}} {
		tpl := readTemplate(t)
		asMap(at(tpl, "Resources", "FilingFunction", "Properties"))["Policies"] = policies
		if v := violations(tpl, facts); len(v) > 0 {
			t.Errorf("policies %v: %v", policies, v)
		}
	}
}

func TestFunctionFolderNames(t *testing.T) {
	for id, want := range map[string]string{"FilingFunction": "filing", "AnnualReportFunction": "annual-report",
		"DeadlineJan31Function": "deadline-jan31", "ClusterApplicationFunction": "cluster-application"} {
		if got := functionFolder(id); got != want {
			t.Errorf("%s → %s, want %s", id, got, want)
		}
	}
}

func TestIntrinsicShortFormsReadAsLongForms(t *testing.T) {
	tpl, err := parseTemplate([]byte("A: !Ref Table\nB: !GetAtt Table.Arn\nC: !Sub \"${X}\"\nD: [!Ref Y]\nE: true\nF: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"A": ref("Table"), "B": map[string]any{"Fn::GetAtt": []any{"Table", "Arn"}},
		"C": map[string]any{"Fn::Sub": "${X}"}, "D": []any{ref("Y")}, "E": true, "F": 3,
	}
	if !reflect.DeepEqual(tpl, want) {
		t.Errorf("%#v\nwant %#v", tpl, want)
	}
}
