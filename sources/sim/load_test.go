package sim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// These tests are inside the package: they set the rate limit's clock (Load.now).

var loadNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func loadOptions(l Load) Options {
	opts := DefaultOptions(loadNow)
	opts.Load = l
	return opts
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *fakeClock) add(d time.Duration) { c.set(c.now().Add(d)) }

// noPacing stands in for client-go's own limiter, which after the first RateLimit-Limit: 3
// would pace this test at 0.66 x 3/60 requests a second.
type noPacing struct{}

func (noPacing) Wait(context.Context) error { return nil }

func TestGitLabRateLimitSendsGitLabComHeadersAnd429PastTheLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 14, 30, 20, 0, time.UTC)}
	s := New(loadOptions(Load{GitLabRateLimit: 3, now: clock.now}))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, err := gl.NewClient("glpat-one", gl.WithBaseURL(srv.URL), gl.WithoutRetries(), gl.WithCustomLimiter(noPacing{}))
	if err != nil {
		t.Fatal(err)
	}
	reset := strconv.FormatInt(time.Date(2026, 11, 23, 14, 31, 0, 0, time.UTC).Unix(), 10)
	for i := 1; i <= 3; i++ {
		_, resp, err := c.Users.CurrentUser()
		if err != nil {
			t.Fatalf("request %d of 3: %v", i, err)
		}
		want := map[string]string{"RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "3",
			"RateLimit-Observed": strconv.Itoa(i), "RateLimit-Remaining": strconv.Itoa(3 - i), "RateLimit-Reset": reset}
		for h, v := range want {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("request %d: %s is %q; want %q", i, h, got, v)
			}
		}
		if resp.Header.Get("Retry-After") != "" {
			t.Errorf("request %d was admitted but carries Retry-After", i)
		}
	}

	clock.add(15 * time.Second) // 14:30:35, 25 s before the window ends
	_, resp, err := c.Users.CurrentUser()
	var er *gl.ErrorResponse
	if !errors.As(err, &er) || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the 4th request of the minute: %v; want 429", err)
	}
	for h, v := range map[string]string{"RateLimit-Remaining": "0", "RateLimit-Observed": "4", "RateLimit-Reset": reset,
		"Retry-After": "25", "RateLimit-ResetTime": "Mon, 23 Nov 2026 14:31:00 GMT", "Content-Type": "text/plain"} {
		if got := resp.Header.Get(h); got != v {
			t.Errorf("429: %s is %q; want %q", h, got, v)
		}
	}

	// Another user has a window of their own; PagerDuty is not GitLab's to limit.
	other, _ := gl.NewClient("glpat-two", gl.WithBaseURL(srv.URL), gl.WithoutRetries(), gl.WithCustomLimiter(noPacing{}))
	if _, _, err := other.Users.CurrentUser(); err != nil {
		t.Errorf("another token was limited by the first one's requests: %v", err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/incidents", nil)
	req.Header.Set("Authorization", "Token token=pd")
	pd, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pd.Body.Close()
	if pd.StatusCode != 200 || pd.Header.Get("RateLimit-Name") != "" {
		t.Errorf("PagerDuty answered %d with RateLimit-Name %q; want its own answer", pd.StatusCode, pd.Header.Get("RateLimit-Name"))
	}

	clock.set(time.Date(2026, 11, 23, 14, 31, 0, 0, time.UTC)) // a new window
	_, resp, err = c.Users.CurrentUser()
	if err != nil || resp.Header.Get("RateLimit-Observed") != "1" {
		t.Fatalf("the next minute: %v, observed %q; want a fresh window", err, resp.Header.Get("RateLimit-Observed"))
	}
}

func TestNoRateLimitHeadersUnlessAsked(t *testing.T) {
	srv := httptest.NewServer(New(loadOptions(Load{})).Handler())
	defer srv.Close()
	c, _ := gl.NewClient("glpat-one", gl.WithBaseURL(srv.URL), gl.WithoutRetries())
	_, resp, err := c.Users.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	if h := resp.Header.Get("RateLimit-Limit"); h != "" {
		t.Errorf("RateLimit-Limit %q without GitLabRateLimit: client-go would start pacing", h)
	}
}

func TestLatencyDelaysEveryAnswer(t *testing.T) {
	const latency = 150 * time.Millisecond
	srv := httptest.NewServer(New(loadOptions(Load{Latency: latency})).Handler())
	defer srv.Close()
	for _, path := range []string{"/api/v4/user", "/incidents"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Private-Token", "x")
		req.Header.Set("Authorization", "Token token=x")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// A lower bound only: a busy machine makes it later, never earlier.
		if took := time.Since(start); took < latency || resp.StatusCode != 200 {
			t.Errorf("%s answered %d after %v; want 200 after at least %v", path, resp.StatusCode, took, latency)
		}
	}
}

func TestLatencyEndsWithTheRequestsContext(t *testing.T) {
	h := New(loadOptions(Load{Latency: time.Hour})).Handler()
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/v4/user", nil)
	req.Header.Set("Private-Token", "x")
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(rec, req); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // generous: the latency is an hour
		t.Fatal("the handler went on waiting after the client gave up")
	}
	if rec.Body.Len() != 0 {
		t.Errorf("an answer was written to a client that gave up: %q", rec.Body.String())
	}
}
