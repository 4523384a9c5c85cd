package gitlab

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/internal/pace"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// fakeClock moves forward only when the pacer sleeps, to the time it sleeps until.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
	return ctx.Err()
}

// A queue of many pages read against gitlab.com's rate limit (here 40 requests a minute)
// is paced by the server's headers: no request is refused, and client-go's own limiter,
// which would wait on the wall clock, is off.
func TestTheQueueIsPacedByTheServersRateLimit(t *testing.T) {
	clock := &fakeClock{t: now}
	opts := sim.WithRateLimitClock(sim.DefaultOptions(now), clock.Now)
	opts.Bulk = sim.Bulk{QueueIssues: 600}
	opts.GitLabRateLimit = 40
	var refused, requests atomic.Int64
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status == http.StatusTooManyRequests {
				refused.Add(1)
			}
		})
	}
	srv, _ := simtest.NewTestServer(t, opts, count)
	// 600 issues: about 120 pages, three windows' worth.
	src, err := New(Config{BaseURL: srv.URL, Token: "glpat-test", PageSize: 5, MaxPages: 1000, Labels: opts.Labels,
		ProductionProject: opts.ProductionProject, Limiter: &pace.Limiter{Now: clock.Now, SleepUntil: clock.SleepUntil}})
	if err != nil {
		t.Fatal(err)
	}
	// The pacer sleeps on the fake clock; the deadline, on the wall clock, must leave room for
	// the waits it asks (a minute each at most), which take no real time.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	incidents, changes, err := src.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents)+len(changes) != 600 || refused.Load() != 0 {
		t.Fatalf("%d issues in %d requests, %d refused; want 600 and none refused", len(incidents)+len(changes), requests.Load(), refused.Load())
	}
	if took := clock.Now().Sub(now); took < 2*time.Minute {
		t.Fatalf("%d requests at 40 a minute took %s of the clock", requests.Load(), took)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
