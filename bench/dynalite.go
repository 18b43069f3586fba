package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jsipa/ips/shared/dynamo"
)

// dynaliteServer starts dynalite (a local DynamoDB, which `make tools` installs into tools/) on a
// port the kernel picks; it exits when its stdin closes, so it never outlives the bench.
const dynaliteServer = `
const dynalite = require('dynalite');
const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`

// dynaliteStore starts dynalite, creates the platform's table in it and returns the DynamoDB
// store on that table, configured from the environment as a deployed function is.
func (b *bench) dynaliteStore(ctx context.Context) (*dynamo.Store, func(), error) {
	modules := filepath.Join(b.root, "tools", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "dynalite", "package.json")); err != nil {
		return nil, nil, fmt.Errorf("dynalite is not installed in %s: `make bench` installs it (make tools): %w", modules, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, nil, fmt.Errorf("dynalite needs Node.js: %w", err)
	}
	p, port, err := startProc(ctx, "dynalite", node, []string{"-e", dynaliteServer}, []string{"NODE_PATH=" + modules},
		true, regexp.MustCompile(`^listening (\d+)$`), time.Minute)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:" + port,
		// dynalite checks that a region and credentials are present, not what they are.
		"AWS_REGION": "cn-north-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
		// A profile or an instance-metadata lookup of this machine must not change where the
		// store connects, nor stall it.
		"AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		os.Setenv(k, v)
	}
	const table = "ips-bench"
	st, err := dynamo.Open(ctx, table)
	if err == nil {
		err = dynamo.CreateTable(ctx, st.Client(), table)
	}
	if err != nil {
		p.kill()
		return nil, nil, err
	}
	return st, p.kill, nil
}
