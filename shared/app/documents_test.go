package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/app"
	"github.com/jsipa/ips/shared/docfs"
	"github.com/jsipa/ips/shared/docs3"
	"github.com/jsipa/ips/shared/docs3/s3test"
	"github.com/jsipa/ips/shared/domain"
)

func TestDocumentsLiveUnderTheDataFolderWithoutABucket(t *testing.T) {
	t.Setenv("IPS_DOCUMENTS_BUCKET", "")
	t.Setenv("IPS_DATA_DIR", t.TempDir())
	cfg := app.ConfigFromEnv()
	docs, err := app.OpenDocuments(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := docs.(*docfs.Store); !ok {
		t.Fatalf("documents are a %T, want *docfs.Store", docs)
	}
	if _, err := docs.Put(context.Background(), "k", strings.NewReader("x"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "documents", "keys", "k.json")); err != nil {
		t.Errorf("the document is not under IPS_DATA_DIR/documents: %v", err)
	}
}

func TestDocumentsLiveInTheNamedBucket(t *testing.T) {
	local := s3test.Start(t)
	bucket := local.NewBucket(t)
	for _, kv := range local.Env(bucket) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("IPS_DATA_DIR", t.TempDir())
	cfg := app.ConfigFromEnv()
	if cfg.DocumentsBucket != bucket {
		t.Fatalf("DocumentsBucket %q, want %q from IPS_DOCUMENTS_BUCKET", cfg.DocumentsBucket, bucket)
	}
	docs, err := app.OpenDocuments(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := docs.(*docs3.Store); !ok {
		t.Fatalf("documents are a %T, want *docs3.Store", docs)
	}
	if _, err := docs.Put(context.Background(), "k", strings.NewReader("x"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := docs3.New(local.Config(), bucket, true).Stat(context.Background(), "k"); err != nil {
		t.Errorf("the document is not in the bucket: %v", err)
	}
}

// Every function is built with the documents store, as with the record store.
func TestBuildWiresTheDocuments(t *testing.T) {
	cfg := app.Config{DataDir: t.TempDir()}
	deps, closeDeps, err := app.Build(context.Background(), cfg, nil, domain.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDeps()
	if _, ok := deps.Documents.(*docfs.Store); !ok {
		t.Errorf("Deps.Documents is a %T, want *docfs.Store", deps.Documents)
	}
}
