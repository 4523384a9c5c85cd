package pagerduty

import (
	"context"
	"testing"

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
