package hub_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func newPagesHub(t *testing.T, opts sim.Options, pdToken string) *hub.Hub {
	t.Helper()
	srv, _ := simtest.NewTestServer(t, opts, nil)
	cfg := hubtest.Config(srv.URL, opts)
	cfg.PagerDutyToken = pdToken
	h, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func pages(t *testing.T, h *hub.Hub) model.Pages {
	t.Helper()
	patch, err := h.Fetch(context.Background(), model.SourcePages, now)
	if err != nil {
		t.Fatal(err)
	}
	var snap model.Snapshot
	patch(&snap)
	return snap.Pages
}

func TestPageActionsThroughTheHub(t *testing.T) {
	ctx := context.Background()
	h := newPagesHub(t, sim.DefaultOptions(now), sim.UserToken("pnowak"))
	me, err := h.PagerDutyMe(ctx)
	if err != nil || me.Name != "Piotr Nowak" {
		t.Fatalf("me: %v %+v", err, me)
	}
	p := pages(t, h)
	if p.Triggered != 1 || p.Acknowledged != 3 || !p.Open[0].AssignedTo(me) {
		t.Fatalf("pages: %+v", p)
	}
	id := p.Open[0].ID
	d, err := h.PageDetail(ctx, id)
	if err != nil || len(d.Alerts) == 0 || d.Title != p.Open[0].Title {
		t.Fatalf("detail: %v %+v", err, d)
	}
	if got, err := h.AcknowledgePage(ctx, id); err != nil || got.Status != model.PageAcknowledged {
		t.Fatalf("acknowledge: %v %+v", err, got)
	}
	if got, err := h.ResolvePage(ctx, id); err != nil || got.Status != model.PageResolved {
		t.Fatalf("resolve: %v %+v", err, got)
	}
	if p := pages(t, h); p.Triggered != 0 || p.Acknowledged != 3 {
		t.Errorf("after resolving the triggered page: %+v", p)
	}
}

func TestAnAccountKeyNeedsFromAndSaysSo(t *testing.T) {
	ctx := context.Background()
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	cfg := hubtest.Config(srv.URL, opts)
	cfg.PagerDutyToken = "pd-account-key"
	h := newHub(t, cfg)
	id := pages(t, h).Open[0].ID
	_, err := h.AcknowledgePage(ctx, id)
	if !model.IsPermanent(err) || !strings.Contains(model.HintOf(err), "pagerduty.from") {
		t.Fatalf("%v (hint %q)", err, model.HintOf(err))
	}
	cfg.PagerDutyFrom = "pnowak@example.com"
	h = newHub(t, cfg)
	if got, err := h.AcknowledgePage(ctx, id); err != nil || got.AcknowledgedBy[len(got.AcknowledgedBy)-1].Name != "Piotr Nowak" {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestRotationThroughTheHubTellsGapsFromUnknown(t *testing.T) {
	opts := sim.WithRotationGap(sim.DefaultOptions(now))
	h := newPagesHub(t, opts, "pd-test")
	patch, err := h.Fetch(context.Background(), model.SourceRotation, now)
	if err != nil {
		t.Fatal(err)
	}
	var snap model.Snapshot
	patch(&snap)
	amer := model.OnCallFor(snap.OnCall, opts.Rotation[1], now)
	if amer.NextCoverage != model.CoverageGap || !strings.Contains(amer.Warning(now), "nobody is scheduled for AMER") {
		t.Errorf("AMER: %+v", amer)
	}
	none := model.OnCallFor(nil, opts.Rotation[1], now)
	if none.NextCoverage != model.CoverageUnknown || none.Warning(now) != "" || none.NextStart.IsZero() {
		t.Errorf("nothing known: %+v", none)
	}
}

// PagerDuty sends ratelimit-reset (seconds), not Retry-After: the hub's wait comes from it.
func TestPagerDutyRateLimitResetIsTheWait(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Faults = map[string]sim.Fault{"pages": {Kind: "429", After: 40 * time.Second}}
	h := newPagesHub(t, opts, "pd-test")
	_, err := h.Fetch(context.Background(), model.SourcePages, now)
	var ra *model.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 40*time.Second || model.IsPermanent(err) {
		t.Fatalf("%v", err)
	}
}
