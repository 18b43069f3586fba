package domain_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/jsipa/ips/shared/domain"
)

// A body of 1 MiB can name some 100,000 unknown fields, each a field error, and the access log
// reads Error() of every refusal. Building the text field by field in new strings made that
// quadratic: minutes of CPU for one request, past its deadline (the hostile-input suite,
// infra/local/hostile_test.go, found it). Counting allocations tells linear from quadratic
// without timing anything: the text must grow in place, not be copied once per field.
func TestErrorTextOfManyFieldsIsBuiltInPlace(t *testing.T) {
	fields := make([]domain.FieldError, 10_000)
	for i := range fields {
		fields[i] = domain.FieldError{Field: "/k" + strconv.Itoa(i), Code: "unknown_field"}
	}
	err := domain.Invalid(fields...)
	text := err.Error()
	if !strings.HasPrefix(text, "invalid: ") || !strings.Contains(text, "; /k9999 unknown_field") || strings.Count(text, "; /k") != len(fields) {
		t.Fatalf("text of %d fields: %.200s…", len(fields), text)
	}
	if allocs := testing.AllocsPerRun(5, func() { _ = err.Error() }); allocs > 64 {
		t.Errorf("Error() of %d fields allocates %.0f times; it copies the text per field", len(fields), allocs)
	}
}
