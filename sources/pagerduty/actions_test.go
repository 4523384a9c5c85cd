package pagerduty

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var bg = context.Background()

// countPUTs counts the writes that reach the simulator.
func countPUTs(n *atomic.Int64) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
}

func triggered(t *testing.T, s *Source) model.Page {
	t.Helper()
	p, err := s.Pages(bg)
	if err != nil || p.Open[0].Status != model.PageTriggered {
		t.Fatalf("%v %+v", err, p)
	}
	return p.Open[0]
}

func TestActAsTheUserOfAUserKey(t *testing.T) {
	var puts atomic.Int64
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), countPUTs(&puts))
	s := New(srv.URL, sim.UserToken("pnowak"), nil)
	me, err := s.Me(bg)
	if err != nil || me.Name != "Piotr Nowak" || me.Email != "pnowak@example.com" || me.PagerDutyID == "" {
		t.Fatalf("me: %v %+v", err, me)
	}
	page := triggered(t, s)
	if !page.AssignedTo(me) {
		t.Errorf("the triggered page is Piotr's (the EOC): %+v", page.Assignees)
	}
	got, err := s.SetStatus(bg, page.ID, model.PageAcknowledged)
	if err != nil || got.Status != model.PageAcknowledged || len(got.AcknowledgedBy) != 1 || got.AcknowledgedBy[0].PagerDutyID != me.PagerDutyID {
		t.Fatalf("acknowledge: %v %+v", err, got)
	}
	if got, err := s.SetStatus(bg, page.ID, model.PageAcknowledged); err != nil || got.Status != model.PageAcknowledged || puts.Load() != 1 {
		t.Errorf("acknowledging again is harmless and sends nothing: %v %+v, %d writes", err, got, puts.Load())
	}
	if got, err := s.SetStatus(bg, page.ID, model.PageResolved); err != nil || got.Status != model.PageResolved || puts.Load() != 2 {
		t.Fatalf("resolve: %v %+v", err, got)
	}
	if got, err := s.SetStatus(bg, page.ID, model.PageResolved); err != nil || got.Status != model.PageResolved || puts.Load() != 2 {
		t.Errorf("resolving again is harmless and sends nothing: %v %+v", err, got)
	}
	got, err = s.SetStatus(bg, page.ID, model.PageAcknowledged)
	if !model.IsPermanent(err) || !strings.Contains(model.HintOf(err), "would reopen it") || got.Status != model.PageResolved || puts.Load() != 2 {
		t.Errorf("acknowledging a resolved page would reopen it: %v %+v", err, got)
	}
	if p, _ := s.Pages(bg); p.Triggered != 0 {
		t.Errorf("still %d triggered", p.Triggered)
	}
}

func TestAnAccountKeyActsOnlyAsTheConfiguredFrom(t *testing.T) {
	var puts atomic.Int64
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), countPUTs(&puts))
	s := New(srv.URL, "account-key", nil)
	_, err := s.Me(bg)
	if !model.IsPermanent(err) || !strings.Contains(model.HintOf(err), "set pagerduty.from") || !strings.Contains(err.Error(), "account-level") {
		t.Fatalf("an account key has no user: %v (hint %q)", err, model.HintOf(err))
	}
	page := triggered(t, s)
	if _, err := s.SetStatus(bg, page.ID, model.PageAcknowledged); !model.IsPermanent(err) || puts.Load() != 0 {
		t.Fatalf("no From, no write: %v, %d writes", err, puts.Load())
	}
	s.SetFrom("nobody@example.com")
	_, err = s.SetStatus(bg, page.ID, model.PageAcknowledged)
	if !model.IsPermanent(err) || !strings.Contains(model.HintOf(err), "nobody@example.com) is not the email of a PagerDuty user") {
		t.Errorf("From that is nobody's: %v (hint %q)", err, model.HintOf(err))
	}
	s.SetFrom("cmartin@example.com")
	me, err := s.Me(bg)
	if err != nil || me.Name != "Chloé Martin" || me.PagerDutyID == "" {
		t.Fatalf("From's user: %v %+v", err, me)
	}
	got, err := s.SetStatus(bg, page.ID, model.PageAcknowledged)
	if err != nil || got.Status != model.PageAcknowledged || got.AcknowledgedBy[0].Name != "Chloé Martin" {
		t.Fatalf("acknowledge as From: %v %+v", err, got)
	}
}

func TestAReadOnlyKeyIsToldSo(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.PagerDuty.ReadOnly = true
	srv, _ := simtest.NewTestServer(t, opts, nil)
	s := New(srv.URL, sim.UserToken("pnowak"), nil)
	_, err := s.SetStatus(bg, triggered(t, s).ID, model.PageResolved)
	if !model.IsPermanent(err) || !strings.Contains(err.Error(), "403") || !strings.Contains(model.HintOf(err), "it is read-only") {
		t.Fatalf("%v (hint %q)", err, model.HintOf(err))
	}
}

func TestResolvedMeanwhileIsHarmless(t *testing.T) {
	// Someone resolves the page between our read and our write: PagerDuty answers 1001.
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":{"message":"Incident Already Resolved","code":1001,"errors":["Incident Already Resolved"]}}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	s := New(srv.URL, sim.UserToken("pnowak"), nil)
	if got, err := s.SetStatus(bg, triggered(t, s).ID, model.PageResolved); err != nil || got.Status != model.PageResolved {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestPageDetail(t *testing.T) {
	// Requests for a malformed id: a request of an earlier call may still arrive late (its
	// client gave up when a sibling failed), so count only those.
	var malformed atomic.Int64
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := r.URL.RawPath + r.URL.Path + r.URL.RawQuery; strings.Contains(p, "..") || strings.Contains(p, "users/me") ||
				strings.Contains(p, "x=1") || strings.Contains(p, "incidents//") || strings.HasSuffix(r.URL.Path, "/incidents/") {
				malformed.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	s := New(srv.URL, "pd-test", nil)
	p, _ := s.Pages(bg)
	var web model.Page
	for _, pg := range p.Open {
		if strings.Contains(pg.Title, "WebServiceErrorRatioHigh") {
			web = pg
		}
	}
	d, err := s.PageDetail(bg, web.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != web.ID || d.URL == "" || len(d.Alerts) != 2 || d.MoreAlerts || d.Alerts[0].Summary == "" || d.Alerts[0].Status != "triggered" || d.Alerts[0].Severity != "critical" {
		t.Errorf("alerts: %+v", d)
	}
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0].Body, "canary") || d.Notes[0].Author.Name == "" || d.Notes[0].CreatedAt.IsZero() {
		t.Errorf("notes: %+v", d.Notes)
	}
	_, err = s.PageDetail(bg, "QNOPE")
	if !model.IsPermanent(err) || !strings.Contains(model.HintOf(err), "page QNOPE does not exist in PagerDuty") {
		t.Errorf("unknown page: %v (hint %q)", err, model.HintOf(err))
	}
	for _, bad := range []string{"../users/me", "Q1?x=1", ""} {
		if _, err := s.PageDetail(bg, bad); err == nil {
			t.Errorf("id %q accepted", bad)
		}
		if _, err := s.SetStatus(bg, bad, model.PageAcknowledged); err == nil {
			t.Errorf("id %q accepted", bad)
		}
	}
	if malformed.Load() != 0 {
		t.Errorf("a malformed id reached the server")
	}
}

// A page's notes are the newest maxNotes, newest first, in whatever order they come.
func TestAPagesNotesAreTheNewestNewestFirst(t *testing.T) {
	var in []pd.IncidentNote
	for i := range maxNotes + 1 { // oldest first
		in = append(in, pd.IncidentNote{Content: fmt.Sprint(i), CreatedAt: now.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)})
	}
	got := notes(in)
	if len(got) != maxNotes || got[0].Body != fmt.Sprint(maxNotes) || got[maxNotes-1].Body != "1" {
		t.Fatalf("%d notes, first %q, last %q; want %d, the newest first, the oldest left out", len(got), got[0].Body, got[len(got)-1].Body, maxNotes)
	}
}
