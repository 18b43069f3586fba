package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/sqlite"
	"github.com/jsipa/ips/shared/storetest"
)

func open(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) domain.Store { return open(t, t.TempDir()) })
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir)
	if _, err := s.Create(ctx, domain.Item{Collection: "c", Key: "k", Data: []byte("kept")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again := open(t, dir) // migrations run again and must be a no-op
	it, err := again.Get(ctx, "c", "k")
	if err != nil || string(it.Data) != "kept" {
		t.Fatalf("after reopen: %+v, %v", it, err)
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName+"-wal")); err != nil {
		t.Fatalf("no write-ahead log beside the database: %v", err)
	}
}

func TestPragmas(t *testing.T) {
	s := open(t, t.TempDir())
	mode, sync, busy, err := s.Pragmas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 || busy < 1000 {
		t.Fatalf("journal_mode=%s synchronous=%d busy_timeout=%d; want wal, 2 (FULL), >= 1000 ms", mode, sync, busy)
	}
}
