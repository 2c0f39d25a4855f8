package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fetch downloads a document (a spec given as a URL) with the same hardening as the run's
// requests: a timeout over the whole exchange and a size cap. No key is ever sent, so
// redirects (up to 5) are followed.
func Fetch(ctx context.Context, url string, timeout time.Duration, maxBytes int64) ([]byte, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1")
	cl := &http.Client{CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return fmt.Errorf("more than 5 redirects")
		}
		return nil
	}}
	resp, err := cl.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", url, maxBytes)
	}
	return b, nil
}
