package hub_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
)

// A reopened incident (resolved and closed, then Active again) is still active in the
// handoff and still open in the report: the two agree.
func TestHandoffAndReportAgreeOnAReopenedIncident(t *testing.T) {
	h, _ := simHub(t, sim.DefaultOptions(now), nil, nil)
	facts, err := h.HandoffFacts(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	draft := model.DraftHandoff(facts)
	active := draft[strings.Index(draft, "### Still active"):strings.Index(draft, "### Mitigated")]
	if !strings.Contains(active, "Sidekiq urgent-other queue backlog") {
		t.Fatalf("the reopened incident is not still active in the handoff:\n%s", active)
	}
	r, err := h.Report(t.Context(), model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range r.StillOpen {
		if strings.Contains(in.Title, "Sidekiq urgent-other queue backlog") {
			found = true
			if !in.ResolvedAt.IsZero() {
				t.Errorf("the report resolves it at %s although it was reopened", in.ResolvedAt)
			}
		}
	}
	if !found {
		t.Fatal("the reopened incident is not still open in the report")
	}
}
