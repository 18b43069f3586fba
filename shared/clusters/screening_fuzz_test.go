package clusters

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/policy"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/validate"
)

// screeningWorld is a store holding one live (submitted) 2027 application of 江阴, so that the
// screening's input can name another application of the round, and the service over it. Built
// on the first input in the target's temporary folder: the coordinating process, which runs no
// input, never builds one.
type screeningWorld struct {
	svc    *Service
	engine *policy.Engine
	store  *sqlite.Store
	other  *domain.ClusterApplication
}

func newScreeningWorld(dir string) (*screeningWorld, error) {
	ctx := context.Background()
	engine, err := policy.Load(ctx)
	if err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	clock := &domain.SettableClock{}
	clock.Set(time.Date(2027, 5, 1, 10, 0, 0, 0, domain.Shanghai), true)
	w := &screeningWorld{svc: New(store, engine, engine, clock, nil), engine: engine, store: store}
	w.other = &domain.ClusterApplication{ID: "CA2027-320281-OTHER", Status: domain.ClusterSubmitted,
		Body: domain.ClusterApplicationBody{Year: 2027, CountyCode: "320281", ZoneName: "江阴市另一申报"}}
	if err := w.svc.applications.Create(ctx, w.other); err != nil {
		return nil, err
	}
	return w, nil
}

func applicationSeed(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile("../../events/cluster-application/create-application.json")
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Body string }
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	return []byte(e.Body)
}

// FuzzScreeningOfAnApplication builds the screening's input (facts) from fuzzed application
// bodies that validation accepts, any set of uploaded documents and any submission instant from
// 2021 to 2040, and holds the decision to what Submit relies on: made without an engine error,
// passed exactly when nothing failed, every failure naming its field, basis and messages, the
// county's other live application of the round refusing it, and the same decision again from
// the input replayed as JSON.
func FuzzScreeningOfAnApplication(f *testing.F) {
	dir := f.TempDir()
	var (
		once         sync.Once
		screening    *screeningWorld
		screeningErr error
	)
	f.Cleanup(func() {
		if screening != nil {
			screening.store.Close()
		}
	})
	seed := applicationSeed(f)
	f.Add(seed, uint8(0b11110), int64(1_808_000_000), uint8(255), uint8(255), "")
	f.Add(seed, uint8(0), int64(1_814_000_000), uint8(14), uint8(7), "320282")
	f.Add([]byte(strings.Replace(string(seed), `"county_code":"320281"`, `"county_code":"320200"`, 1)), uint8(0b11111), int64(0), uint8(15), uint8(35), "320000")
	f.Add([]byte(`{"year":2021,"county_code":"110101","coverage":{"patent":[]},"agencies":[]}`), uint8(1), int64(-1), uint8(0), uint8(0), "")
	f.Fuzz(func(t *testing.T, body []byte, docs uint8, unix int64, keepAgencies, dropCell uint8, county string) {
		once.Do(func() { screening, screeningErr = newScreeningWorld(dir) })
		if screeningErr != nil {
			t.Fatal(screeningErr)
		}
		w := screening
		var b domain.ClusterApplicationBody
		if validate.Request(body, &b) != nil {
			return // refused with 400 or 422 before any screening
		}
		// Random bytes rarely keep a body valid, so the fields the screening counts are also
		// varied directly: fewer agencies, a coverage cell less, another county.
		if int(keepAgencies) < len(b.Agencies) {
			b.Agencies = b.Agencies[:keepAgencies]
		}
		types := slices.Sorted(maps.Keys(b.Coverage))
		if n := int(dropCell); len(types) > 0 && n < 6*len(types) {
			kinds := b.Coverage[types[n/6]]
			if i := n % 6; i < len(kinds) {
				b.Coverage[types[n/6]] = slices.Delete(slices.Clone(kinds), i, i+1)
			}
		}
		if validate.Division(county) {
			b.CountyCode = county
		}
		if err := validate.Struct(&b); err != nil {
			t.Fatalf("varying a valid application made it invalid: %v", err)
		}
		a := &domain.ClusterApplication{ID: "CA-FUZZ", Body: b, Status: domain.ClusterDraft, Documents: map[string]*domain.StoredDocument{}}
		for i, kind := range domain.ClusterDocumentKinds {
			if docs&(1<<i) != 0 {
				a.Documents[kind] = &domain.StoredDocument{}
			}
		}
		const from, span = 1_609_459_200, 20 * 365 * 24 * 3600
		at := time.Unix(from+(unix%span+span)%span, 0).In(domain.Shanghai)
		ctx := context.Background()
		facts, err := w.svc.facts(ctx, a, at)
		if err != nil {
			t.Fatalf("facts of %s: %v", body, err)
		}
		var d domain.ScreeningDecision
		if err := w.engine.Decide(ctx, policy.QueryClusterScreening, facts, &d); err != nil {
			t.Fatalf("screening %+v: %v", facts, err)
		}
		if d.Failures == nil || d.Passed != (len(d.Failures) == 0) {
			t.Fatalf("passed %v with failures %+v", d.Passed, d.Failures)
		}
		for _, x := range d.Failures {
			if x.Code == "" || !strings.HasPrefix(x.Field, "/") || x.Basis == "" || x.MessageZH == "" || x.MessageEN == "" ||
				strings.Contains(x.MessageZH+x.MessageEN, "%!") {
				t.Fatalf("failure %+v lacks its code, field, basis or a message", x)
			}
			if x.Code == domain.ScreeningMalformed {
				t.Fatalf("a validated application at %v screened as malformed: %+v (facts %+v)", at, x, facts)
			}
		}
		if d.Round == nil && !slices.ContainsFunc(d.Failures, func(x domain.ScreeningFailure) bool { return x.Code == domain.ScreeningNoParametersInForce }) {
			t.Fatalf("no round, and no failure saying why: %+v", d)
		}
		if b.CountyCode == w.other.Body.CountyCode && b.Year == w.other.Body.Year && d.Passed {
			t.Fatalf("passed beside %s, the county's live application of the round", w.other.ID)
		}
		if !d.Passed {
			var de *domain.Error
			if err := Refused(d); !errors.As(err, &de) || de.Code != domain.CodeRuleRefused || len(de.Fields) != len(d.Failures) {
				t.Fatalf("refusal of %+v: %#v", d, err)
			}
		}
		raw, err := json.Marshal(facts)
		if err != nil {
			t.Fatal(err)
		}
		var replayedFacts domain.ScreeningFacts
		if err := json.Unmarshal(raw, &replayedFacts); err != nil {
			t.Fatal(err)
		}
		var replayed domain.ScreeningDecision
		if err := w.engine.Decide(ctx, policy.QueryClusterScreening, replayedFacts, &replayed); err != nil || !reflect.DeepEqual(replayed, d) {
			t.Fatalf("replaying %s: %+v, %v; first %+v", raw, replayed, err, d)
		}
	})
}
