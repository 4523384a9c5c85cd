package hub

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var now = time.Date(2026, 11, 23, 15, 20, 0, 0, time.UTC)

// fakeSleep records the waits the retry asks for and returns at once: no test waits.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) install(t *testing.T) {
	real := sleep
	sleep = func(_ context.Context, d time.Duration) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.waits = append(f.waits, d)
		return nil
	}
	t.Cleanup(func() { sleep = real })
}

// rateLimited answers the first n requests whose path contains match with a 429 and a
// Retry-After of after seconds, and counts them.
func rateLimited(match string, n int32, after string, seen *atomic.Int32) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, match) && seen.Add(1) <= n {
				w.Header().Set("Retry-After", after)
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte("Retry later\n"))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func testHub(t *testing.T, mw func(http.Handler) http.Handler) *Hub {
	t.Helper()
	opts := sim.DefaultOptions(now)
	srv, s := simtest.NewTestServer(t, opts, mw)
	h, err := New(Config{
		GitLab: gitlabConfig(srv.URL, opts), PagerDutyURL: srv.URL, PagerDutyToken: "pd-test",
		Rotation: opts.Rotation, People: s.People(), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSnapshotWaitsOutAShortRateLimit(t *testing.T) {
	var f fakeSleep
	f.install(t)
	var seen atomic.Int32
	h := testHub(t, rateLimited("/schedules/", 1, "1", &seen))
	snap := h.Snapshot(context.Background(), now)
	if hl := snap.Health[model.SourceRotation]; hl.Failing() || len(snap.OnCall) == 0 {
		t.Fatalf("a 429 with Retry-After: 1 failed the rotation: %+v", hl)
	}
	if len(f.waits) != 1 || f.waits[0] != time.Second {
		t.Fatalf("waits %v; want one of 1s (the server's Retry-After)", f.waits)
	}
}

func TestSnapshotGivesUpWhenTheWaitDoesNotFit(t *testing.T) {
	var f fakeSleep
	f.install(t)
	var seen atomic.Int32
	h := testHub(t, rateLimited("/incidents", 100, "60", &seen))
	snap := h.Snapshot(context.Background(), now)
	hl := snap.Health[model.SourcePages]
	if !hl.Failing() || !strings.Contains(hl.LastError, "rate limited") || !strings.Contains(hl.LastError, "asked to wait 1m0s, which does not fit in the 10s deadline") {
		t.Fatalf("health %+v", hl)
	}
	if seen.Load() != 1 || len(f.waits) != 0 {
		t.Fatalf("%d requests, waits %v; want one request and no wait", seen.Load(), f.waits)
	}
}

func TestReportAndHandoffFactsRetry(t *testing.T) {
	var f fakeSleep
	f.install(t)
	var seen atomic.Int32
	h := testHub(t, rateLimited("/issues", 2, "2", &seen))
	if _, err := h.Report(context.Background(), model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now); err != nil {
		t.Fatalf("report: %v", err)
	}
	seen.Store(0)
	facts, err := h.HandoffFacts(context.Background(), now)
	if err != nil || len(facts.Incidents) == 0 {
		t.Fatalf("handoff facts: %v", err)
	}
	if len(f.waits) < 2 {
		t.Fatalf("waits %v", f.waits)
	}
}

func TestRetryStopsAtPermanentErrorsAndCountsTries(t *testing.T) {
	var f fakeSleep
	f.install(t)
	h := &Hub{cfg: Config{Timeout: 10 * time.Second}}
	tries := 0
	err := h.retry(context.Background(), time.Minute, func(context.Context) error {
		tries++
		return &model.PermanentError{Err: errors.New("403 insufficient_scope")}
	})
	if tries != 1 || !model.IsPermanent(err) {
		t.Fatalf("%d tries, %v", tries, err)
	}
	tries = 0
	err = h.retry(context.Background(), time.Minute, func(context.Context) error { tries++; return errors.New("502 Bad Gateway") })
	if tries != maxTries || !strings.Contains(err.Error(), "502 Bad Gateway (gave up after 4 tries)") {
		t.Fatalf("%d tries, %v", tries, err)
	}
	for i, w := range f.waits {
		if w < 200*time.Millisecond || w > 2500*time.Millisecond {
			t.Errorf("wait %d: %s", i, w)
		}
	}
}

func gitlabConfig(url string, opts sim.Options) gitlab.Config {
	return gitlab.Config{BaseURL: url, Token: "glpat-test", Labels: opts.Labels,
		ProductionProject: opts.ProductionProject, OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject}
}
