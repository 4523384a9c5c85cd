package pagerduty

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// together holds each request to one of paths until all of them have arrived (or 10s have
// passed, which marks the test failed): they pass only when the client sends them at once.
func together(t *testing.T, paths ...string) func(http.Handler) http.Handler {
	var mu sync.Mutex
	arrived := map[string]bool{}
	all := make(chan struct{})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, p := range paths {
				if r.URL.Path != p {
					continue
				}
				mu.Lock()
				arrived[p] = true
				if len(arrived) == len(paths) {
					close(all)
				}
				mu.Unlock()
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					t.Errorf("%s was answered before the others of %v were asked", p, paths)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A schedule and its users are read in one round trip.
func TestAScheduleAndItsUsersAreReadAtOnce(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Rotation = opts.Rotation[:1]
	id := opts.Rotation[0].Schedule
	srv, _ := simtest.NewTestServer(t, opts, together(t, "/schedules/"+id, "/schedules/"+id+"/users"))
	if _, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, now); err != nil {
		t.Fatal(err)
	}
}

// After a first read, the on-calls of the pages' escalation policies are asked for beside
// the pages: one round trip. A source seeded with cached pages does so from the start.
func TestPoliciesAreReadBesideThePages(t *testing.T) {
	opts := sim.DefaultOptions(now)
	plain, _ := simtest.NewTestServer(t, opts, nil)
	first, err := New(plain.URL, "pd-test", nil).Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if first.Open[0].EscalationPolicyID == "" {
		t.Fatalf("pages carry no policy id: %+v", first.Open[0])
	}
	srv, _ := simtest.NewTestServer(t, opts, together(t, "/incidents", "/oncalls"))
	s := New(srv.URL, "pd-test", nil)
	s.SeedPolicies(first.Open)
	got, err := s.Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Open[0].EscalationLevel != first.Open[0].EscalationLevel || got.Open[0].EscalationLevel == 0 {
		t.Fatalf("levels %d and %d", got.Open[0].EscalationLevel, first.Open[0].EscalationLevel)
	}
}
