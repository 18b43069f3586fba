package docs3_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/jsipa/ips/shared/docs3"
	"github.com/jsipa/ips/shared/docs3/s3test"
	"github.com/jsipa/ips/shared/doctest"
	"github.com/jsipa/ips/shared/domain"
)

func TestConformance(t *testing.T) {
	local := s3test.Start(t)
	store := local.Store(t)
	doctest.Run(t, func(t *testing.T) domain.Documents { return store })
}

// recorder passes requests to the gateway and keeps the headers of each PUT.
type recorder struct {
	mu    sync.Mutex
	puts  []http.Header
	proxy *httputil.ReverseProxy
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method == http.MethodPut {
		r.mu.Lock()
		r.puts = append(r.puts, req.Header.Clone())
		r.mu.Unlock()
	}
	r.proxy.ServeHTTP(w, req)
}

// through returns a configuration that reaches the gateway through h.
func through(t *testing.T, local *s3test.Local, h func(*httputil.ReverseProxy) http.Handler) aws.Config {
	target, err := url.Parse(local.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h(httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(srv.Close)
	cfg := local.Config()
	cfg.BaseEndpoint = aws.String(srv.URL)
	return cfg
}

// Put sends what the package doc promises (the digest as metadata and as S3's own checksum,
// SSE-S3, create-only), and the object keeps the digest, the checksum and the content type.
// (versitygw does not report server-side encryption back, so the request is checked for it.)
func TestObjectsCarryDigestChecksumAndEncryption(t *testing.T) {
	local := s3test.Start(t)
	bucket := local.NewBucket(t)
	rec := &recorder{}
	store := docs3.New(through(t, local, func(p *httputil.ReverseProxy) http.Handler { rec.proxy = p; return rec }), bucket, true)
	pdf := doctest.PDF()
	info, err := store.Put(context.Background(), "applications/1/plan.pdf", bytes.NewReader(pdf), int64(len(pdf)), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := hex.DecodeString(info.SHA256)
	checksum := base64.StdEncoding.EncodeToString(sum)
	if len(rec.puts) != 1 {
		t.Fatalf("%d PUTs, want 1", len(rec.puts))
	}
	for name, want := range map[string]string{
		"X-Amz-Server-Side-Encryption": "AES256",
		"X-Amz-Checksum-Sha256":        checksum,
		"X-Amz-Meta-Sha256":            info.SHA256,
		"If-None-Match":                "*",
		"Content-Type":                 "application/pdf",
	} {
		if got := rec.puts[0].Get(name); got != want {
			t.Errorf("PUT %s: %q, want %q", name, got, want)
		}
	}
	head, err := store.Client().HeadObject(context.Background(), &s3.HeadObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("applications/1/plan.pdf"), ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := head.Metadata["sha256"]; got != info.SHA256 {
		t.Errorf("stored x-amz-meta-sha256 %q, want %q", got, info.SHA256)
	}
	if got := aws.ToString(head.ChecksumSHA256); got != checksum {
		t.Errorf("stored x-amz-checksum-sha256 %q, want %q", got, checksum)
	}
	if aws.ToString(head.ContentType) != "application/pdf" {
		t.Errorf("stored Content-Type %q", aws.ToString(head.ContentType))
	}
}

// The server checks the checksum Put sends: a body that does not match it is refused and not
// stored. (This is what makes the header worth sending.)
func TestTheServerRefusesABodyThatFailsItsChecksum(t *testing.T) {
	local := s3test.Start(t)
	bucket := local.NewBucket(t)
	store := docs3.New(local.Config(), bucket, true)
	wrong := base64.StdEncoding.EncodeToString(make([]byte, 32))
	_, err := store.Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("damaged"), Body: strings.NewReader("content"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256, ChecksumSHA256: aws.String(wrong),
	})
	if err == nil {
		t.Fatal("the server stored a body whose checksum does not match")
	}
	if _, err := store.Stat(context.Background(), "damaged"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("stat after the refused put: %v; want not found", err)
	}
}

// Open reads the bucket and the local endpoint from the environment, as a function does.
func TestOpenFromTheEnvironment(t *testing.T) {
	local := s3test.Start(t)
	bucket := local.NewBucket(t)
	for _, kv := range local.Env(bucket) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	store, err := docs3.Open(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	info, err := store.Put(context.Background(), "from-env", strings.NewReader("hello"), 5, "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 5 {
		t.Errorf("put: %+v", info)
	}
	if _, err := docs3.Open(context.Background(), ""); err == nil {
		t.Error("Open without a bucket succeeded")
	}
}

// A missing bucket is a configuration error, never a missing document. (Stat cannot tell: a
// HEAD's 404 has no body to name what is missing.)
func TestAMissingBucketIsNotAMissingDocument(t *testing.T) {
	local := s3test.Start(t)
	store := docs3.New(local.Config(), "no-such-bucket", true)
	if _, _, err := store.Get(context.Background(), "k"); err == nil || errors.Is(err, domain.ErrNotFound) {
		t.Errorf("get in a missing bucket: %v; want an error other than not found", err)
	}
}

// lossyS3 stands between the store and the gateway and, for the first PUT it sees, performs it
// but answers 500, as when S3's answer is lost: the SDK sends the PUT again.
type lossyS3 struct {
	mu    sync.Mutex
	puts  int
	proxy *httputil.ReverseProxy
}

func (l *lossyS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	lose := false
	if r.Method == http.MethodPut {
		l.puts++
		lose = l.puts == 1
	}
	l.mu.Unlock()
	if !lose {
		l.proxy.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	l.proxy.ServeHTTP(rec, r)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`)
}

// A Put whose answer was lost is retried; the retry meets its own first attempt (412 under
// If-None-Match) and counts it as the success it was, not as a conflict.
func TestARetriedPutMeetingItsOwnFirstAttemptSucceeds(t *testing.T) {
	local := s3test.Start(t)
	bucket := local.NewBucket(t)
	lossy := &lossyS3{}
	store := docs3.New(through(t, local, func(p *httputil.ReverseProxy) http.Handler { lossy.proxy = p; return lossy }), bucket, true)
	pdf := doctest.PDF()
	info, err := store.Put(context.Background(), "lost-answer.pdf", bytes.NewReader(pdf), int64(len(pdf)), "application/pdf")
	if err != nil {
		t.Fatalf("put whose first answer was lost: %v", err)
	}
	if lossy.puts < 2 {
		t.Fatalf("%d PUTs reached the proxy; the SDK did not retry", lossy.puts)
	}
	rc, got, err := store.Get(context.Background(), "lost-answer.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	body, _ := io.ReadAll(rc)
	if !bytes.Equal(body, pdf) || got.SHA256 != info.SHA256 {
		t.Errorf("stored %d bytes %+v, want the PDF %+v", len(body), got, info)
	}
	// Another upload meeting the same key is still refused.
	other := []byte("other content")
	if _, err := store.Put(context.Background(), "lost-answer.pdf", bytes.NewReader(other), int64(len(other)), "application/pdf"); !errors.Is(err, domain.ErrAlreadyExists) {
		t.Errorf("other content on the key: %v; want ErrAlreadyExists", err)
	}
}
