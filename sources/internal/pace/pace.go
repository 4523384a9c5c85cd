// Package pace keeps a process's requests to an API under the server's rate limit, by the
// limit the server itself announces. gitlab.com sends on every answer RateLimit-Limit (2,000
// requests a minute per user), RateLimit-Remaining and RateLimit-Reset (a Unix time: the
// end of the minute window), per its "User and IP rate limits" documentation. A Limiter
// lets requests go at once while the window has budget to spare, spreads them over the time
// left once it runs low, and waits for the next window when none is left; it never waits
// longer than a cap, nor past the request's deadline (it fails at once instead, saying when
// to come back).
//
// client-go has a limiter of its own (0.66 x the limit a second, burst 10, once it has seen
// RateLimit-Limit): with parallel pages it throttled a refresh far below what the server
// allows, and it cannot know what other refreshes of the process spend. oncall turns it off
// and puts this one under the client's HTTP transport, shared by every call to one server
// with one token.
package pace

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

// Limiter paces the requests to one server made with one token. Safe for concurrent use.
type Limiter struct {
	// Now and SleepUntil are the clock; tests replace them (nil: the wall clock).
	Now        func() time.Time
	SleepUntil func(ctx context.Context, t time.Time) error
	// MaxWait caps any one wait (httpx.DefaultMaxWait when 0).
	MaxWait time.Duration

	mu       sync.Mutex
	known    bool      // a window's budget is known
	guessed  bool      // the window is the one after an ended one: no answer has told of it yet
	limit    int       // requests a window, when the server said (RateLimit-Limit)
	tokens   int       // requests the window has left for us, less those started since
	seen     int       // the lowest RateLimit-Remaining of the window: the server's latest count
	reset    time.Time // when the window ends, on our clock
	nextAt   time.Time // when the budget is low: the next request's turn
	inFlight int
}

// lowShare is the share of the limit below which requests are spread over the time left in
// the window rather than sent at once: a refresh bursts, a busy process slows down smoothly
// before the server would refuse it.
const lowShare = 10 // one tenth

// minWait keeps a wait for a window whose end has just passed from spinning.
const minWait = 50 * time.Millisecond

// maxHeader bounds the numbers read from headers: no allocation or loop depends on them, but
// a sum must not overflow.
const maxHeader = 1 << 30

// WaitError is a request that was not sent because the rate limit's wait would not fit
// before its deadline.
type WaitError struct{ Wait time.Duration }

func (e *WaitError) Error() string {
	return fmt.Sprintf("rate limit nearly spent: the next request may go in %s, after the deadline", e.Wait.Round(time.Second))
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Limiter) sleepUntil(ctx context.Context, until time.Time) error {
	if l.SleepUntil != nil {
		return l.SleepUntil(ctx, until)
	}
	return Sleep(ctx, time.Until(until))
}

// Sleep waits d, or until ctx is done (then it says why).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (l *Limiter) maxWait() time.Duration {
	if l.MaxWait > 0 {
		return l.MaxWait
	}
	return httpx.DefaultMaxWait
}

// Wait blocks until a request may go, and counts it as started: every Wait that returns nil
// must be followed by one Observe.
func (l *Limiter) Wait(ctx context.Context) error {
	maxWait := l.maxWait()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := l.now()
		l.mu.Lock()
		d := l.take(now)
		l.mu.Unlock()
		if d <= 0 {
			return nil
		}
		d = min(d, maxWait)
		// The deadline is on the wall clock, the pacer's clock may be a test's: compare
		// the wait with the time left.
		if deadline, ok := ctx.Deadline(); ok && d > time.Until(deadline) {
			httpx.NoteWait(ctx, d) // the caller learns when to come back
			return &WaitError{Wait: d}
		}
		if err := l.sleepUntil(ctx, now.Add(d)); err != nil {
			return err
		}
	}
}

// take starts a request now (returning 0) or says how long to wait first; l.mu is held.
func (l *Limiter) take(now time.Time) time.Duration {
	if l.known && !now.Before(l.reset) {
		l.newWindow(now)
	}
	if l.known {
		if l.tokens <= 0 {
			return max(l.reset.Sub(now), minWait)
		}
		if l.low() {
			if now.Before(l.nextAt) {
				return l.nextAt.Sub(now)
			}
			l.nextAt = now.Add(l.reset.Sub(now) / time.Duration(l.tokens))
		}
		l.tokens--
	}
	l.inFlight++
	return 0
}

// newWindow starts the window after the one that ended: the whole limit, when the server
// told it, less what is in flight; else the budget is unknown until the next answer.
func (l *Limiter) newWindow(now time.Time) {
	if l.limit <= 0 {
		l.known = false
		return
	}
	l.tokens = l.limit - l.inFlight
	l.reset = now.Add(time.Minute) // until an answer says when this one ends
	l.nextAt, l.guessed = time.Time{}, true
}

func (l *Limiter) low() bool {
	if l.limit > 0 {
		return l.tokens*lowShare <= l.limit
	}
	return l.tokens <= 10
}

// Observe reads the rate-limit headers of an answer to a request that Wait let go (resp nil
// when the request failed without one).
func (l *Limiter) Observe(resp *http.Response) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight = max(l.inFlight-1, 0)
	if resp == nil {
		return
	}
	h := resp.Header
	if resp.StatusCode == http.StatusTooManyRequests {
		// A refused request is left to its source: it fails with the server's Retry-After,
		// which the hub honours for that source alone. A 429 may be one endpoint's limit or a
		// proxy's, and the budget the server counts is paced by its other answers.
		return
	}
	remaining := headerInt(h, "RateLimit-Remaining")
	if remaining < 0 {
		return // the server does not say: nothing to pace by
	}
	if limit := headerInt(h, "RateLimit-Limit"); limit > 0 {
		l.limit = limit
	}
	resetIn, ok := httpx.RateLimitReset(h, httpx.ServerTime(h, now))
	if !ok {
		resetIn = time.Minute // no end said: assume gitlab.com's minute
	}
	reset := now.Add(min(resetIn, l.maxWait())) // no window lasts longer than a wait may
	// The answer counts every request the server saw before it, ours and any other client's
	// with the same token; ours still in flight may not be among them.
	tokens := remaining - l.inFlight
	switch {
	case !reset.After(now):
		// The window of this answer has ended: it says nothing of the current one.
	case !l.known || l.guessed || reset.After(l.reset.Add(2*time.Second)):
		// The first word on this window (Reset is a whole second, read through Date: allow
		// for rounding before calling it a new one).
		l.known, l.guessed, l.tokens, l.seen, l.reset, l.nextAt = true, false, tokens, remaining, reset, time.Time{}
	case remaining <= l.seen:
		// The server's latest count; answers arrive out of order, and an older one, with
		// more remaining, is stale.
		l.seen, l.tokens = remaining, tokens
	}
}

// headerInt reads a non-negative count from header name, capped; -1 when absent or not one.
func headerInt(h http.Header, name string) int {
	n, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return int(min(n, maxHeader))
}

// Transport sends requests through Base (http.DefaultTransport when nil) at the pace of
// Limiter.
type Transport struct {
	Base    http.RoundTripper
	Limiter *Limiter
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if err := t.Limiter.Wait(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, err
	}
	resp, err := base.RoundTrip(req)
	t.Limiter.Observe(resp)
	return resp, err
}

var (
	sharedMu sync.Mutex
	shared   = map[[32]byte]*Limiter{}
)

// Shared is the process's limiter of the server at baseURL for token: every client of the
// same server and token shares its budget. The token is kept only as part of a hash.
func Shared(baseURL, token string) *Limiter {
	key := sha256.Sum256([]byte(strings.TrimRight(baseURL, "/") + "\x00" + token))
	sharedMu.Lock()
	defer sharedMu.Unlock()
	l, ok := shared[key]
	if !ok {
		if len(shared) >= 64 { // a process talks to one or two servers; never grow without end
			shared = map[[32]byte]*Limiter{}
		}
		l = &Limiter{}
		shared[key] = l
	}
	return l
}
