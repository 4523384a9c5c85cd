package hub_test

import (
	"context"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// The demo's live world, read through the real clients: each step of the story shows in
// the next refresh, the incremental ones included.
func TestTheLiveWorldMovesAsAShiftDoes(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, s := simtest.NewTestServer(t, opts, nil)
	h := newHub(t, hubConfig(srv.URL, opts))
	before := h.Snapshot(context.Background(), now)
	find := func(snap model.Snapshot) (*model.Page, *model.Incident) {
		var page *model.Page
		var inc *model.Incident
		for i, p := range snap.Pages.Open {
			if strings.Contains(p.Title, "WebServiceErrorRatioHigh web-canary") {
				page = &snap.Pages.Open[i]
			}
		}
		for i, in := range snap.Incidents {
			if strings.Contains(in.Title, "web canary") {
				inc = &snap.Incidents[i]
			}
		}
		return page, inc
	}
	steps := []struct {
		want  string
		check func(*model.Page, *model.Incident) bool
	}{
		{"a triggered page", func(p *model.Page, i *model.Incident) bool { return p != nil && p.Status == "triggered" && i == nil }},
		{"an active S2 incident", func(p *model.Page, i *model.Incident) bool {
			return i != nil && i.Severity == 2 && i.Status == model.StatusActive
		}},
		{"the page acknowledged", func(p *model.Page, i *model.Incident) bool { return p != nil && p.Status == "acknowledged" }},
		{"the incident mitigated", func(p *model.Page, i *model.Incident) bool { return i != nil && i.Status == model.StatusMitigated }},
		{"the page resolved", func(p *model.Page, i *model.Incident) bool { return p == nil && i != nil }},
		{"the incident closed", func(p *model.Page, i *model.Incident) bool { return p == nil && i == nil }},
	}
	for n, step := range steps {
		said := s.LiveStep()
		snap := h.Snapshot(context.Background(), now)
		for id, hl := range snap.Health {
			if hl.Failing() {
				t.Fatalf("step %d: %s: %s", n, id, hl.LastError)
			}
		}
		if p, i := find(snap); !step.check(p, i) {
			t.Fatalf("step %d (%s): want %s; page %+v incident %+v", n, said, step.want, p, i)
		}
	}
	if after := h.Snapshot(context.Background(), now); len(after.Incidents) != len(before.Incidents) || after.Pages.Triggered != before.Pages.Triggered {
		t.Fatalf("after the story: %d incidents, %d triggered; before it %d, %d", len(after.Incidents), after.Pages.Triggered, len(before.Incidents), before.Pages.Triggered)
	}
}
