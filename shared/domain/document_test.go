package domain_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/jsipa/ips/shared/doctest"
	"github.com/jsipa/ips/shared/domain"
)

func TestIsPDF(t *testing.T) {
	pdf := doctest.PDF()
	junk := bytes.Repeat([]byte{'j'}, 1100)
	tests := []struct {
		name string
		file []byte
		want bool
	}{
		{"a real minimal PDF", pdf, true},
		{"PDF 2.0", bytes.Replace(pdf, []byte("%PDF-1.4"), []byte("%PDF-2.0"), 1), true},
		{"a PDF with junk before the header, within 1024 bytes", append(bytes.Repeat([]byte{' '}, 1000), pdf...), true},
		{"a PDF with a newline or two after %%EOF", append(bytes.Clone(pdf), "\r\n\n"...), true},
		{"a GIF renamed .pdf", doctest.GIF(), false},
		{"a GIF that ends in %%EOF", append(doctest.GIF(), "%%EOF"...), false},
		{"a text file", []byte("hello, world\n"), false},
		{"empty", nil, false},
		{"truncated: no %%EOF", pdf[:len(pdf)-10], false},
		{"the header only", []byte("%PDF-1.7\n"), false},
		{"the header past the first 1024 bytes", append(bytes.Clone(junk), pdf...), false},
		{"%%EOF further than 1024 bytes from the end", append(bytes.Clone(pdf), junk...), false},
		{"a header without a version", []byte("%PDF-x.y\n%%EOF\n"), false},
		{"a header without a version, then one with", []byte("%PDF- %PDF-1.3\n%%EOF"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			head := tc.file[:min(len(tc.file), domain.PDFWindow)]
			tail := tc.file[max(0, len(tc.file)-domain.PDFWindow):]
			if got := domain.IsPDF(head, tail); got != tc.want {
				t.Errorf("IsPDF = %v, want %v", got, tc.want)
			}
			// Whole files are accepted too: IsPDF looks only at its windows.
			if got := domain.IsPDF(tc.file, tc.file); got != tc.want {
				t.Errorf("IsPDF(whole file) = %v, want %v", got, tc.want)
			}
			// Streamed through PDFReader, a byte or a block at a time, it agrees.
			for _, r := range []io.Reader{
				domain.PDFReader(bytes.NewReader(tc.file)),
				domain.PDFReader(iotest.OneByteReader(bytes.NewReader(tc.file))),
				domain.PDFReader(iotest.DataErrReader(bytes.NewReader(tc.file))),
			} {
				got, err := io.ReadAll(r)
				if tc.want && (err != nil || !bytes.Equal(got, tc.file)) {
					t.Errorf("PDFReader: %d bytes, %v; want the file unchanged", len(got), err)
				}
				if !tc.want && !errors.Is(err, domain.ErrNotPDF) {
					t.Errorf("PDFReader: %v; want ErrNotPDF", err)
				}
			}
		})
	}
}

// A file that does not start like a PDF is refused once the first window is read, not after
// all 20 MiB have streamed.
func TestPDFReaderRefusesEarly(t *testing.T) {
	r := domain.PDFReader(io.MultiReader(bytes.NewReader(doctest.GIF()), strings.NewReader(strings.Repeat("x", 20<<20))))
	buf := make([]byte, 512)
	var read int
	var err error
	for err == nil {
		var n int
		n, err = r.Read(buf)
		read += n
	}
	if !errors.Is(err, domain.ErrNotPDF) || read > 2*domain.PDFWindow {
		t.Errorf("read %d bytes, then %v; want ErrNotPDF within %d bytes", read, err, 2*domain.PDFWindow)
	}
	if domain.CodeOf(err) != domain.CodeUnsupportedMedia {
		t.Errorf("code %s, want %s", domain.CodeOf(err), domain.CodeUnsupportedMedia)
	}
}

func TestCheckDocumentKey(t *testing.T) {
	good := []string{"a", "A.b", "cluster-applications/0193-abc/business_licence/01J.pdf", "x/y/z", "..a", "a..", strings.Repeat("k", domain.MaxDocumentKeyBytes)}
	bad := []string{"", "/abs", "a/", "a//b", "../a", "a/../b", "a/..", "./a", ".", "..", "a b", "a\\b", "a%2Fb", "é", "a\x00", strings.Repeat("k", domain.MaxDocumentKeyBytes+1)}
	for _, k := range good {
		if err := domain.CheckDocumentKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range bad {
		if err := domain.CheckDocumentKey(k); !errors.Is(err, domain.ErrBadDocumentKey) || domain.CodeOf(err) != domain.CodeInvalid {
			t.Errorf("%q: %v; want ErrBadDocumentKey", k, err)
		}
	}
}

func TestCopyDocument(t *testing.T) {
	const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name    string
		body    io.Reader
		size    int64
		wantN   int64
		wantErr error
	}{
		{"declared and sent", strings.NewReader("abc"), 3, 3, nil},
		{"unknown size", strings.NewReader("abc"), -1, 3, nil},
		{"empty", strings.NewReader(""), 0, 0, nil},
		{"shorter than declared", strings.NewReader("ab"), 3, 0, domain.ErrDocumentSize},
		{"longer than declared", strings.NewReader("abcd"), 3, 0, domain.ErrDocumentSize},
		{"declared over the limit", strings.NewReader("abc"), domain.MaxDocumentBytes + 1, 0, domain.ErrDocumentTooLarge},
		{"sent over the limit", io.LimitReader(zeros{}, domain.MaxDocumentBytes+1), -1, 0, domain.ErrDocumentTooLarge},
		{"exactly the limit", io.LimitReader(zeros{}, domain.MaxDocumentBytes), -1, domain.MaxDocumentBytes, nil},
		{"a failing body", iotest.ErrReader(iotest.ErrTimeout), -1, 0, iotest.ErrTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dst bytes.Buffer
			sum, n, err := domain.CopyDocument(&dst, tc.body, tc.size)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || n != tc.wantN || int64(dst.Len()) != n {
				t.Errorf("n %d (copied %d), err %v; want %d", n, dst.Len(), err, tc.wantN)
			}
			if tc.name == "empty" && sum != emptySHA {
				t.Errorf("SHA-256 of nothing %s", sum)
			}
			if tc.name == "declared and sent" && sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
				t.Errorf("SHA-256 of abc %s", sum)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
