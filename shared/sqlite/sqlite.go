// Package sqlite is the embedded store: one SQLite file, written through modernc.org/sqlite (pure
// Go, so the Lambda binary stays cgo-free), in WAL mode with synchronous=FULL so an acknowledged
// write survives kill -9 and power loss.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jsipa/ips/shared/domain"
	_ "modernc.org/sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data directory.
const FileName = "ips.db"

// Store implements domain.Store on one SQLite file.
type Store struct {
	db *sql.DB
	// writer lets one write of this process at a time reach SQLite, which admits one writer
	// anyway: the others wait in line here rather than in SQLite's busy handler, which sleeps
	// in growing steps (up to 100 ms) and so turned a short queue into a long tail. Writers in
	// other processes still meet busy_timeout.
	writer chan struct{}
}

// write runs one write with the process's write turn.
func (s *Store) write(ctx context.Context, query string, args ...any) (sql.Result, error) {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.writer }()
	return s.db.ExecContext(ctx, query, args...)
}

var _ domain.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dir and brings its schema up to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(FULL)",   // fsync the WAL on every commit: acknowledged means on disk
		"busy_timeout(10000)", // writers queue instead of failing under contention
		"foreign_keys(ON)",
	} {
		q.Add("_pragma", p)
	}
	// _txlock=immediate: a transaction that will write takes the write lock up front, so two
	// migrating processes cannot deadlock upgrading read locks.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{db: db, writer: make(chan struct{}, 1)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) Close() error { return s.db.Close() }

// migrate applies the embedded migrations above PRAGMA user_version, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for i, name := range names {
		target := i + 1
		if err := s.applyMigration(ctx, name, target); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string, target int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current >= target {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(target)); err != nil {
		return err
	}
	return tx.Commit()
}

func indexArgs(it domain.Item) []any {
	args := make([]any, 0, 2*domain.NumIndexes)
	for _, ix := range it.Index {
		if ix.IsZero() {
			args = append(args, nil, nil)
		} else {
			args = append(args, ix.Partition, ix.Sort)
		}
	}
	return args
}

func (s *Store) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	it.Version = 1
	args := append([]any{it.Collection, it.Key, it.Version, it.Data}, indexArgs(it)...)
	res, err := s.write(ctx, `INSERT INTO items
		(collection, key, version, data, ix1_part, ix1_sort, ix2_part, ix2_sort, ix3_part, ix3_sort)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection, key) DO NOTHING`, args...)
	if err != nil {
		return domain.Item{}, fmt.Errorf("sqlite: create %s/%s: %w", it.Collection, it.Key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Item{}, domain.ErrAlreadyExists
	}
	return it, nil
}

func (s *Store) Get(ctx context.Context, collection, key string) (domain.Item, error) {
	row := s.db.QueryRowContext(ctx, `SELECT version, data, ix1_part, ix1_sort, ix2_part, ix2_sort, ix3_part, ix3_sort
		FROM items WHERE collection = ? AND key = ?`, collection, key)
	it := domain.Item{Collection: collection, Key: key}
	if err := scanItem(row, &it); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Item{}, domain.ErrNotFound
		}
		return domain.Item{}, fmt.Errorf("sqlite: get %s/%s: %w", collection, key, err)
	}
	return it, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanItem(row scanner, it *domain.Item, extra ...any) error {
	var ix [2 * domain.NumIndexes]sql.NullString
	dest := []any{&it.Version, &it.Data}
	for i := range ix {
		dest = append(dest, &ix[i])
	}
	if err := row.Scan(append(extra, dest...)...); err != nil {
		return err
	}
	for i := range it.Index {
		it.Index[i] = domain.IndexKey{Partition: ix[2*i].String, Sort: ix[2*i+1].String}
	}
	return nil
}

func (s *Store) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	args := append([]any{it.Data}, indexArgs(it)...)
	args = append(args, it.Collection, it.Key, it.Version)
	res, err := s.write(ctx, `UPDATE items SET version = version + 1, data = ?,
		ix1_part = ?, ix1_sort = ?, ix2_part = ?, ix2_sort = ?, ix3_part = ?, ix3_sort = ?
		WHERE collection = ? AND key = ? AND version = ?`, args...)
	if err != nil {
		return domain.Item{}, fmt.Errorf("sqlite: update %s/%s: %w", it.Collection, it.Key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Item{}, s.missOrConflict(ctx, it.Collection, it.Key)
	}
	it.Version++
	return it, nil
}

func (s *Store) Delete(ctx context.Context, collection, key string, version int64) error {
	res, err := s.write(ctx, `DELETE FROM items WHERE collection = ? AND key = ? AND version = ?`, collection, key, version)
	if err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", collection, key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.missOrConflict(ctx, collection, key)
	}
	return nil
}

// missOrConflict tells a missing item from a stale version after a conditional write failed.
func (s *Store) missOrConflict(ctx context.Context, collection, key string) error {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM items WHERE collection = ? AND key = ?`, collection, key).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.ErrNotFound
	case err != nil:
		return fmt.Errorf("sqlite: check %s/%s: %w", collection, key, err)
	}
	return domain.ErrVersionConflict
}

// prefixEnd is the smallest string greater than every string starting with prefix, so a prefix
// match can use the index as a range.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

func (s *Store) Query(ctx context.Context, q domain.Query) (domain.Page, error) {
	if q.Index < 0 || q.Index > domain.NumIndexes || (q.Index > 0 && q.Partition == "") {
		return domain.Page{}, fmt.Errorf("sqlite: query %s: index %d needs a partition", q.Collection, q.Index)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = domain.DefaultPageSize
	}
	limit = min(limit, domain.MaxPageSize)

	sortCol := "key"
	where := []string{"collection = ?"}
	args := []any{q.Collection}
	if q.Index > 0 {
		n := strconv.Itoa(q.Index)
		sortCol = "ix" + n + "_sort"
		where = append(where, "ix"+n+"_part = ?")
		args = append(args, q.Partition)
	}
	if q.Prefix != "" {
		where = append(where, sortCol+" >= ?")
		args = append(args, q.Prefix)
		if end, ok := prefixEnd(q.Prefix); ok {
			where = append(where, sortCol+" < ?")
			args = append(args, end)
		}
	}
	if q.Cursor != "" {
		c, err := domain.DecodeCursor(q)
		if err != nil {
			return domain.Page{}, err
		}
		if q.Index > 0 {
			where = append(where, "("+sortCol+", key) > (?, ?)")
			args = append(args, c.Sort, c.Key)
		} else {
			where = append(where, "key > ?")
			args = append(args, c.Key)
		}
	}
	order := sortCol
	if q.Index > 0 {
		order += ", key"
	}
	args = append(args, limit+1)
	rows, err := s.db.QueryContext(ctx, `SELECT key, version, data, ix1_part, ix1_sort, ix2_part, ix2_sort, ix3_part, ix3_sort
		FROM items WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return domain.Page{}, fmt.Errorf("sqlite: query %s: %w", q.Collection, err)
	}
	defer rows.Close()
	var page domain.Page
	for rows.Next() {
		it := domain.Item{Collection: q.Collection}
		if err := scanItem(rows, &it, &it.Key); err != nil {
			return domain.Page{}, fmt.Errorf("sqlite: query %s: %w", q.Collection, err)
		}
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return domain.Page{}, fmt.Errorf("sqlite: query %s: %w", q.Collection, err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		c := domain.Cursor{Key: last.Key}
		if q.Index > 0 {
			c.Sort = last.Index[q.Index-1].Sort
		}
		page.NextCursor = domain.EncodeCursor(q, c)
	}
	return page, nil
}

// Pragmas reports the durability settings in force on a pooled connection, so a test can prove
// every connection got them.
func (s *Store) Pragmas(ctx context.Context) (journalMode string, synchronous, busyTimeoutMS int, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return "", 0, 0, err
	}
	defer conn.Close()
	if err = conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journalMode); err != nil {
		return
	}
	if err = conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&synchronous); err != nil {
		return
	}
	err = conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busyTimeoutMS)
	return
}
