// Package dynamotest runs a real local DynamoDB (dynalite, which `make test` installs into the
// repository's tools folder) for the tests that need one. A test that cannot start it fails: it
// is never skipped, so a green run means DynamoDB was exercised. Only tests import it
// (shared/archtest checks).
package dynamotest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/jsipa/ips/shared/dynamo"
)

// Region and credentials a local DynamoDB accepts; it checks their presence, not their value.
const (
	Region    = "cn-north-1"
	AccessKey = "local"
	SecretKey = "local"
)

// server starts dynalite on a port the kernel picks and prints it, so parallel test processes
// never race for a port. It exits when its stdin closes, so a killed test leaves nothing behind.
const server = `
const dynalite = require('dynalite');
const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`

// Local is one running dynalite.
type Local struct {
	// Endpoint is its URL, for AWS_ENDPOINT_URL_DYNAMODB or a client's BaseEndpoint.
	Endpoint string
	tables   atomic.Int64
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

// Start runs dynalite for the rest of t (t.Cleanup stops it).
func Start(t testing.TB) *Local {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	modules := filepath.Join(root, "tools", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "dynalite", "package.json")); err != nil {
		t.Fatalf("dynalite is not installed in %s: run `make test`, which installs it (npm ci in tools/): %v", modules, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("dynalite needs Node.js: %v", err)
	}
	cmd := exec.Command(node, "-e", server)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dynalite: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				port <- p
			}
		}
		close(port)
	}()
	select {
	case p, ok := <-port:
		if !ok {
			cmd.Wait()
			t.Fatalf("dynalite exited before listening: %s", stderr.String())
		}
		return &Local{Endpoint: "http://127.0.0.1:" + p}
	case <-time.After(30 * time.Second):
		t.Fatalf("dynalite did not start within 30 s: %s", stderr.String())
	}
	return nil
}

// Config is an AWS configuration that talks to this dynalite.
func (l *Local) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		BaseEndpoint: aws.String(l.Endpoint),
	}
}

// Env is the environment under which a process's dynamo.Open reaches this dynalite's table.
func (l *Local) Env(table string) []string {
	return []string{
		"IPS_DYNAMODB_TABLE=" + table,
		"AWS_ENDPOINT_URL_DYNAMODB=" + l.Endpoint,
		"AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=" + AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + SecretKey,
		// A stray profile or IMDS lookup on a developer's machine must not change where the
		// process connects, nor stall it.
		"AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true",
	}
}

// NewTable creates a fresh platform table and returns its name.
func (l *Local) NewTable(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("ips-test-%d", l.tables.Add(1))
	store := dynamo.New(l.Config(), name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(ctx, store.Client(), name); err != nil {
		t.Fatal(err)
	}
	return name
}

// Store creates a fresh table and returns a store on it.
func (l *Local) Store(t testing.TB) *dynamo.Store {
	t.Helper()
	return dynamo.New(l.Config(), l.NewTable(t))
}
