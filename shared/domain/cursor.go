package domain

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// Cursor is the position after the last item of a page. Adapters hand it out encoded and bound
// to the query that produced it, so a cursor pasted into another list is refused rather than
// silently misread.
type Cursor struct {
	// Sort is the last item's sort key in the queried index (empty for Index 0).
	Sort string
	// Key is the last item's key.
	Key string
}

type cursorJSON struct {
	Query string `json:"q"`
	Sort  string `json:"s,omitempty"`
	Key   string `json:"k"`
}

func (q Query) id() string {
	return strings.Join([]string{q.Collection, strconv.Itoa(q.Index), q.Partition, q.Prefix}, "\x00")
}

// EncodeCursor gives out the cursor for the page after c in query q.
func EncodeCursor(q Query, c Cursor) string {
	b, _ := json.Marshal(cursorJSON{Query: q.id(), Sort: c.Sort, Key: c.Key})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads q.Cursor; one not given out for this very query is ErrBadCursor.
func DecodeCursor(q Query) (Cursor, error) {
	var c cursorJSON
	b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Query != q.id() || c.Key == "" {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{Sort: c.Sort, Key: c.Key}, nil
}
