package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/jsipa/ips/shared/domain"
	"github.com/jsipa/ips/shared/notify"
)

// The log line names the recipient and the notice by id, and carries no text of the notice.
func TestTheLogNotifierWritesIDsOnly(t *testing.T) {
	var buf bytes.Buffer
	n := domain.NewAnnualReportReminder("91320281MA20JY015Q", 2026, 15, time.Date(2027, 1, 16, 9, 0, 0, 0, domain.Shanghai))
	if err := (notify.Log{Log: slog.New(slog.NewJSONHandler(&buf, nil))}).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %s", buf.Bytes())
	}
	if line["recipient"] != n.Recipient || line["notice_id"] != "91320281MA20JY015Q#annual_report_due#2026#d15" || bytes.Contains(buf.Bytes(), []byte("年度报告")) {
		t.Errorf("log line %s", buf.Bytes())
	}
}
