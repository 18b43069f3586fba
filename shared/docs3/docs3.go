// Package docs3 keeps uploaded documents in one S3 bucket (the DocumentsBucket resource of
// template.yaml), written through aws-sdk-go-v2. doctest holds the suite it passes, on versitygw
// (docs3/s3test) in the tests.
//
// # Objects
//
// A document is one object whose key is the document's key (domain.CheckDocumentKey). Each
// object carries:
//   - Content-Type, the type the uploader gave;
//   - x-amz-meta-sha256, the content's SHA-256 in hex, which Stat and Get report without
//     reading the content;
//   - x-amz-checksum-sha256, the same digest, which S3 verifies against the bytes it received
//     (a body damaged in transit is refused, not stored) and keeps with the object; Get asks S3
//     to return it and the SDK checks the bytes it reads against it;
//   - x-amz-server-side-encryption: AES256 (SSE-S3). The bucket's default encryption is SSE-S3 too;
//     KMS would add a key policy for every function and a KMS call per request, for no gain in
//     a bucket only the platform's roles can read.
//
// # Writes
//
// Documents are immutable: Put writes with If-None-Match: *, so S3 itself refuses a second
// object under a key (412, or 409 for a write racing another) and two racing uploads store
// exactly one. The loser gets domain.ErrAlreadyExists, unless the key holds exactly what it
// uploaded (same SHA-256, size and type): a retried upload succeeds, as on every adapter. The bucket keeps versions as well, so even
// a write that bypassed this package could not destroy a document.
//
// The body is first copied to a temporary file (at most domain.MaxDocumentBytes, in os.TempDir:
// Lambda's /tmp), computing its SHA-256 and length on the way. That bounds memory whatever the
// upload, lets the digest travel as a header S3 verifies, and gives the SDK a seekable body, so
// a failed attempt is retried. A body that fails to read, is too long, or differs from its
// declared size never reaches S3.
//
// # Retries
//
// Throttling (503 SlowDown) and transient failures are retried by the SDK's standard retryer
// with jittered exponential backoff, at most maxAttempts times. A retried conditional Put that
// meets its own first attempt, which landed although its answer was lost, is told from a real
// conflict by the digest, as above.
package docs3

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/jsipa/ips/shared/domain"
)

// metaSHA256 is the user-metadata name of the digest (x-amz-meta-sha256).
const metaSHA256 = "sha256"

// Retry settings: a few attempts with the SDK's jittered exponential backoff (capped at 2 s),
// so the waits stay well inside a function's 15 s timeout even with a 20 MiB upload.
const (
	maxAttempts = 4
	maxBackoff  = 2 * time.Second
)

// Store implements domain.Documents on one S3 bucket.
type Store struct {
	client *s3.Client
	bucket string
}

var _ domain.Documents = (*Store)(nil)

// Open connects to bucket with the AWS configuration of the environment: on Lambda the
// function's role and region; elsewhere AWS_REGION, credentials, and AWS_ENDPOINT_URL_S3 for a
// local S3-compatible server, which is then addressed path-style (http://host/bucket/key), as
// such servers expect.
func Open(ctx context.Context, bucket string) (*Store, error) {
	if bucket == "" {
		return nil, errors.New("docs3: no bucket named")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("docs3: AWS configuration: %w", err)
	}
	local := os.Getenv("AWS_ENDPOINT_URL_S3") != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
	return New(cfg, bucket, local), nil
}

// New makes a store on bucket from an AWS configuration, with the platform's retry policy.
// usePathStyle addresses the bucket in the path rather than the host name, for local servers.
func New(cfg aws.Config, bucket string, usePathStyle bool) *Store {
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = usePathStyle
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = maxBackoff
		})
	})
	return &Store{client: client, bucket: bucket}
}

// Client is the underlying S3 client, for setting up buckets in tests and tools.
func (s *Store) Client() *s3.Client { return s.client }

// Put implements domain.Documents.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) (domain.DocumentInfo, error) {
	if err := domain.CheckDocumentKey(key); err != nil {
		return domain.DocumentInfo{}, err
	}
	if contentType == "" {
		contentType = domain.DefaultContentType
	}
	spool, err := os.CreateTemp("", "ips-upload-*")
	if err != nil {
		return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: %w", key, err)
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	sum, n, err := domain.CopyDocument(spool, body, size)
	if err != nil {
		return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: %w", key, err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: %w", key, err)
	}
	raw, _ := hex.DecodeString(sum)
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:               aws.String(s.bucket),
		Key:                  aws.String(key),
		Body:                 spool,
		ContentLength:        aws.Int64(n),
		ContentType:          aws.String(contentType),
		ChecksumAlgorithm:    types.ChecksumAlgorithmSha256,
		ChecksumSHA256:       aws.String(base64.StdEncoding.EncodeToString(raw)),
		Metadata:             map[string]string{metaSHA256: sum},
		ServerSideEncryption: types.ServerSideEncryptionAes256,
		IfNoneMatch:          aws.String("*"),
	})
	if err != nil {
		if !isStatus(err, http.StatusPreconditionFailed, http.StatusConflict) {
			return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: %w", key, err)
		}
		// The key is taken: by another upload, or by this very content before (this call's
		// own attempt whose answer was lost, or a retried upload), which is success.
		info, statErr := s.Stat(ctx, key)
		if statErr != nil || info.SHA256 != sum || info.Size != n || info.ContentType != contentType {
			return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: %w", key, domain.ErrAlreadyExists)
		}
		return info, nil
	}
	// The stored object's own description, so Put, Stat and Get agree on StoredAt.
	info, err := s.Stat(ctx, key)
	if err != nil {
		return domain.DocumentInfo{}, fmt.Errorf("docs3: put %s: stored, but: %w", key, err)
	}
	return info, nil
}

// Get implements domain.Documents. The SDK checks the bytes it reads against the stored
// SHA-256 checksum and fails the last Read on a mismatch.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, domain.DocumentInfo, error) {
	if err := domain.CheckDocumentKey(key); err != nil {
		return nil, domain.DocumentInfo{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket:       aws.String(s.bucket),
		Key:          aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return nil, domain.DocumentInfo{}, s.readError("get", key, err)
	}
	info, err := describe(key, out.Metadata, out.ChecksumSHA256, out.ContentLength, out.ContentType, out.LastModified)
	if err != nil {
		out.Body.Close()
		return nil, domain.DocumentInfo{}, err
	}
	return out.Body, info, nil
}

// Stat implements domain.Documents.
func (s *Store) Stat(ctx context.Context, key string) (domain.DocumentInfo, error) {
	if err := domain.CheckDocumentKey(key); err != nil {
		return domain.DocumentInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       aws.String(s.bucket),
		Key:          aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return domain.DocumentInfo{}, s.readError("stat", key, err)
	}
	return describe(key, out.Metadata, out.ChecksumSHA256, out.ContentLength, out.ContentType, out.LastModified)
}

// describe is a DocumentInfo from an object's headers. The digest comes from the metadata Put
// writes, or else from S3's own SHA-256 checksum (an object uploaded by other means).
func describe(key string, meta map[string]string, checksum *string, length *int64, contentType *string, modified *time.Time) (domain.DocumentInfo, error) {
	sum := meta[metaSHA256]
	if sum == "" && checksum != nil {
		if raw, err := base64.StdEncoding.DecodeString(*checksum); err == nil && len(raw) == 32 {
			sum = hex.EncodeToString(raw)
		}
	}
	if sum == "" {
		return domain.DocumentInfo{}, fmt.Errorf("docs3: %s carries no SHA-256 (metadata %s or checksum)", key, metaSHA256)
	}
	return domain.DocumentInfo{
		Key:         key,
		SHA256:      sum,
		Size:        aws.ToInt64(length),
		ContentType: aws.ToString(contentType),
		StoredAt:    aws.ToTime(modified),
	}, nil
}

// readError maps a missing object (NoSuchKey from GetObject, a bare 404 from HeadObject, which
// has no body to name an error in) to domain.ErrNotFound.
func (s *Store) readError(op, key string, err error) error {
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	if errors.As(err, &noKey) || errors.As(err, &notFound) || isStatus(err, http.StatusNotFound) {
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket" {
			return fmt.Errorf("docs3: %s %s: %w", op, key, err)
		}
		return fmt.Errorf("docs3: %s %s: %w", op, key, domain.ErrNotFound)
	}
	return fmt.Errorf("docs3: %s %s: %w", op, key, err)
}

// isStatus tells whether err is an HTTP answer with one of codes.
func isStatus(err error, codes ...int) bool {
	var resp *smithyhttp.ResponseError
	if !errors.As(err, &resp) {
		return false
	}
	for _, c := range codes {
		if resp.HTTPStatusCode() == c {
			return true
		}
	}
	return false
}
