package dynamo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/dynamo"
	"github.com/jsipa/ips/shared/dynamo/dynamotest"
	"github.com/jsipa/ips/shared/storetest"
)

func TestConformance(t *testing.T) {
	local := dynamotest.Start(t)
	store := local.Store(t)
	storetest.Run(t, func(t *testing.T) domain.Store { return store })
}

// flakyDynamo stands between the store and dynalite and spoils the requests the test picks,
// as DynamoDB does under load: it refuses them with a throttling error, or performs them and
// loses the answer behind a 500.
type flakyDynamo struct {
	mu sync.Mutex
	// spoil decides, per operation and attempt (1-based), what happens to a request.
	spoil    func(op string, attempt int) fault
	attempts map[string]int
	proxy    *httputil.ReverseProxy
}

type fault int

const (
	pass fault = iota
	throttle
	loseAnswer
)

func (f *flakyDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	f.mu.Lock()
	f.attempts[op]++
	what := f.spoil(op, f.attempts[op])
	f.mu.Unlock()
	switch what {
	case throttle:
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}`)
	case loseAnswer:
		rec := httptest.NewRecorder()
		f.proxy.ServeHTTP(rec, r)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`)
	default:
		f.proxy.ServeHTTP(w, r)
	}
}

func (f *flakyDynamo) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[op]
}

// flakyStore is a store on table whose requests pass through a flakyDynamo.
func flakyStore(t *testing.T, local *dynamotest.Local, table string, spoil func(op string, attempt int) fault) (*dynamo.Store, *flakyDynamo) {
	t.Helper()
	target, err := url.Parse(local.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	f := &flakyDynamo{spoil: spoil, attempts: map[string]int{}, proxy: httputil.NewSingleHostReverseProxy(target)}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return dynamo.New((&dynamotest.Local{Endpoint: srv.URL}).Config(), table), f
}

func TestThrottledRequestsAreRetriedWithBackoff(t *testing.T) {
	local := dynamotest.Start(t)
	table := local.NewTable(t)
	store, proxy := flakyStore(t, local, table, func(op string, attempt int) fault {
		if attempt <= 3 {
			return throttle
		}
		return pass
	})
	ctx := context.Background()
	created, err := store.Create(ctx, domain.Item{Collection: "c", Key: "k", Data: []byte("one")})
	if err != nil {
		t.Fatalf("create through three throttled attempts: %v", err)
	}
	if got := proxy.count("PutItem"); got != 4 {
		t.Errorf("PutItem attempts %d, want 4 (three throttled, one through)", got)
	}
	got, err := store.Get(ctx, "c", "k")
	if err != nil || got.Version != created.Version || string(got.Data) != "one" {
		t.Fatalf("get after throttling: %+v, %v", got, err)
	}
}

func TestThrottlingThatNeverEndsFailsAsAnInternalError(t *testing.T) {
	local := dynamotest.Start(t)
	store, proxy := flakyStore(t, local, local.NewTable(t), func(string, int) fault { return throttle })
	_, err := store.Get(context.Background(), "c", "k")
	if err == nil || errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("get while always throttled: %v; want a failure", err)
	}
	if domain.CodeOf(err) != domain.CodeInternal {
		t.Errorf("code %s, want internal (a 500, not the client's fault)", domain.CodeOf(err))
	}
	if got := proxy.count("GetItem"); got != 8 {
		t.Errorf("GetItem attempts %d; want 8, the retry budget", got)
	}
}

// A conditional write whose answer is lost is retried, and the retry meets the first attempt's
// own write. That must read as success, or a filing would be refused as a duplicate of itself
// and a read-modify-write would be applied twice.
func TestARetryMeetingItsOwnLostWriteSucceeds(t *testing.T) {
	local := dynamotest.Start(t)
	table := local.NewTable(t)
	store, proxy := flakyStore(t, local, table, func(op string, attempt int) fault {
		if op == "PutItem" && attempt%2 == 1 {
			return loseAnswer // every first attempt lands, and its answer is lost
		}
		return pass
	})
	ctx := context.Background()
	it, err := store.Create(ctx, domain.Item{Collection: "c", Key: "k", Data: []byte("v1")})
	if err != nil {
		t.Fatalf("create whose first answer was lost: %v", err)
	}
	it.Data = []byte("v2")
	it, err = store.Update(ctx, it)
	if err != nil {
		t.Fatalf("update whose first answer was lost: %v", err)
	}
	if it.Version != 2 {
		t.Errorf("version %d after one update, want 2", it.Version)
	}
	if got := proxy.count("PutItem"); got != 4 {
		t.Errorf("PutItem attempts %d, want 4", got)
	}
	direct := dynamo.New(local.Config(), table)
	stored, err := direct.Get(ctx, "c", "k")
	if err != nil || stored.Version != 2 || !bytes.Equal(stored.Data, []byte("v2")) {
		t.Fatalf("stored %+v, %v; want v2 at version 2", stored, err)
	}

	// A genuinely stale writer still gets a conflict, and a second creator still gets refused.
	stale := stored
	stale.Version = 1
	if _, err := store.Update(ctx, stale); !errors.Is(err, domain.ErrVersionConflict) {
		t.Errorf("stale update: %v, want a version conflict", err)
	}
	if _, err := store.Create(ctx, domain.Item{Collection: "c", Key: "k"}); !errors.Is(err, domain.ErrAlreadyExists) {
		t.Errorf("second create: %v, want already exists", err)
	}
}
