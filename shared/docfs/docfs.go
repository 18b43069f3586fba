// Package docfs keeps uploaded documents in a folder of the local filesystem: the local runner's
// store (IPS_DATA_DIR/documents) and any single-machine deployment. doctest holds the suite it
// passes, the same one docs3 passes on S3.
//
// # Layout
//
//	<root>/blobs/<sha256>       the content, named by its SHA-256 (hex); written once, never changed
//	<root>/keys/<name>.json     the sidecar: key, sha256, size, content_type, stored_at
//	<root>/tmp/                 files being written
//
// where <name> is the key with each "/" written "%" (a character keys cannot hold, so the
// mapping is one-to-one and every key is one flat file: "a" and "a/b" can both exist, as on S3).
//
// # Writes
//
// Put streams the body into a temporary file, hashing it on the way, fsyncs it and renames it to
// blobs/<sha256> (atomic; identical content lands on the same name, harmlessly). It then writes
// the sidecar to a temporary file, fsyncs it and hard-links it to keys/<name>.json: the link is
// the commit point, atomic, and fails when the name exists, so a key is never replaced and two
// racing uploads of one key store exactly one. The folders are fsynced after each step, so a
// document Put reported survives a crash or power loss. A crash before the link leaves at most an
// unreferenced blob or temporary file (Open clears temporary files older than an hour), never a
// key that points at missing or partial content.
//
// Get checks the content against the sidecar's SHA-256 as it is read and fails the last Read on
// a mismatch, so a file damaged on disk is never served as the document.
//
// StoredAt is the machine's wall clock at the commit, as S3 stamps an object with its own.
package docfs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jsipa/ips/shared/domain"
)

// Store implements domain.Documents on a folder.
type Store struct {
	root string
}

var _ domain.Documents = (*Store)(nil)

// staleTemp is how old a temporary file must be for Open to remove it: older than any upload.
const staleTemp = time.Hour

// Open makes the folder root (and its parts) if needed and returns a store on it.
func Open(root string) (*Store, error) {
	s := &Store{root: root}
	for _, d := range []string{s.dir("blobs"), s.dir("keys"), s.dir("tmp")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("docfs: %w", err)
		}
	}
	if entries, err := os.ReadDir(s.dir("tmp")); err == nil {
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
				os.Remove(filepath.Join(s.dir("tmp"), e.Name()))
			}
		}
	}
	return s, nil
}

func (s *Store) dir(name string) string { return filepath.Join(s.root, name) }

func (s *Store) sidecarPath(key string) string {
	return filepath.Join(s.dir("keys"), strings.ReplaceAll(key, "/", "%")+".json")
}

func (s *Store) blobPath(sum string) string { return filepath.Join(s.dir("blobs"), sum) }

// sidecar is the stored form of a DocumentInfo.
type sidecar struct {
	Key         string    `json:"key"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	StoredAt    time.Time `json:"stored_at"`
}

func (c sidecar) info() domain.DocumentInfo {
	return domain.DocumentInfo{Key: c.Key, SHA256: c.SHA256, Size: c.Size, ContentType: c.ContentType, StoredAt: c.StoredAt}
}

// Put implements domain.Documents.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) (domain.DocumentInfo, error) {
	if err := domain.CheckDocumentKey(key); err != nil {
		return domain.DocumentInfo{}, err
	}
	if contentType == "" {
		contentType = domain.DefaultContentType
	}
	fail := func(err error) (domain.DocumentInfo, error) {
		return domain.DocumentInfo{}, fmt.Errorf("docfs: put %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	sum, n, err := s.writeBlob(body, size)
	if err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	meta := sidecar{Key: key, SHA256: sum, Size: n, ContentType: contentType, StoredAt: time.Now().UTC()}
	raw, err := json.Marshal(meta)
	if err != nil {
		return fail(err)
	}
	tmp, err := s.writeTemp(func(f *os.File) error { _, err := f.Write(raw); return err })
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, s.sidecarPath(key)); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return fail(err)
		}
		// Taken: by another document, or by this very content before (a retried upload),
		// which is success.
		have, err := s.Stat(ctx, key)
		if err != nil {
			return fail(err)
		}
		if have.SHA256 != sum || have.Size != n || have.ContentType != contentType {
			return fail(domain.ErrAlreadyExists)
		}
		return have, nil
	}
	if err := syncDir(s.dir("keys")); err != nil {
		return fail(err)
	}
	return meta.info(), nil
}

// writeBlob stores body as blobs/<sha256> and returns the digest and length.
func (s *Store) writeBlob(body io.Reader, size int64) (sum string, n int64, err error) {
	tmp, err := s.writeTemp(func(f *os.File) error {
		sum, n, err = domain.CopyDocument(f, body, size)
		return err
	})
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp) // a no-op once renamed
	blob := s.blobPath(sum)
	if _, err := os.Stat(blob); err == nil {
		return sum, n, nil // the same content is stored already
	}
	if err := os.Chmod(tmp, 0o440); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp, blob); err != nil {
		return "", 0, err
	}
	return sum, n, syncDir(s.dir("blobs"))
}

// writeTemp creates a file in tmp/, fills it with write, fsyncs and closes it, and returns its
// path; on failure it leaves nothing behind.
func (s *Store) writeTemp(write func(*os.File) error) (string, error) {
	f, err := os.CreateTemp(s.dir("tmp"), "put-*")
	if err != nil {
		return "", err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a folder's new entries durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Stat implements domain.Documents.
func (s *Store) Stat(ctx context.Context, key string) (domain.DocumentInfo, error) {
	if err := domain.CheckDocumentKey(key); err != nil {
		return domain.DocumentInfo{}, err
	}
	raw, err := os.ReadFile(s.sidecarPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return domain.DocumentInfo{}, fmt.Errorf("docfs: %s: %w", key, domain.ErrNotFound)
	}
	if err != nil {
		return domain.DocumentInfo{}, fmt.Errorf("docfs: %s: %w", key, err)
	}
	var meta sidecar
	if err := json.Unmarshal(raw, &meta); err != nil || meta.Key != key || len(meta.SHA256) != 2*sha256.Size {
		return domain.DocumentInfo{}, fmt.Errorf("docfs: %s: the sidecar is damaged (%v)", key, err)
	}
	return meta.info(), nil
}

// Get implements domain.Documents.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, domain.DocumentInfo, error) {
	info, err := s.Stat(ctx, key)
	if err != nil {
		return nil, domain.DocumentInfo{}, err
	}
	f, err := os.Open(s.blobPath(info.SHA256))
	if err != nil {
		return nil, domain.DocumentInfo{}, fmt.Errorf("docfs: %s: content: %w", key, err)
	}
	return &verifying{f: f, h: sha256.New(), want: info.SHA256, size: info.Size, key: key}, info, nil
}

// verifying reads a blob, failing at the end when it is not the content the sidecar describes.
type verifying struct {
	f    *os.File
	h    hash.Hash
	n    int64
	want string
	size int64
	key  string
}

func (v *verifying) Read(p []byte) (int, error) {
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want || v.n != v.size {
			return n, fmt.Errorf("docfs: %s: the stored content is damaged: %d bytes with SHA-256 %s, want %d bytes with %s", v.key, v.n, got, v.size, v.want)
		}
	}
	return n, err
}

func (v *verifying) Close() error { return v.f.Close() }
