// Package doctest is the conformance suite every domain.Documents adapter passes unchanged
// (docfs on a folder, docs3 on S3), so the filesystem and S3 cannot drift apart, and the sample
// files the upload tests share. Only tests import it (shared/archtest checks).
package doctest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Open returns a store for one subtest. Subtests use keys of their own, so an adapter may hand
// out the same underlying folder or bucket every time.
type Open func(t *testing.T) domain.Documents

// PDF is a real, minimal PDF 1.4 file (one empty A4 page) with a correct cross-reference table.
func PDF() []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// GIF is a real 1×1 GIF, the file a user renames to .pdf.
func GIF() []byte {
	return []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
}

// Run runs the whole suite against the adapter.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, d domain.Documents, prefix string)
	}{
		{"put then get and stat return the content, its SHA-256 and size", roundTrip},
		{"a body of unknown size is stored", unknownSize},
		{"an empty document is stored", emptyDocument},
		{"no content type is stored as application/octet-stream", defaultContentType},
		{"a missing key is not found", missing},
		{"a declared size over the limit is refused unread and nothing is stored", declaredTooLarge},
		{"a body over the limit is refused and nothing is stored", bodyTooLarge},
		{"a body of exactly the limit is stored", exactlyTheLimit},
		{"a body longer or shorter than declared is refused and nothing is stored", sizeMismatch},
		{"a body that fails to read is refused with its error and nothing is stored", failingBody},
		{"a GIF renamed .pdf fails the PDF check and nothing is stored", notPDF},
		{"a real PDF passes the PDF check while streaming", realPDF},
		{"a second put of a key with other content is refused and keeps the first", secondPutRefused},
		{"a retried put of the same content succeeds with the first's description", retriedPut},
		{"racing puts of one key store exactly one", racingPuts},
		{"concurrent puts of different keys all land", concurrentPuts},
		{"nested keys and keys alike but for a dot, a case or a slash are apart", nestedKeys},
		{"bad keys are refused by put, get and stat", badKeys},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := open(t)
			// Fresh keys per subtest and per run, so a shared folder or bucket stays clean.
			tc.fn(t, d, fmt.Sprintf("conf%d-%d/", i, time.Now().UnixNano()))
		})
	}
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// content is n bytes that differ with seed, so two documents never share a digest by accident.
func content(seed string, n int) []byte {
	b := make([]byte, n)
	block := sha256.Sum256([]byte(seed))
	for i := range b {
		if i%len(block) == 0 {
			block = sha256.Sum256(block[:])
		}
		b[i] = block[i%len(block)]
	}
	return b
}

func put(t *testing.T, d domain.Documents, key string, body []byte, contentType string) domain.DocumentInfo {
	t.Helper()
	info, err := d.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), contentType)
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return info
}

// read gets key and checks its content and description.
func read(t *testing.T, d domain.Documents, key string, want []byte, wantInfo domain.DocumentInfo) {
	t.Helper()
	rc, info, err := d.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("get %s: %d bytes (SHA-256 %s), want %d bytes (%s)", key, len(got), digest(got), len(want), digest(want))
	}
	sameInfo(t, "get "+key, info, wantInfo)
	st, err := d.Stat(context.Background(), key)
	if err != nil {
		t.Fatalf("stat %s: %v", key, err)
	}
	sameInfo(t, "stat "+key, st, wantInfo)
}

func sameInfo(t *testing.T, what string, got, want domain.DocumentInfo) {
	t.Helper()
	if got.Key != want.Key || got.SHA256 != want.SHA256 || got.Size != want.Size ||
		got.ContentType != want.ContentType || !got.StoredAt.Equal(want.StoredAt) {
		t.Errorf("%s: %+v, want %+v", what, got, want)
	}
}

// absent checks nothing is stored under key.
func absent(t *testing.T, d domain.Documents, key string) {
	t.Helper()
	if info, err := d.Stat(context.Background(), key); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("stat %s after a refused put: %+v, %v; want not found", key, info, err)
	}
	if rc, _, err := d.Get(context.Background(), key); !errors.Is(err, domain.ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("get %s after a refused put: %v; want not found", key, err)
	}
}

func roundTrip(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "application-1/business-licence.pdf"
	body := content(key, 300_000)
	before := time.Now().Add(-2 * time.Second)
	info := put(t, d, key, body, "application/pdf")
	after := time.Now().Add(2 * time.Second)
	want := domain.DocumentInfo{Key: key, SHA256: digest(body), Size: int64(len(body)), ContentType: "application/pdf", StoredAt: info.StoredAt}
	sameInfo(t, "put", info, want)
	if info.StoredAt.Before(before) || info.StoredAt.After(after) {
		t.Errorf("stored at %v, not between %v and %v", info.StoredAt, before, after)
	}
	read(t, d, key, body, want)
}

func unknownSize(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "unknown-size"
	body := content(key, 70_000)
	// A plain io.Reader: no length, no seeking.
	info, err := d.Put(context.Background(), key, io.MultiReader(bytes.NewReader(body)), -1, "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len(body)) || info.SHA256 != digest(body) {
		t.Errorf("put: %+v, want %d bytes with SHA-256 %s", info, len(body), digest(body))
	}
	read(t, d, key, body, info)
}

func emptyDocument(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "empty"
	info := put(t, d, key, nil, "text/plain")
	if info.Size != 0 || info.SHA256 != digest(nil) {
		t.Errorf("put: %+v", info)
	}
	read(t, d, key, nil, info)
}

func defaultContentType(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "untyped"
	info := put(t, d, key, []byte("x"), "")
	if info.ContentType != domain.DefaultContentType {
		t.Errorf("content type %q, want %q", info.ContentType, domain.DefaultContentType)
	}
	read(t, d, key, []byte("x"), info)
}

func missing(t *testing.T, d domain.Documents, prefix string) {
	absent(t, d, prefix+"never-stored.pdf")
}

// countingReader counts what is read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func declaredTooLarge(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "declared-too-large"
	body := &countingReader{r: bytes.NewReader(content(key, 1000))}
	_, err := d.Put(context.Background(), key, body, domain.MaxDocumentBytes+1, "application/pdf")
	if !errors.Is(err, domain.ErrDocumentTooLarge) || domain.CodeOf(err) != domain.CodeTooLarge {
		t.Errorf("put: %v; want ErrDocumentTooLarge", err)
	}
	if body.n != 0 {
		t.Errorf("read %d bytes of a body declared too large", body.n)
	}
	absent(t, d, key)
}

func bodyTooLarge(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "too-large"
	body := content(key, domain.MaxDocumentBytes+1)
	_, err := d.Put(context.Background(), key, io.MultiReader(bytes.NewReader(body)), -1, "application/pdf")
	if !errors.Is(err, domain.ErrDocumentTooLarge) {
		t.Errorf("put: %v; want ErrDocumentTooLarge", err)
	}
	absent(t, d, key)
}

func exactlyTheLimit(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "at-the-limit"
	body := content(key, domain.MaxDocumentBytes)
	info := put(t, d, key, body, "application/pdf")
	read(t, d, key, body, info)
}

func sizeMismatch(t *testing.T, d domain.Documents, prefix string) {
	body := content(prefix, 5000)
	for name, declared := range map[string]int64{"longer": 4999, "shorter": 5001} {
		key := prefix + name
		_, err := d.Put(context.Background(), key, bytes.NewReader(body), declared, "application/pdf")
		if !errors.Is(err, domain.ErrDocumentSize) {
			t.Errorf("%s than declared: %v; want ErrDocumentSize", name, err)
		}
		absent(t, d, key)
	}
}

var errBroken = errors.New("connection reset by the uploader")

// brokenReader yields n bytes, then fails.
type brokenReader struct{ n int }

func (b *brokenReader) Read(p []byte) (int, error) {
	if b.n == 0 {
		return 0, errBroken
	}
	k := min(len(p), b.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	b.n -= k
	return k, nil
}

func failingBody(t *testing.T, d domain.Documents, prefix string) {
	for _, size := range []int64{100_000, -1} {
		key := fmt.Sprintf("%sbroken%d", prefix, size)
		_, err := d.Put(context.Background(), key, &brokenReader{n: 60_000}, size, "application/pdf")
		if !errors.Is(err, errBroken) {
			t.Errorf("declared %d: put: %v; want the body's error", size, err)
		}
		absent(t, d, key)
	}
}

func notPDF(t *testing.T, d domain.Documents, prefix string) {
	for name, body := range map[string][]byte{
		"gif":       GIF(),
		"big-gif":   append(GIF(), content(prefix, 50_000)...),
		"truncated": PDF()[:len(PDF())-20],
	} {
		key := prefix + name + ".pdf"
		_, err := d.Put(context.Background(), key, domain.PDFReader(bytes.NewReader(body)), int64(len(body)), "application/pdf")
		if !errors.Is(err, domain.ErrNotPDF) {
			t.Errorf("%s: put: %v; want ErrNotPDF", name, err)
		}
		absent(t, d, key)
	}
}

func realPDF(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "minimal.pdf"
	body := PDF()
	info, err := d.Put(context.Background(), key, domain.PDFReader(bytes.NewReader(body)), int64(len(body)), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	read(t, d, key, body, info)
}

func secondPutRefused(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "once.pdf"
	first := content(key+"1", 2000)
	info := put(t, d, key, first, "application/pdf")
	for name, tc := range map[string]struct {
		body        []byte
		contentType string
	}{
		"other content":            {content(key+"2", 2000), "application/pdf"},
		"same content, other type": {first, "application/octet-stream"},
	} {
		_, err := d.Put(context.Background(), key, bytes.NewReader(tc.body), int64(len(tc.body)), tc.contentType)
		if !errors.Is(err, domain.ErrAlreadyExists) {
			t.Errorf("%s: second put: %v; want ErrAlreadyExists", name, err)
		}
	}
	read(t, d, key, first, info)
}

func retriedPut(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "retried.pdf"
	body := content(key, 3000)
	first := put(t, d, key, body, "application/pdf")
	again := put(t, d, key, body, "application/pdf")
	sameInfo(t, "retried put", again, first)
	read(t, d, key, body, first)
}

func racingPuts(t *testing.T, d domain.Documents, prefix string) {
	key := prefix + "raced.pdf"
	const n = 8
	bodies := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		bodies[i] = content(fmt.Sprint(key, i), 100_000)
		wg.Go(func() {
			<-start
			_, errs[i] = d.Put(context.Background(), key, bytes.NewReader(bodies[i]), int64(len(bodies[i])), "application/pdf")
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("puts %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, domain.ErrAlreadyExists):
			t.Errorf("put %d: %v; want success or ErrAlreadyExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no put succeeded")
	}
	st, err := d.Stat(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	read(t, d, key, bodies[winner], st)
}

func concurrentPuts(t *testing.T, d domain.Documents, prefix string) {
	const n = 16
	var wg sync.WaitGroup
	infos := make([]domain.DocumentInfo, n)
	errs := make([]error, n)
	key := func(i int) string { return fmt.Sprintf("%sapplication-%d/plan.pdf", prefix, i) }
	for i := range n {
		wg.Go(func() {
			body := content(key(i), 50_000+i)
			infos[i], errs[i] = d.Put(context.Background(), key(i), bytes.NewReader(body), int64(len(body)), "application/pdf")
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("put %d: %v", i, errs[i])
			continue
		}
		read(t, d, key(i), content(key(i), 50_000+i), infos[i])
	}
}

func nestedKeys(t *testing.T, d domain.Documents, prefix string) {
	// Not "a" beside "a/b": S3 allows it, but a posix-backed S3 gateway cannot (a file is not a
	// folder), so CheckDocumentKey's doc asks callers not to rely on it.
	keys := []string{prefix + "a/b/c.pdf", prefix + "a/b/d.pdf", prefix + "a/bc", prefix + "a.b", prefix + "A.b", prefix + "x_y-z.0"}
	infos := map[string]domain.DocumentInfo{}
	for _, k := range keys {
		infos[k] = put(t, d, k, []byte(k), "text/plain")
	}
	for _, k := range keys {
		read(t, d, k, []byte(k), infos[k])
	}
}

func badKeys(t *testing.T, d domain.Documents, prefix string) {
	bad := []string{
		"", "/" + prefix + "abs", prefix + "../escape", prefix + "a/../../escape", "../" + prefix,
		prefix + "a/./b", prefix + "trailing/", prefix + "double//slash", prefix + "space here",
		prefix + "back\\slash", prefix + "percent%2F", prefix + "nul\x00", prefix + "中文.pdf",
		prefix + "colon:x", prefix + "tilde~", prefix + "dot/.", prefix + strings.Repeat("k", domain.MaxDocumentKeyBytes),
	}
	for _, key := range bad {
		if _, err := d.Put(context.Background(), key, strings.NewReader("x"), 1, "text/plain"); !errors.Is(err, domain.ErrBadDocumentKey) {
			t.Errorf("put %q: %v; want ErrBadDocumentKey", key, err)
		}
		if _, err := d.Stat(context.Background(), key); !errors.Is(err, domain.ErrBadDocumentKey) {
			t.Errorf("stat %q: %v; want ErrBadDocumentKey", key, err)
		}
		if rc, _, err := d.Get(context.Background(), key); !errors.Is(err, domain.ErrBadDocumentKey) {
			if rc != nil {
				rc.Close()
			}
			t.Errorf("get %q: %v; want ErrBadDocumentKey", key, err)
		}
	}
	// The longest key allowed is a key.
	long := prefix + strings.Repeat("k", domain.MaxDocumentKeyBytes-len(prefix))
	info := put(t, d, long, []byte("x"), "text/plain")
	read(t, d, long, []byte("x"), info)
}
