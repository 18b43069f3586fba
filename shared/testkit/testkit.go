// Package testkit holds what the tests of several packages share: valid identities, a complete
// filing, and a buffer that concurrent writers (a server's logger, a child process) can share
// with the test reading it. Only tests import it (shared/archtest checks).
package testkit

import (
	"bytes"
	"sync"
	"testing"

	"github.com/jsipa/ips/shared/validate"
)

// USCC makes a valid unified social credit code from its first 8 characters (registration
// authority, category, division) and the 8-character organisation code body.
func USCC(t testing.TB, prefix8, body8 string) string {
	t.Helper()
	code, err := validate.ComposeUSCC(prefix8, body8)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// AgencyFiling is a complete, valid filing body (DOMAIN.md §1) for an agency of district, as a
// JSON object a test can spoil field by field.
func AgencyFiling(code, name, district string) map[string]any {
	return map[string]any{
		"uscc": code, "name": name, "org_form": "company", "is_branch": false,
		"service_types":            []string{"patent_agency", "trademark_agency"},
		"patent_agency_license_no": "32123", "address": "江苏省江阴市澄江街道人民东路1号", "district_code": district,
		"legal_representative": "张三", "responsible_person": "李四", "contact_phone": "0510-86861234",
		"contact_email":       "info@example.cn",
		"practitioners":       []map[string]any{{"name": "王五", "role": "专利代理师", "qualification_no": "QN-1234567"}},
		"business_started_on": "2020-03-01", "truthfulness_commitment": true,
	}
}

// SyncBuffer is a bytes.Buffer safe for one writer goroutine per write and readers.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *SyncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
