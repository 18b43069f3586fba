package docfs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/doctest"
	"github.com/jsipa/ips/shared/domain"
)

func TestConformance(t *testing.T) {
	store, err := docfs.Open(filepath.Join(t.TempDir(), "documents"))
	if err != nil {
		t.Fatal(err)
	}
	doctest.Run(t, func(t *testing.T) domain.Documents { return store })
}

// files lists every regular file under root, relative to it.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRefusedPutsLeaveNoFiles(t *testing.T) {
	root := t.TempDir()
	store, err := docfs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store.Put(ctx, "too-long", bytes.NewReader(make([]byte, 10)), 9, "application/pdf")
	store.Put(ctx, "not-a.pdf", domain.PDFReader(bytes.NewReader(doctest.GIF())), -1, "application/pdf")
	store.Put(ctx, "../escape", strings.NewReader("x"), 1, "text/plain")
	if got := files(t, root); len(got) != 0 {
		t.Errorf("refused puts left %v", got)
	}
	if got := files(t, filepath.Dir(root)); len(got) != 0 {
		t.Errorf("refused puts left %v beside the root", got)
	}
}

func TestLayoutIsContentAddressedWithSidecars(t *testing.T) {
	root := t.TempDir()
	store, err := docfs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	pdf := doctest.PDF()
	a, err := store.Put(context.Background(), "applications/1/plan.pdf", bytes.NewReader(pdf), int64(len(pdf)), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(context.Background(), "applications/2/plan.pdf", bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	want := []string{"blobs/" + a.SHA256, "keys/applications%1%plan.pdf.json", "keys/applications%2%plan.pdf.json"}
	if got := files(t, root); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v (one blob for identical content)", got, want)
	}
	raw, err := os.ReadFile(filepath.Join(root, "keys", "applications%1%plan.pdf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"sha256":"` + a.SHA256 + `"`, `"content_type":"application/pdf"`, `"size":` + strconv.Itoa(len(pdf))} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("sidecar %s lacks %s", raw, want)
		}
	}
}

func TestDamagedContentFailsTheRead(t *testing.T) {
	root := t.TempDir()
	store, err := docfs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(strings.Repeat("the original content ", 100))
	info, err := store.Put(context.Background(), "k", bytes.NewReader(body), int64(len(body)), "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	blob := filepath.Join(root, "blobs", info.SHA256)
	os.Chmod(blob, 0o640)
	damaged := bytes.Clone(body)
	damaged[7] ^= 1
	if err := os.WriteFile(blob, damaged, 0o640); err != nil {
		t.Fatal(err)
	}
	rc, _, err := store.Get(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("reading damaged content: %v; want an error naming the damage", err)
	}
}

func TestOpenClearsStaleTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	if _, err := docfs.Open(root); err != nil {
		t.Fatal(err)
	}
	stale, fresh := filepath.Join(root, "tmp", "put-stale"), filepath.Join(root, "tmp", "put-fresh")
	for _, f := range []string{stale, fresh} {
		if err := os.WriteFile(f, []byte("half an upload"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, old, old)
	if _, err := docfs.Open(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a stale temporary file survived Open: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("an upload in progress was removed: %v", err)
	}
}
