package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// runner is the local runner binary (infra/local) started as `make run` starts it, on a data
// directory of the bench's.
type runner struct {
	*proc
	url    string
	client *http.Client
}

var runnerURL = regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)/`)

func (b *bench) startRunner(ctx context.Context, dataDir string, env ...string) (*runner, error) {
	p, url, err := startProc(ctx, "local runner", b.runnerBin, nil,
		append([]string{"IPS_ADDR=127.0.0.1:0", "IPS_DATA_DIR=" + dataDir}, env...), true, runnerURL, 2*time.Minute)
	if err != nil {
		return nil, err
	}
	return &runner{proc: p, url: url, client: &http.Client{Timeout: 5 * time.Minute}}, nil
}

// call sends a JSON request and decodes a JSON answer, failing on any status but want.
func (r *runner) call(ctx context.Context, method, path, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// token is a dev token (POST /dev/token) for the principal req names.
func (r *runner) token(ctx context.Context, req map[string]any) (string, error) {
	var out struct{ Token string }
	if err := r.call(ctx, http.MethodPost, "/dev/token", "", req, &out, http.StatusCreated); err != nil {
		return "", err
	}
	return out.Token, nil
}

// agencyTokens signs in agencies from..to-1 (each files as itself), a few at a time.
func (r *runner) agencyTokens(ctx context.Context, from, to int) ([]string, error) {
	tokens := make([]string, to-from)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < to; i += workers {
				code, err := agencyCode(i)
				if err == nil {
					tokens[i-from], err = r.token(ctx, map[string]any{"role": "agency", "subject": code})
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
		return tokens, nil
	}
}
