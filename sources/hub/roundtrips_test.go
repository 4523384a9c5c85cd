package hub_test

import (
	"context"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// The token's user and the handoff list do not depend on each other: one round trip.
func TestTheUserAndTheHandoffsAreReadAtOnce(t *testing.T) {
	opts := sim.DefaultOptions(now)
	h, _ := simHub(t, opts, simtest.Together(t, "/api/v4/user", "/api/v4/projects/"+opts.HandoffProject+"/issues"), nil)
	if _, err := h.Fetch(context.Background(), model.SourceHandoffs, now); err != nil {
		t.Fatal(err)
	}
}

// Before a handoff is created, the look for an earlier attempt and the assignees' ids go
// together: one round trip, then the create.
func TestAHandoffsChecksGoTogether(t *testing.T) {
	opts := sim.DefaultOptions(now)
	h, _ := simHub(t, opts, simtest.Together(t, "/api/v4/users", "/api/v4/projects/"+opts.HandoffProject+"/issues"), nil)
	post := model.HandoffPost{ID: "oncallhandoff43", Project: opts.HandoffProject, Title: "On-call handoff", Body: "b",
		Labels: []string{"oncall-handoff"}, Assignees: []string{"pnowak"}}
	got, err := h.PublishHandoff(context.Background(), post)
	if err != nil || len(got.Assignees) != 1 {
		t.Fatalf("published %+v: %v", got, err)
	}
}
