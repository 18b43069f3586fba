// Package dynamo is the store for deployments that outgrow one machine: every collection in one
// DynamoDB table, written through aws-sdk-go-v2 with one conditional write per change.
//
// # Single-table design
//
// Every item of every collection lives in one table (the Table resource of template.yaml,
// described by TableInput, which the template test holds to each other):
//
//	attribute  type  holds
//	pk         S     the collection (agencies, idempotency, counters …)          table partition key
//	sk         S     the item's key within its collection                         table sort key
//	v          N     the version: 1 after create, +1 on every update; every write is conditional on it
//	d          B     the record, as the domain encoded it (opaque here)
//	w          S     a random token naming the write that stored this version (see Retries)
//	g1pk…g3pk  S     "<collection>#<partition>" of secondary key 1…3, absent when unset
//	g1sk…g3sk  B     the sort key, a zero byte, then the item's key, absent when unset
//
// and three global secondary indexes, gsi1…gsi3, keyed (gNpk, gNsk) and projecting every
// attribute. Because gNpk and gNsk are absent when an item has no such key, the indexes are
// sparse: a filing leaves the "submitted" queue by losing its index key, at no cost.
//
// Access patterns:
//   - Get, Create, Update, Delete: GetItem (strongly consistent), PutItem and DeleteItem on
//     (pk, sk), each with a condition on v.
//   - Query by key (domain.Query Index 0): Query on pk = collection, optionally with
//     begins_with(sk, prefix); the table's sort key keeps keys in byte order, as SQLite does.
//   - Query by secondary key N: Query on gsiN with gNpk = "<collection>#<partition>", optionally
//     with begins_with(gNsk, prefix). gNsk is binary so that it sorts by unsigned bytes, exactly
//     like the (sort, key) pair on SQLite: the zero byte between them sorts below any character,
//     so "a"+key comes before "ab"+key.
//
// Consistency: reads by key are strongly consistent; index queries, like every DynamoDB GSI, may
// lag a write by a fraction of a second. Lists that a caller reads straight after writing
// (the filing queue) tolerate that; nothing decides a rule from an index query.
//
// Limits: an item holds at most 400 KB (DynamoDB's item limit); a collection shares one
// partition key, so one collection sustains about 1,000 writes a second, far above what a
// provincial regulator sees.
//
// # Retries
//
// Throttling and transient failures (5xx, dropped connections) are retried by the SDK's
// standard retryer with jittered exponential backoff. A retried conditional write can meet
// its own first attempt, which landed although its answer was lost: the condition then fails.
// Every Create and Update therefore stores a fresh write token, and a failed condition whose
// item carries this write's token is the write's own success, not a conflict.
package dynamo

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jsipa/ips/shared/domain"
)

const (
	attrPartition = "pk"
	attrSort      = "sk"
	attrVersion   = "v"
	attrData      = "d"
	attrWrite     = "w"

	numIndexes = domain.NumIndexes
)

// indexName and the attribute names of secondary index n (1-based).
func indexName(n int) string { return "gsi" + strconv.Itoa(n) }
func indexPartition(n int) string {
	return "g" + strconv.Itoa(n) + "pk"
}
func indexSort(n int) string { return "g" + strconv.Itoa(n) + "sk" }

// Retry settings, after DynamoDB's advice for throttling: exponential backoff from a short
// base with full jitter, so a throttled burst spreads out instead of retrying in step. The
// waits add up to at most about 5 s, inside the functions' 15 s timeout.
const (
	maxAttempts = 8
	baseBackoff = 50 * time.Millisecond
	maxBackoff  = 2 * time.Second
)

// fullJitter waits a random time up to base·2^(attempt-1), capped.
type fullJitter struct{}

func (fullJitter) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := maxBackoff
	if attempt < 16 {
		ceiling = min(maxBackoff, baseBackoff<<(attempt-1))
	}
	return rand.N(ceiling + 1), nil
}

// Store implements domain.Store on one DynamoDB table.
type Store struct {
	client *dynamodb.Client
	table  string
}

var _ domain.Store = (*Store)(nil)

// Open connects to table with the AWS configuration of the environment: on Lambda the
// function's role and region; elsewhere AWS_REGION, credentials, and AWS_ENDPOINT_URL_DYNAMODB
// for a local DynamoDB.
func Open(ctx context.Context, table string) (*Store, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("dynamo: AWS configuration: %w", err)
	}
	return New(cfg, table), nil
}

// New makes a store on table from an AWS configuration, with the platform's retry policy.
func New(cfg aws.Config, table string) *Store {
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.Backoff = fullJitter{}
		})
	})
	return &Store{client: client, table: table}
}

// Client is the underlying DynamoDB client, for setting up tables in tests and tools.
func (s *Store) Client() *dynamodb.Client { return s.client }

// Close releases nothing: the SDK's connections close with the process.
func (s *Store) Close() error { return nil }

// checkNames refuses names the key encoding cannot carry unambiguously; they come from code,
// never from users, so this is a programming error surfaced early.
func checkNames(it domain.Item) error {
	if it.Collection == "" || strings.Contains(it.Collection, "#") || it.Key == "" {
		return fmt.Errorf("dynamo: collection %q and key %q: a collection is non-empty without '#', a key non-empty", it.Collection, it.Key)
	}
	for _, ix := range it.Index {
		if strings.ContainsRune(ix.Sort, 0) {
			return fmt.Errorf("dynamo: %s/%s: an index sort key holds a zero byte", it.Collection, it.Key)
		}
	}
	return nil
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func bin(b []byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: b} }
func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func indexSortValue(sort, key string) []byte { return append(append([]byte(sort), 0), key...) }

func primaryKey(collection, key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPartition: str(collection), attrSort: str(key)}
}

func newWriteToken() string {
	b := make([]byte, 16)
	crand.Read(b)
	return hex.EncodeToString(b)
}

// marshal is the stored form of it; data is stored even when empty so every item has all
// mandatory attributes.
func marshal(it domain.Item, token string) map[string]types.AttributeValue {
	av := primaryKey(it.Collection, it.Key)
	av[attrVersion] = num(it.Version)
	av[attrData] = bin(append([]byte{}, it.Data...))
	av[attrWrite] = str(token)
	for i, ix := range it.Index {
		if ix.IsZero() {
			continue
		}
		av[indexPartition(i+1)] = str(it.Collection + "#" + ix.Partition)
		av[indexSort(i+1)] = bin(indexSortValue(ix.Sort, it.Key))
	}
	return av
}

func unmarshal(av map[string]types.AttributeValue) (domain.Item, string, error) {
	var it domain.Item
	collection, ok1 := av[attrPartition].(*types.AttributeValueMemberS)
	key, ok2 := av[attrSort].(*types.AttributeValueMemberS)
	version, ok3 := av[attrVersion].(*types.AttributeValueMemberN)
	data, ok4 := av[attrData].(*types.AttributeValueMemberB)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return it, "", errors.New("dynamo: item lacks pk, sk, v or d")
	}
	v, err := strconv.ParseInt(version.Value, 10, 64)
	if err != nil {
		return it, "", fmt.Errorf("dynamo: version %q: %w", version.Value, err)
	}
	it = domain.Item{Collection: collection.Value, Key: key.Value, Version: v, Data: data.Value}
	if len(it.Data) == 0 {
		it.Data = nil
	}
	for i := range it.Index {
		part, ok := av[indexPartition(i+1)].(*types.AttributeValueMemberS)
		sort, ok2 := av[indexSort(i+1)].(*types.AttributeValueMemberB)
		if !ok || !ok2 {
			continue
		}
		p, found := strings.CutPrefix(part.Value, it.Collection+"#")
		s, found2 := strings.CutSuffix(string(sort.Value), "\x00"+it.Key)
		if !found || !found2 {
			return it, "", fmt.Errorf("dynamo: %s/%s: index %d key does not belong to the item", it.Collection, it.Key, i+1)
		}
		it.Index[i] = domain.IndexKey{Partition: p, Sort: s}
	}
	token := ""
	if w, ok := av[attrWrite].(*types.AttributeValueMemberS); ok {
		token = w.Value
	}
	return it, token, nil
}

func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

func (s *Store) Create(ctx context.Context, it domain.Item) (domain.Item, error) {
	if err := checkNames(it); err != nil {
		return domain.Item{}, err
	}
	it.Version = 1
	token := newWriteToken()
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           &s.table,
		Item:                marshal(it, token),
		ConditionExpression: aws.String("attribute_not_exists(" + attrPartition + ")"),
	})
	if conditionFailed(err) {
		if s.landed(ctx, it.Collection, it.Key, token) {
			return it, nil
		}
		return domain.Item{}, domain.ErrAlreadyExists
	}
	if err != nil {
		return domain.Item{}, fmt.Errorf("dynamo: create %s/%s: %w", it.Collection, it.Key, err)
	}
	return it, nil
}

// landed tells whether the item now carries token, that is whether a write whose condition
// failed on a retry had in fact been stored by an earlier attempt.
func (s *Store) landed(ctx context.Context, collection, key, token string) bool {
	_, stored, err := s.get(ctx, collection, key)
	return err == nil && stored == token
}

func (s *Store) get(ctx context.Context, collection, key string) (domain.Item, string, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            primaryKey(collection, key),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return domain.Item{}, "", fmt.Errorf("dynamo: get %s/%s: %w", collection, key, err)
	}
	if out.Item == nil {
		return domain.Item{}, "", domain.ErrNotFound
	}
	return unmarshal(out.Item)
}

func (s *Store) Get(ctx context.Context, collection, key string) (domain.Item, error) {
	it, _, err := s.get(ctx, collection, key)
	return it, err
}

func (s *Store) Update(ctx context.Context, it domain.Item) (domain.Item, error) {
	if err := checkNames(it); err != nil {
		return domain.Item{}, err
	}
	expected := it.Version
	it.Version++
	token := newWriteToken()
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &s.table,
		Item:                      marshal(it, token),
		ConditionExpression:       aws.String(attrVersion + " = :expected"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":expected": num(expected)},
	})
	if conditionFailed(err) {
		return s.afterFailedCondition(ctx, it, token)
	}
	if err != nil {
		return domain.Item{}, fmt.Errorf("dynamo: update %s/%s: %w", it.Collection, it.Key, err)
	}
	return it, nil
}

// afterFailedCondition tells apart an update that an earlier attempt already stored, a
// missing item and a stale version.
func (s *Store) afterFailedCondition(ctx context.Context, it domain.Item, token string) (domain.Item, error) {
	_, stored, err := s.get(ctx, it.Collection, it.Key)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return domain.Item{}, domain.ErrNotFound
	case err != nil:
		return domain.Item{}, err
	case stored == token:
		return it, nil
	}
	return domain.Item{}, domain.ErrVersionConflict
}

// Delete removes the item at version. If a retried delete finds its own first attempt already
// done, it reports ErrNotFound: callers treat a missing item as deleted.
func (s *Store) Delete(ctx context.Context, collection, key string, version int64) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &s.table,
		Key:                       primaryKey(collection, key),
		ConditionExpression:       aws.String(attrVersion + " = :expected"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":expected": num(version)},
	})
	if conditionFailed(err) {
		if _, _, err := s.get(ctx, collection, key); err != nil {
			return err
		}
		return domain.ErrVersionConflict
	}
	if err != nil {
		return fmt.Errorf("dynamo: delete %s/%s: %w", collection, key, err)
	}
	return nil
}

func (s *Store) Query(ctx context.Context, q domain.Query) (domain.Page, error) {
	if q.Index < 0 || q.Index > domain.NumIndexes || (q.Index > 0 && q.Partition == "") {
		return domain.Page{}, fmt.Errorf("dynamo: query %s: index %d needs a partition", q.Collection, q.Index)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = domain.DefaultPageSize
	}
	limit = min(limit, domain.MaxPageSize)

	in := &dynamodb.QueryInput{TableName: &s.table, ExpressionAttributeValues: map[string]types.AttributeValue{}}
	partAttr, sortAttr := attrPartition, attrSort
	in.ExpressionAttributeValues[":part"] = str(q.Collection)
	var prefix types.AttributeValue = str(q.Prefix)
	if q.Index > 0 {
		in.IndexName = aws.String(indexName(q.Index))
		partAttr, sortAttr = indexPartition(q.Index), indexSort(q.Index)
		in.ExpressionAttributeValues[":part"] = str(q.Collection + "#" + q.Partition)
		prefix = bin([]byte(q.Prefix))
	}
	cond := partAttr + " = :part"
	if q.Prefix != "" {
		cond += " AND begins_with(" + sortAttr + ", :prefix)"
		in.ExpressionAttributeValues[":prefix"] = prefix
	}
	in.KeyConditionExpression = &cond
	if q.Cursor != "" {
		c, err := domain.DecodeCursor(q)
		if err != nil {
			return domain.Page{}, err
		}
		in.ExclusiveStartKey = primaryKey(q.Collection, c.Key)
		if q.Index > 0 {
			in.ExclusiveStartKey[partAttr] = str(q.Collection + "#" + q.Partition)
			in.ExclusiveStartKey[sortAttr] = bin(indexSortValue(c.Sort, c.Key))
		}
	}

	// One item more than the page tells whether another page follows, so the last page never
	// hands out a cursor to an empty one. DynamoDB may stop early at 1 MB, hence the loop.
	var page domain.Page
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(page.Items)))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return domain.Page{}, fmt.Errorf("dynamo: query %s: %w", q.Collection, err)
		}
		for _, av := range out.Items {
			it, _, err := unmarshal(av)
			if err != nil {
				return domain.Page{}, err
			}
			page.Items = append(page.Items, it)
		}
		if len(out.LastEvaluatedKey) == 0 || len(page.Items) > limit {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
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
