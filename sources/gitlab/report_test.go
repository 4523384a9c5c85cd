package gitlab

import (
	"context"
	"net/http"
	"strings"
	"sync"
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
		return
	}
	t.Fatal("the reopened incident is not in the report data")
}

// The report asks for label events as soon as an incident list names them, while the other
// lists are still read, and many at once: the ~change list is held until label events are
// asked for, and each label-event request until eight of them are in flight.
func TestLabelEventsStartWithTheIncidentListsAndGoManyAtOnce(t *testing.T) {
	var mu sync.Mutex
	inFlight := 0
	enough := make(chan struct{}) // closed once 8 label-event requests were in flight at once
	var once sync.Once
	failed := func(msg string) { t.Error(msg); once.Do(func() { close(enough) }) }
	hold := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/resource_label_events"):
				mu.Lock()
				if inFlight++; inFlight >= 8 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
				select {
				case <-enough:
				case <-time.After(10 * time.Second):
					failed("label events were read fewer than 8 at a time")
				}
				defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
			case r.URL.Query().Get("labels") == "change":
				select {
				case <-enough:
				case <-time.After(10 * time.Second):
					failed("no label events were asked for before the ~change list answered")
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	opts := sim.DefaultOptions(now)
	opts.Bulk = sim.Bulk{Incidents: 60}
	srv, _ := simtest.NewTestServer(t, opts, hold)
	d, err := newSource(t, srv.URL, 100).ReportData(context.Background(), now.Add(-28*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Incidents) < 60 || len(d.Changes) == 0 {
		t.Fatalf("%d incidents, %d changes", len(d.Incidents), len(d.Changes))
	}
}
