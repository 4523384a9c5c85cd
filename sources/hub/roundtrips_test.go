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
