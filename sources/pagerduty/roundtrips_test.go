package pagerduty

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// A schedule and its users are read in one round trip.
func TestAScheduleAndItsUsersAreReadAtOnce(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Rotation = opts.Rotation[:1]
	id := opts.Rotation[0].Schedule
	srv, _ := simtest.NewTestServer(t, opts, simtest.Together(t, "/schedules/"+id, "/schedules/"+id+"/users"))
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
	srv, _ := simtest.NewTestServer(t, opts, simtest.Together(t, "/incidents", "/oncalls"))
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

// The policies' reads started beside the pages stop when Pages returns without needing
// them: a failed list leaves no request running against the rate limit.
func TestEarlyPolicyReadsStopWithPages(t *testing.T) {
	opts := sim.DefaultOptions(now)
	plain, _ := simtest.NewTestServer(t, opts, nil)
	first, err := New(plain.URL, "pd-test", nil).Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	started, stopped := make(chan struct{}, 64), make(chan struct{}, 64)
	release := make(chan struct{}) // lets a held read go when the test fails
	srv, _ := simtest.NewTestServer(t, opts, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/oncalls": // held until the client gives up on it
				started <- struct{}{}
				select {
				case <-r.Context().Done():
					stopped <- struct{}{}
				case <-release:
				}
			case "/incidents":
				<-started // the early read is in flight; now the list fails
				http.Error(w, `{"error":{"message":"Invalid Input Provided","code":2001}}`, http.StatusBadRequest)
			default:
				h.ServeHTTP(w, r)
			}
		})
	})
	t.Cleanup(func() { close(release) }) // before the server's own Close
	s := New(srv.URL, "pd-test", nil)
	s.SeedPolicies(first.Open)
	if _, err := s.Pages(context.Background()); err == nil {
		t.Fatal("a failed list gave pages")
	}
	select {
	case <-stopped:
	case <-time.After(20 * time.Second):
		t.Fatal("the early policy read still runs after Pages returned")
	}
}
