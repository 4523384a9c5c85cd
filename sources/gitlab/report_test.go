package gitlab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func TestAReopenedIncidentIsStillActive(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	src := newSource(t, srv.URL, 100)
	d, err := src.ReportData(context.Background(), now.Add(-7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	l := model.DefaultLabels()
	for _, h := range d.Incidents {
		if !strings.Contains(h.Title, "Sidekiq urgent-other queue backlog") {
			continue
		}
		if !l.StillActive(h) || !l.MitigatedAt(h).IsZero() || !l.ResolvedAt(h).IsZero() {
			t.Fatalf("resolved, closed, reopened and Active again: still active %v, mitigated %s, resolved %s", l.StillActive(h), l.MitigatedAt(h), l.ResolvedAt(h))
		}
		if p := l.ImpactPeriods(h, false, now); len(p) != 2 {
			t.Fatalf("impact periods %v; want two (before the mitigation, and since it was reopened)", p)
		}
		// The handoff's way to the same answer.
		hs, err := src.Histories(context.Background(), []model.Incident{h.Incident})
		if err != nil || len(hs) != 1 || !l.StillActive(hs[0]) {
			t.Fatalf("Histories: %v %v", err, hs)
		}
		return
	}
	t.Fatal("the reopened incident is not in the report data")
}
