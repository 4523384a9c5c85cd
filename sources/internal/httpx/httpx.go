// Package httpx is the HTTP transport under both API clients: it caps response bodies,
// remembers what the server said about when to come back (Retry-After, RateLimit-Reset),
// which the clients themselves do not pass on, and refuses redirects that would carry a
// token to another address.
package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// MaxBody is the largest response read; past it the request fails instead of eating memory.
const MaxBody = 32 << 20

// ErrTooLarge is returned when a response body passes MaxBody.
var ErrTooLarge = errors.New("response larger than 32 MB")

// Hint collects the wait a server asked for during one refresh.
type Hint struct {
	mu    sync.Mutex
	after time.Duration
}

// RetryAfter is the longest wait any answer asked for (already capped), or 0.
func (h *Hint) RetryAfter() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.after
}

func (h *Hint) note(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.after = max(h.after, d)
}

type hintKey struct{}

// NoteWait records in ctx's hint (see WithHint) that the server's limits ask to wait d
// before the next request: a pacer that gives up on a request says so this way.
func NoteWait(ctx context.Context, d time.Duration) {
	if h, ok := ctx.Value(hintKey{}).(*Hint); ok && d > 0 {
		h.note(d)
	}
}

// WithHint returns a context whose requests report their Retry-After into the hint.
func WithHint(ctx context.Context) (context.Context, *Hint) {
	h := &Hint{}
	return context.WithValue(ctx, hintKey{}, h), h
}

// Transport wraps Base (http.DefaultTransport when nil).
type Transport struct {
	Base    http.RoundTripper
	Now     func() time.Time // for RateLimit-Reset given as a Unix time; time.Now when nil
	MaxWait time.Duration    // the longest wait a server may impose; DefaultMaxWait when 0
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if h, ok := req.Context().Value(hintKey{}).(*Hint); ok && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		limit := t.MaxWait
		if limit <= 0 {
			limit = DefaultMaxWait
		}
		if d := min(ServerWait(resp.Header, now()), limit); d > 0 {
			h.note(d)
		}
	}
	resp.Body = &limitedBody{rc: resp.Body, left: MaxBody}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
