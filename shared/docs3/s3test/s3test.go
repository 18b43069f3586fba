// Package s3test runs a real S3-compatible server (versitygw, a Go S3 gateway that `make tools`
// installs into the repository's tools/bin) for the tests that need one: on a free loopback
// port, over a posix backend in the test's temporary folder, with fixed root credentials. A test
// that cannot start it fails: it is never skipped, so a green run means S3 was exercised. Only
// tests import it (shared/archtest checks).
package s3test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/jsipa/ips/shared/docs3"
)

// Region and the gateway's root credentials.
const (
	Region    = "cn-north-1"
	AccessKey = "ips-local-root"
	SecretKey = "ips-local-root-secret"
)

// Local is one running versitygw.
type Local struct {
	// Endpoint is its URL, for AWS_ENDPOINT_URL_S3 or a client's BaseEndpoint.
	Endpoint string
	buckets  atomic.Int64
}

// repoRoot is the folder holding go.mod, found from the test's working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Binary is where `make tools` installs versitygw.
func Binary() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "tools", "bin", "versitygw"), nil
}

// Start runs versitygw for the rest of t (t.Cleanup stops it).
func Start(t testing.TB) *Local {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("versitygw is not installed at %s: run `make tools` (or `make test`, which runs it): %v", bin, err)
	}
	// versitygw cannot report a port the kernel picked, so take a free one and hand it over;
	// another process may grab it in between, in which case the gateway exits and we try again.
	var last string
	for attempt := 0; attempt < 5; attempt++ {
		addr, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if l, log, ok := start(t, bin, addr); ok {
			return l
		} else {
			last = log
		}
	}
	t.Fatalf("versitygw did not start: %s", last)
	return nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs one gateway on addr and waits until it accepts connections; false with its output
// when it exits first.
func start(t testing.TB, bin, addr string) (*Local, string, bool) {
	t.Helper()
	dir := t.TempDir()
	data, meta := filepath.Join(dir, "data"), filepath.Join(dir, "meta")
	for _, d := range []string{data, meta} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Metadata in a sidecar folder rather than extended attributes, which not every
	// filesystem a test's temporary folder lives on supports.
	cmd := exec.Command(bin, "--port", addr, "--access", AccessKey, "--secret", SecretKey,
		"--region", Region, "--quiet", "posix", "--sidecar", meta, data)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID=", "ROOT_SECRET_ACCESS_KEY=")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return nil, out.String(), false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			t.Cleanup(stop)
			return &Local{Endpoint: "http://" + addr}, "", true
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	t.Fatalf("versitygw did not listen on %s within 30 s: %s", addr, out.String())
	return nil, "", false
}

// Config is an AWS configuration that talks to this gateway.
func (l *Local) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		BaseEndpoint: aws.String(l.Endpoint),
	}
}

// Env is the environment under which a process's docs3.Open reaches this gateway's bucket.
func (l *Local) Env(bucket string) []string {
	return []string{
		"IPS_DOCUMENTS_BUCKET=" + bucket,
		"AWS_ENDPOINT_URL_S3=" + l.Endpoint,
		"AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + SecretKey,
		// A stray profile or IMDS lookup on a developer's machine must not change where the
		// process connects, nor stall it.
		"AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true",
	}
}

// NewBucket creates a fresh bucket and returns its name.
func (l *Local) NewBucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("ips-test-%d", l.buckets.Add(1))
	client := s3.NewFromConfig(l.Config(), func(o *s3.Options) { o.UsePathStyle = true })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// Store creates a fresh bucket and returns a store on it.
func (l *Local) Store(t testing.TB) *docs3.Store {
	t.Helper()
	return docs3.New(l.Config(), l.NewBucket(t), true)
}
