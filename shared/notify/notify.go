// Package notify holds the channels a domain.Notice is delivered over. Log is the only one so
// far: a JSON log line naming the recipient and the notice by id, and no personal data; an SMS
// or e-mail channel implements domain.Notifier the same way and is wired in its place.
package notify

import (
	"context"
	"log/slog"

	"github.com/jsipa/ips/shared/domain"
)

// Log writes one JSON log line per notice.
type Log struct{ Log *slog.Logger }

var _ domain.Notifier = Log{}

func (l Log) Notify(ctx context.Context, n *domain.Notice) error {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notice", "recipient", n.Recipient, "notice_id", n.ID, "kind", n.Kind)
	return nil
}
