package gitlab

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/pace"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func newSource(t *testing.T, url string, pageSize int) *Source {
	t.Helper()
	o := sim.DefaultOptions(now)
	s, err := New(Config{
		BaseURL: url, Token: "glpat-test", PageSize: pageSize, Labels: o.Labels, Limiter: &pace.Limiter{}, // not the process's: see hubtest.Config
		ProductionProject: o.ProductionProject, OncallProject: o.OncallProject, HandoffProject: o.HandoffProject,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// countPages records the page numbers asked of each issue list. The later pages of the ~incident list are held until two of them are in
// flight (or 10 s have passed): they overlap only when the client asks for them together.
type countPages struct {
	mu       sync.Mutex
	events   int // label event requests
	pages    map[string][]string
	later    int           // later pages of the ~incident list that arrived
	together chan struct{} // closed when two of them are in flight
	alone    atomic.Bool   // one of them waited in vain
}

func (c *countPages) wrap(h http.Handler) http.Handler {
	c.pages, c.together = map[string][]string{}, make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/resource_label_events") {
			c.mu.Lock()
			c.events++
			c.mu.Unlock()
		}
		if strings.HasSuffix(r.URL.Path, "/issues") {
			c.mu.Lock()
			q := r.URL.Query()
			c.pages[q.Get("labels")] = append(c.pages[q.Get("labels")], q.Get("page"))
			later := q.Get("labels") == "incident" && q.Get("page") != "" && q.Get("page") != "1"
			if later {
				if c.later++; c.later == 2 {
					close(c.together)
				}
			}
			c.mu.Unlock()
			if later {
				select {
				case <-c.together:
				case <-time.After(10 * time.Second):
					c.alone.Store(true)
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

func TestQueuePagesInParallelAndMatchesOnePage(t *testing.T) {
	var counter countPages
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), counter.wrap)
	ctx := context.Background()

	incSmall, chgSmall, err := newSource(t, srv.URL, 2).Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(counter.pages["incident"]); got < 3 {
		t.Fatalf("with 2 issues a page, incidents took %d requests; want several pages", got)
	}
	if counter.alone.Load() {
		t.Error("the later pages of the ~incident list were fetched one at a time")
	}
	incAll, chgAll, err := newSource(t, srv.URL, 100).Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(incSmall, incAll) || !reflect.DeepEqual(chgSmall, chgAll) {
		t.Fatalf("paged result differs from the one-page result:\n%d incidents vs %d, %d changes vs %d", len(incSmall), len(incAll), len(chgSmall), len(chgAll))
	}

	if len(incAll) == 0 || len(chgAll) == 0 {
		t.Fatalf("no incidents (%d) or changes (%d) in the simulated queue", len(incAll), len(chgAll))
	}
	for i, in := range incAll {
		if in.State != "opened" || !model.Has(in.Labels, "incident") {
			t.Errorf("incident %d: state %s labels %v", in.IID, in.State, in.Labels)
		}
		if in.Severity == 0 || in.Status == model.StatusUnknown {
			t.Errorf("incident %d: severity/status not parsed from %v", in.IID, in.Labels)
		}
		if i == 0 {
			continue
		}
		prev, resolved := incAll[i-1], in.Status == model.StatusResolved
		if prev.Status == model.StatusResolved && !resolved {
			t.Errorf("incident %d listed after a resolved one", in.IID)
		}
		if (prev.Status == model.StatusResolved) == resolved && !prev.Severity.High() && in.Severity.High() {
			t.Errorf("S1/S2 incident %d listed after a lower one", in.IID)
		}
	}
	if incAll[0].Severity != 1 {
		t.Errorf("first incident is %s; the simulator has an open S1", incAll[0].Severity)
	}
	if chgAll[0].Workflow != model.ChangeInProgress {
		t.Errorf("first change is %s; want in-progress first", chgAll[0].Workflow)
	}
	var scheduled int
	for _, c := range chgAll {
		if c.Workflow == model.ChangeScheduled && !c.Scheduled.IsZero() {
			scheduled++
		}
		if c.Workflow == model.ChangeComplete || c.Workflow == model.ChangeAborted {
			t.Errorf("closed change %d listed as open", c.IID)
		}
	}
	if scheduled == 0 {
		t.Error("no scheduled change has a scheduled time")
	}
}

func TestOncallIssuesAndHandoffs(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	src := newSource(t, srv.URL, 2)
	issues, err := src.OncallIssues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ready := 0
	for _, is := range issues {
		if is.ReadyToHandoff != model.Has(is.Labels, "Ready_to_Handoff") {
			t.Errorf("issue %d: ReadyToHandoff=%v with labels %v", is.IID, is.ReadyToHandoff, is.Labels)
		}
		if is.ReadyToHandoff {
			ready++
		}
	}
	if len(issues) == 0 || ready == 0 {
		t.Fatalf("%d on-call issues, %d ready to hand off", len(issues), ready)
	}

	hs, err := src.Handoffs(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 5 {
		t.Fatalf("asked for 5 handoffs, got %d", len(hs))
	}
	for i := 1; i < len(hs); i++ {
		if hs[i].CreatedAt.After(hs[i-1].CreatedAt) {
			t.Errorf("handoffs not newest first: %s after %s", hs[i].CreatedAt, hs[i-1].CreatedAt)
		}
	}
	if !strings.HasPrefix(hs[0].Title, "On-call handoff ") {
		t.Errorf("handoff title %q", hs[0].Title)
	}
}

func TestDetailHasDescriptionAndNewestNotesFirst(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	src := newSource(t, srv.URL, 100)
	inc, _, err := src.Queue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d, err := src.Detail(context.Background(), inc[0].IssueRef, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != inc[0].Title || !strings.Contains(d.Description, "## Customer Impact") {
		t.Errorf("detail title %q, description %q", d.Title, d.Description)
	}
	if len(d.Notes) < 2 {
		t.Fatalf("%d notes", len(d.Notes))
	}
	for i := 1; i < len(d.Notes); i++ {
		if d.Notes[i].CreatedAt.After(d.Notes[i-1].CreatedAt) {
			t.Errorf("notes not newest first")
		}
	}
}

func TestErrorsSayWhatFailed(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	s, _ := New(Config{BaseURL: srv.URL, Token: "", ProductionProject: "gitlab-com/gl-infra/production", Labels: model.DefaultLabels()})
	_, _, err := s.Queue(context.Background())
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("no token: got %v; want a 401", err)
	}
	s = newSource(t, srv.URL, 100)
	s.cfg.ProductionProject = "nope/missing"
	if _, _, err = s.Queue(context.Background()); err == nil || !strings.Contains(err.Error(), "404 not found: check that nope/missing exists") {
		t.Fatalf("unknown project: got %v", err)
	}
}

func TestMalformedIssueFailsTheSourceWithoutPanic(t *testing.T) {
	// The client panics on an issue without "id"; the source must turn that into an error.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Total-Pages", "1")
		_, _ = w.Write([]byte(`[{"iid": 1, "title": "no id"}]`))
	}))
	defer srv.Close()
	s := newSource(t, srv.URL, 100)
	if _, _, err := s.Queue(context.Background()); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("got %v; want a malformed-response error", err)
	}
	if _, err := s.OncallIssues(context.Background()); err == nil {
		t.Fatal("on-call issues: malformed answer accepted")
	}
}

func TestHostileTextIsCleaned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id": 9, "iid": 1, "state": "opened", "labels": ["oncall"],
			"title": "pwn\u001b]52;c;ZXZpbA==\u0007 \u001b[2Jtitle\u202e",
			"author": {"name": "Eve\u001b[31m", "username": "eve"}}]`))
	}))
	defer srv.Close()
	is, err := newSource(t, srv.URL, 100).OncallIssues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if is[0].Title != "pwn title" || is[0].Author.Name != "Eve" {
		t.Fatalf("title %q author %q", is[0].Title, is[0].Author.Name)
	}
}

func TestReportDataReadsLabelEventsOverPages(t *testing.T) {
	var counter countPages
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), counter.wrap)
	src := newSource(t, srv.URL, 3)
	d, err := src.ReportData(context.Background(), now.Add(-28*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	closed, withEvents := 0, 0
	for _, h := range d.Incidents {
		if h.State == "closed" {
			closed++
		}
		if len(h.Events) > 0 {
			withEvents++
		}
		for i := 1; i < len(h.Events); i++ {
			if h.Events[i].At.Before(h.Events[i-1].At) {
				t.Fatalf("events of #%d not oldest first", h.IID)
			}
		}
	}
	if closed == 0 || withEvents != len(d.Incidents) {
		t.Fatalf("%d incidents, %d closed, %d with label events", len(d.Incidents), closed, withEvents)
	}
	l := model.DefaultLabels()
	for _, h := range d.Incidents {
		if h.Status == model.StatusMitigated && l.MitigatedAt(h).IsZero() {
			t.Errorf("#%d is labelled mitigated but no mitigation time was read from its events", h.IID)
		}
	}
	if len(d.Changes) == 0 || len(d.Oncall) == 0 {
		t.Fatalf("%d changes, %d on-call issues", len(d.Changes), len(d.Oncall))
	}
	// A second report reads no label events of incidents that did not change.
	counter.mu.Lock()
	counter.events = 0
	counter.mu.Unlock()
	again, err := src.ReportData(context.Background(), now.Add(-28*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if counter.events != 0 || !reflect.DeepEqual(again.Incidents, d.Incidents) {
		t.Fatalf("the second report read %d label event lists", counter.events)
	}
}
