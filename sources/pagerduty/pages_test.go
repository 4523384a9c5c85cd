package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func TestPagesIncludeOldOpenPagesAndWhatThePaneNeeds(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	p, err := New(srv.URL, "pd-test", nil).Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Triggered != 1 || p.Acknowledged != 3 || len(p.Open) != 4 || p.Truncated {
		t.Fatalf("%d triggered, %d acknowledged, %d listed; the 45-day-old acknowledged page counts too", p.Triggered, p.Acknowledged, len(p.Open))
	}
	first, old := p.Open[0], p.Open[len(p.Open)-1]
	if first.Status != model.PageTriggered || first.ID == "" || first.Number == 0 || first.Urgency != "high" || first.Service != "GitLab.com Gitaly" ||
		!strings.HasPrefix(first.URL, "https://") || first.CreatedAt.IsZero() || len(first.Assignees) != 1 || first.Assignees[0].PagerDutyID == "" {
		t.Errorf("triggered first, with what the pane needs: %+v", first)
	}
	if first.EscalationLevel != 1 || first.EscalationPolicy != "GitLab.com Production" {
		t.Errorf("assigned to the level-1 on-call: level %d of %q", first.EscalationLevel, first.EscalationPolicy)
	}
	if !strings.Contains(old.Title, "WALGBaseBackupFailed") || now.Sub(old.CreatedAt) < 44*24*time.Hour {
		t.Fatalf("oldest last: %+v", old)
	}
	if old.EscalationLevel != 3 || len(old.AcknowledgedBy) != 1 || old.AcknowledgedBy[0].Name != "Robin Park" {
		t.Errorf("the old page sits with the incident manager, paged directly on level 3: %+v", old)
	}
}

func TestPageTitlesAreCleaned(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Faults = map[string]sim.Fault{"pages": {Kind: "escapes"}}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	p, err := New(srv.URL, "pd-test", nil).Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range p.Open {
		for _, s := range []string{pg.Title, pg.Service, pg.EscalationPolicy, pg.Assignees[0].Name} {
			if strings.ContainsAny(s, "\x1b\x07\u202e\u009b") {
				t.Errorf("escape left in %q", s)
			}
		}
	}
}

// endless is a hostile PagerDuty: more: true for ever, each page new (fresh ids) unless
// repeat, and it counts the requests.
func endless(t *testing.T, repeat bool, requests *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if repeat {
			off = 0
		}
		var incs []map[string]any
		for i := off; i < off+100; i++ {
			incs = append(incs, map[string]any{"id": fmt.Sprintf("Q%07d", i), "status": "triggered", "incident_number": i})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"incidents": incs, "more": true, "offset": off, "limit": 100, "request": n})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPagingNeverTrustsMore(t *testing.T) {
	var n atomic.Int64
	p, err := New(endless(t, false, &n).URL, "x", nil).Pages(context.Background())
	if err != nil || !p.Truncated || len(p.Open) != 10_000 || n.Load() != 100 {
		t.Fatalf("more: true for ever: %v, truncated %v, %d listed in %d requests", err, p.Truncated, len(p.Open), n.Load())
	}
	n.Store(0)
	_, err = New(endless(t, true, &n).URL, "x", nil).Pages(context.Background())
	if !errors.Is(err, errRepeated) || n.Load() != 2 {
		t.Fatalf("a server that ignores the offset: %v after %d requests", err, n.Load())
	}
	// A context that ends stops the walk at once.
	n.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	srv := endless(t, false, &n)
	stop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Load() == 3 {
			cancel()
		}
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer stop.Close()
	_, err = New(stop.URL, "x", nil).Pages(ctx)
	if err == nil || n.Load() > 4 {
		t.Fatalf("cancelled after 3 requests: %v, %d requests", err, n.Load())
	}
}

func TestPagingRefusesAnOversizedPage(t *testing.T) {
	var incs []string
	for i := 0; i < 101; i++ {
		incs = append(incs, fmt.Sprintf(`{"id":"Q%d","status":"triggered"}`, i))
	}
	srv := serve(t, map[string]string{"/incidents": `{"incidents":[` + strings.Join(incs, ",") + `],"more":false}`})
	if _, err := New(srv.URL, "x", nil).Pages(context.Background()); err == nil || !strings.Contains(err.Error(), "101 items where 100") {
		t.Fatalf("got %v", err)
	}
}

func TestPagesDeduplicateAShiftingList(t *testing.T) {
	// Page 2 repeats the last incident of page 1 (one was resolved in between): once.
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/incidents" {
			_, _ = w.Write([]byte(`{"oncalls":[]}`))
			return
		}
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		n.Add(1)
		var incs []map[string]any
		for i := max(off-1, 0); i < min(off+100, 150); i++ {
			incs = append(incs, map[string]any{"id": fmt.Sprintf("Q%04d", i), "status": "acknowledged"})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"incidents": incs, "more": off == 0})
	}))
	defer srv.Close()
	p, err := New(srv.URL, "x", nil).Pages(context.Background())
	if err != nil || p.Acknowledged != 150 || len(p.Open) != 150 {
		t.Fatalf("%v: %d acknowledged", err, p.Acknowledged)
	}
}

// An answer with one more top-level field than the client knows (as the simulator's
// "huge" fault sends, 10 MB of it): go-pagerduty's map-shaped decoding of single objects
// fails on it, the source must not.
func extraField(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if i := bytes.IndexByte(body, '{'); i >= 0 {
			body = append(append(append([]byte{}, body[:i+1]...), `"padding":"xxxx",`...), body[i+1:]...)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

func TestExtraTopLevelFieldsAreIgnored(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, extraField)
	s := New(srv.URL, sim.UserToken("pnowak"), nil)
	ctx := context.Background()
	if oc, err := s.OnCall(ctx, opts.Rotation, now); err != nil || oc[0].Now == nil {
		t.Errorf("on-call: %v", err)
	}
	p, err := s.Pages(ctx)
	if err != nil || len(p.Open) == 0 {
		t.Fatalf("pages: %v", err)
	}
	if d, err := s.PageDetail(ctx, p.Open[0].ID); err != nil || len(d.Alerts) == 0 || len(d.Notes) != 0 && d.Notes[0].Body == "" {
		t.Errorf("detail: %v", err)
	}
	if _, err := s.Me(ctx); err != nil {
		t.Errorf("me: %v", err)
	}
	if _, err := s.SetStatus(ctx, p.Open[0].ID, model.PageAcknowledged); err != nil {
		t.Errorf("acknowledge: %v", err)
	}
}
