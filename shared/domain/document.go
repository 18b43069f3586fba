package domain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Documents stores uploaded files by key; content is immutable once written (a new upload is a
// new key). doctest holds the suite every adapter passes (docfs on a folder, docs3 on S3).
type Documents interface {
	// Put streams body into key, computing its SHA-256 and size as it writes. size is the
	// declared length (Content-Length), or -1 when unknown; a body of another length is
	// ErrDocumentSize. A declared size or a body over MaxDocumentBytes is ErrDocumentTooLarge.
	// A key that already holds a document is ErrAlreadyExists: nothing is ever replaced. A key
	// outside DocumentKey's rules is ErrBadDocumentKey. When Put fails for any reason, including
	// an error from body's Read (which it returns, wrapped), nothing is stored under key.
	// An empty contentType is stored as application/octet-stream.
	Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) (DocumentInfo, error)
	// Get opens the document for reading; ErrNotFound when missing. The caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, DocumentInfo, error)
	// Stat describes the document; ErrNotFound when missing.
	Stat(ctx context.Context, key string) (DocumentInfo, error)
}

// DocumentInfo describes a stored document.
type DocumentInfo struct {
	Key string
	// SHA256 is the content's digest, lowercase hex.
	SHA256      string
	Size        int64
	ContentType string
	// StoredAt is when the store accepted the document, to the second or better.
	StoredAt time.Time
}

// MaxDocumentBytes is the largest document the platform stores (API.md: 20 MiB).
const MaxDocumentBytes = 20 << 20

// MaxDocumentKeyBytes bounds a key: it must fit one file name on any filesystem (255 bytes)
// with room for a suffix, and an S3 key (1,024 bytes) many times over.
const MaxDocumentKeyBytes = 200

// DefaultContentType is stored when Put is given none.
const DefaultContentType = "application/octet-stream"

// Document errors, shared by every adapter.
var (
	ErrDocumentTooLarge = &Error{Code: CodeTooLarge, Message: Text{
		ZH: "文件超过 20 MiB 的上限", EN: "The file is larger than the 20 MiB limit."}}
	ErrDocumentSize = &Error{Code: CodeMalformed, Message: Text{
		ZH: "文件长度与声明的长度不符", EN: "The file's length differs from its declared length."}}
	ErrNotPDF = &Error{Code: CodeUnsupportedMedia, Message: Text{
		ZH: "文件不是 PDF", EN: "The file is not a PDF."}}
	ErrBadDocumentKey = &Error{Code: CodeInvalid, Message: Text{
		ZH: "文件名无效", EN: "The document name is not valid."}}
)

// CheckDocumentKey holds a key to the rules every adapter shares, so a key valid on one is valid
// on all: 1 to MaxDocumentKeyBytes bytes of [A-Za-z0-9._/-], segments separated by single
// slashes, no empty, "." or ".." segment, no leading or trailing slash. Callers also never
// make one key the folder of another ("a" and "a/b"): S3 allows it, but not every S3-compatible
// server does (a posix-backed gateway cannot hold a file and a folder of one name), so keys
// name a file under a fixed depth, such as cluster-applications/<id>/<kind>/<upload id>.pdf.
func CheckDocumentKey(key string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %q %s", ErrBadDocumentKey, key, why) }
	if key == "" || len(key) > MaxDocumentKeyBytes {
		return bad(fmt.Sprintf("is empty or longer than %d bytes", MaxDocumentKeyBytes))
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-') {
			return bad("holds a character outside [A-Za-z0-9._/-]")
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return bad("has an empty, . or .. segment (or a leading or trailing slash)")
		}
	}
	return nil
}

// CopyDocument is Put's one rule for bodies, shared by every adapter: it copies body to dst,
// refusing a declared size over MaxDocumentBytes before reading anything, and a body over it,
// or of another length than a declared size (size >= 0), as soon as it shows. It returns the
// content's SHA-256 (hex) and length. An error from body comes back wrapped, unchanged.
func CopyDocument(dst io.Writer, body io.Reader, size int64) (sum string, n int64, err error) {
	if size > MaxDocumentBytes {
		return "", 0, fmt.Errorf("%w: %d bytes declared", ErrDocumentTooLarge, size)
	}
	limit := int64(MaxDocumentBytes)
	if size >= 0 {
		limit = size
	}
	h := sha256.New()
	// One byte more than allowed tells a body that is too long.
	n, err = io.Copy(io.MultiWriter(dst, h), io.LimitReader(body, limit+1))
	switch {
	case err != nil:
		return "", n, fmt.Errorf("reading the document: %w", err)
	case n > MaxDocumentBytes:
		return "", n, fmt.Errorf("%w: more than %d bytes", ErrDocumentTooLarge, MaxDocumentBytes)
	case size >= 0 && n != size:
		return "", n, fmt.Errorf("%w: %d bytes declared, more or fewer sent", ErrDocumentSize, size)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// PDFWindow is how far from each end IsPDF looks: the header within the first 1024 bytes and
// the end-of-file marker within the last 1024, the tolerances PDF readers (Acrobat's
// "implementation notes" to ISO 32000) apply to junk before and after the file proper.
const PDFWindow = 1024

// IsPDF tells a PDF by its content, given its first and last PDFWindow bytes (fewer when the
// file is shorter; for a short file head and tail overlap). head must hold "%PDF-" followed by
// a version, digit '.' digit (1.0 to 2.0 and any later one); tail must hold "%%EOF". A GIF or a
// text file renamed .pdf fails the first rule; a truncated upload fails the second.
func IsPDF(head, tail []byte) bool {
	if len(head) > PDFWindow {
		head = head[:PDFWindow]
	}
	if len(tail) > PDFWindow {
		tail = tail[len(tail)-PDFWindow:]
	}
	header := false
	for rest := head; ; {
		i := bytes.Index(rest, []byte("%PDF-"))
		if i < 0 {
			break
		}
		v := rest[i+5:]
		if len(v) >= 3 && isDigit(v[0]) && v[1] == '.' && isDigit(v[2]) {
			header = true
			break
		}
		rest = rest[i+5:]
	}
	return header && bytes.Contains(tail, []byte("%%EOF"))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// PDFReader passes r through unchanged while checking it is a PDF (IsPDF), so an upload is
// checked as it streams into Documents.Put without being held in memory: once PDFWindow bytes
// show no header it fails at once, and at the end it fails instead of returning io.EOF when
// the end-of-file marker is missing. Its error is ErrNotPDF, which makes Put store nothing.
func PDFReader(r io.Reader) io.Reader { return &pdfReader{r: r} }

type pdfReader struct {
	r          io.Reader
	head, tail []byte
	headOK     bool
	err        error
}

func (p *pdfReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	chunk := b[:n]
	if room := PDFWindow - len(p.head); room > 0 {
		p.head = append(p.head, chunk[:min(room, len(chunk))]...)
	}
	p.tail = append(p.tail, chunk...)
	if len(p.tail) > PDFWindow {
		p.tail = append(p.tail[:0], p.tail[len(p.tail)-PDFWindow:]...)
	}
	if !p.headOK && len(p.head) == PDFWindow {
		// The header's rule alone: a tail that surely holds the marker.
		if !IsPDF(p.head, []byte("%%EOF")) {
			p.err = fmt.Errorf("%w: no %%PDF- header in the first %d bytes", ErrNotPDF, PDFWindow)
			return 0, p.err
		}
		p.headOK = true
	}
	if err == io.EOF && !IsPDF(p.head, p.tail) {
		p.err = fmt.Errorf("%w: no %%PDF- header at the start or no %%%%EOF at the end", ErrNotPDF)
		return 0, p.err
	}
	return n, err
}
