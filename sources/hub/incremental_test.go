package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// requestLog records the GitLab requests a hub makes.
type requestLog struct {
	mu   sync.Mutex
	uris []string
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v4/") {
			l.mu.Lock()
			l.uris = append(l.uris, r.URL.RequestURI())
			l.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// take returns the requests since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.uris
	l.uris = nil
	return out
}

func matching(uris []string, part string) []string {
	var out []string
	for _, u := range uris {
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

// bulk is a world of several pages per list.
func bulk() sim.Options {
	opts := sim.DefaultOptions(now)
	opts.Bulk = sim.Bulk{QueueIssues: 260, OncallIssues: 130, Handoffs: 12, Incidents: 90}
	return opts
}

// part is what the GitLab lists put in a snapshot, for comparing two reads of them.
type part struct {
	Incidents []model.Incident
	Changes   []model.Change
	Oncall    []model.OncallIssue
	Handoffs  []model.HandoffNote
}

func partOf(s model.Snapshot) part {
	return part{s.Incidents, s.Changes, s.OncallIssues, s.Handoffs}
}

func fetchLists(t *testing.T, h *hub.Hub) model.Snapshot {
	t.Helper()
	var snap model.Snapshot
	for _, id := range []model.SourceID{model.SourceQueue, model.SourceOncall, model.SourceHandoffs} {
		patch, err := h.Fetch(context.Background(), id, now)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		patch(&snap)
	}
	return snap
}

// sameAsCold reads the lists with a new hub (whole reads) and compares.
func sameAsCold(t *testing.T, url string, opts sim.Options, got model.Snapshot) {
	t.Helper()
	want := partOf(fetchLists(t, newHub(t, hubConfig(url, opts))))
	g := partOf(got)
	if !reflect.DeepEqual(g.Incidents, want.Incidents) {
		t.Errorf("incidents differ from a whole read: %d and %d\n%s", len(g.Incidents), len(want.Incidents), firstDiff(g.Incidents, want.Incidents))
	}
	if !reflect.DeepEqual(g.Changes, want.Changes) {
		t.Errorf("changes differ from a whole read: %d and %d\n%s", len(g.Changes), len(want.Changes), firstDiff(g.Changes, want.Changes))
	}
	if !reflect.DeepEqual(g.Oncall, want.Oncall) {
		t.Errorf("~oncall issues differ from a whole read: %d and %d\n%s", len(g.Oncall), len(want.Oncall), firstDiff(g.Oncall, want.Oncall))
	}
	if !reflect.DeepEqual(g.Handoffs, want.Handoffs) {
		t.Errorf("handoffs differ from a whole read")
	}
}

func firstDiff[T any](a, b []T) string {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			ja, _ := json.Marshal(a[i])
			jb, _ := json.Marshal(b[i])
			return fmt.Sprintf("first difference at %d:\n%s\n%s", i, ja, jb)
		}
	}
	return ""
}

func hubConfig(url string, opts sim.Options) hub.Config {
	cfg := hubtest.Config(url, opts)
	cfg.GitLab.PageSize = 100
	cfg.GitLab.FullRefreshEvery = gitlab.DefaultFullRefreshEvery // hubtest reads whole every time
	return cfg
}

// change makes the changes people make while the dashboard runs: retitles, closes, a
// reopen, label changes that move issues between panes or out of them, moves between
// projects, new issues.
func change(t *testing.T, s *sim.Sim, opts sim.Options) {
	t.Helper()
	prod, infra := opts.ProductionProject, opts.OncallProject
	incidents := s.Issues(prod, "opened", "incident")
	changes := s.Issues(prod, "opened", "change")
	oncall := s.Issues(infra, "opened", "oncall")
	closedIncidents := s.Issues(prod, "closed", "incident")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SetTitle(prod, incidents[0], "Retitled while the dashboard ran"))
	must(s.Close(prod, incidents[1]))
	must(s.SetLabels(prod, incidents[2], []string{"change", "change::scheduled", "C3"})) // to the changes pane
	must(s.SetLabels(prod, incidents[3], []string{"incident", "severity::1", "Incident::Active"}))
	must(s.SetLabels(prod, changes[0], []string{"change::in-progress", "C2"})) // lost ~change: out of the queue
	must(s.Reopen(prod, closedIncidents[0]))
	must(s.SetLabels(infra, oncall[0], []string{"team::Reliability"})) // lost ~oncall
	must(s.SetLabels(infra, oncall[1], []string{"oncall", "Ready_to_Handoff"}))
	must(s.Close(infra, oncall[2]))
	_, err := s.Move(prod, incidents[4], infra) // out of the production project
	must(err)
	_, err = s.Move(infra, oncall[3], prod) // out of the on-call tracker
	must(err)
	_, err = s.AddIssue(prod, "2026-11-23: Brand new incident", []string{"incident", "severity::2", "Incident::Active"})
	must(err)
	_, err = s.AddIssue(infra, "A brand new chore", []string{"oncall"})
	must(err)
}

// After updates, closes, a reopen, label changes, moves and new issues, a refresh that asks
// only for what changed gives exactly what a whole read gives, with one request per list.
func TestIncrementalRefreshEqualsAWholeRead(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, s := simtest.NewTestServer(t, opts, log.wrap)
	h := newHub(t, hubConfig(srv.URL, opts))
	fetchLists(t, h)
	log.take()

	change(t, s, opts)
	snap := fetchLists(t, h)
	lists := matching(log.take(), "/issues?")
	prodLists := matching(lists, "production/issues?")
	infraLists := matching(lists, "infrastructure/issues?")
	if len(prodLists) != 1 || len(infraLists) != 1 || !strings.Contains(prodLists[0], "updated_after=") || strings.Contains(prodLists[0], "labels=") {
		t.Fatalf("the refresh read %v; want one request per project, of what changed, any label", lists)
	}
	if snap.Sync[model.SourceQueue].Reads != 1 || snap.Sync[model.SourceOncall].Reads != 1 {
		t.Errorf("sync %+v", snap.Sync)
	}
	sameAsCold(t, srv.URL, opts, snap)

	// And again: the second refresh asks from where the first left off.
	incidents := s.Issues(opts.ProductionProject, "opened", "incident")
	if err := s.SetTitle(opts.ProductionProject, incidents[len(incidents)-1], "Retitled after the first refresh"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(opts.OncallProject, s.Issues(opts.OncallProject, "opened", "oncall")[0]); err != nil {
		t.Fatal(err)
	}
	snap = fetchLists(t, h)
	if snap.Sync[model.SourceQueue].Reads != 2 {
		t.Errorf("sync %+v", snap.Sync)
	}
	sameAsCold(t, srv.URL, opts, snap)
}

// A deleted issue leaves nothing to ask for: the whole read that comes every
// FullRefreshEvery refreshes, or after FullRefreshAfter, removes it.
func TestAWholeReadComesNowAndThen(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, s := simtest.NewTestServer(t, opts, log.wrap)
	clock := now
	var mu sync.Mutex
	cfg := hubConfig(srv.URL, opts)
	cfg.GitLab.FullRefreshEvery = 3
	cfg.GitLab.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	h := newHub(t, cfg)
	fetchLists(t, h)
	deleted := s.Issues(opts.ProductionProject, "opened", "incident")[0]
	if err := s.Delete(opts.ProductionProject, deleted); err != nil {
		t.Fatal(err)
	}
	log.take()
	var reads []int
	for range 3 { // incremental, incremental, whole
		snap := fetchLists(t, h)
		reads = append(reads, snap.Sync[model.SourceQueue].Reads)
	}
	lists := matching(log.take(), "production/issues?")
	if !reflect.DeepEqual(reads, []int{1, 2, 0}) || !strings.Contains(lists[len(lists)-1], "labels=") {
		t.Fatalf("reads %v, requests %v; want two reads of what changed, then a whole one", reads, lists)
	}
	// And by the clock: 15 minutes after the whole read, the next is whole again.
	fetchLists(t, h)
	mu.Lock()
	clock = clock.Add(16 * time.Minute)
	mu.Unlock()
	snap := fetchLists(t, h)
	if snap.Sync[model.SourceQueue].Reads != 0 {
		t.Fatalf("16 minutes after the whole read: %+v", snap.Sync[model.SourceQueue])
	}
	for _, in := range snap.Incidents {
		if in.IID == deleted {
			t.Fatalf("the deleted incident #%d is still listed", deleted)
		}
	}
	sameAsCold(t, srv.URL, opts, snap)
}

// `oncall status` starts from the cache: a hub seeded with a snapshot that went through the
// cache's JSON asks only for what changed, one request per list, reads no notes of
// handoffs that did not change, and gets what a whole read gets.
func TestASeededHubReadsOnlyWhatChanged(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, s := simtest.NewTestServer(t, opts, log.wrap)
	first := newHub(t, hubConfig(srv.URL, opts)).Snapshot(context.Background(), now)
	b, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var cached model.Snapshot
	if err := json.Unmarshal(b, &cached); err != nil {
		t.Fatal(err)
	}
	change(t, s, opts)
	h := newHub(t, hubConfig(srv.URL, opts))
	h.Seed(cached)
	log.take()
	snap := h.Snapshot(context.Background(), now)
	onlyChangesRead(t, log.take(), snap, srv.URL, opts)
}

// onlyChangesRead checks a refresh from a cache: it asked for one list each of the queue,
// the ~oncall issues and the handoffs, read no notes of unchanged handoffs, failed nowhere,
// and gave what a cold read gives.
func onlyChangesRead(t *testing.T, uris []string, snap model.Snapshot, url string, opts sim.Options) {
	t.Helper()
	if lists := matching(uris, "/issues?"); len(lists) != 3 {
		t.Errorf("%d lists read: %v; want one request each for the queue, the ~oncall issues and the handoffs", len(lists), lists)
	}
	if notes := matching(uris, "/notes"); len(notes) != 0 {
		t.Errorf("notes of unchanged handoffs were read: %v", notes)
	}
	for id, hl := range snap.Health {
		if hl.Failing() {
			t.Errorf("%s: %s", id, hl.LastError)
		}
	}
	sameAsCold(t, url, opts, snap)
}

// A snapshot of an older version, without Sync, seeds nothing: the lists are read whole.
func TestASnapshotWithoutSyncIsReadWhole(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, _ := simtest.NewTestServer(t, opts, log.wrap)
	old := newHub(t, hubConfig(srv.URL, opts)).Snapshot(context.Background(), now)
	old.Sync = nil
	h := newHub(t, hubConfig(srv.URL, opts))
	h.Seed(old)
	log.take()
	fetchLists(t, h)
	if lists := matching(log.take(), "production/issues?"); len(lists) < 2 || strings.Contains(lists[0], "updated_after") {
		t.Fatalf("an old snapshot was taken as a sync point: %v", lists)
	}
}

// A cache written under another configuration (server, project, labels) is not merged into:
// its lists are read whole.
func TestASnapshotOfAnotherScopeIsReadWhole(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, _ := simtest.NewTestServer(t, opts, log.wrap)
	old := newHub(t, hubConfig(srv.URL, opts)).Snapshot(context.Background(), now)
	for id, sync := range old.Sync {
		sync.Scope = "written for another project"
		old.Sync[id] = sync
	}
	h := newHub(t, hubConfig(srv.URL, opts))
	h.Seed(old)
	log.take()
	fetchLists(t, h)
	if lists := matching(log.take(), "/issues?"); len(lists) == 0 || slices.ContainsFunc(lists, func(u string) bool { return strings.Contains(u, "updated_after") }) {
		t.Fatalf("a cache of another scope was taken as a sync point: %v", lists)
	}
}

// SnapshotFrom: a source that fails keeps the cached part, with its error.
func TestSnapshotFromKeepsTheCachedPartOfAFailingSource(t *testing.T) {
	opts := bulk()
	srv, s := simtest.NewTestServer(t, opts, nil)
	cached := newHub(t, hubConfig(srv.URL, opts)).Snapshot(context.Background(), now)
	s.SetFault("queue", sim.Fault{Kind: "html"})
	later := now.Add(time.Minute)
	snap := newHub(t, hubConfig(srv.URL, opts)).SnapshotFrom(context.Background(), cached, later)
	q := snap.Health[model.SourceQueue]
	if !q.Failing() || !q.LastSuccess.Equal(now) || !q.LastAttempt.Equal(later) {
		t.Fatalf("queue health %+v; want failing, last success at the cached refresh", q)
	}
	if !reflect.DeepEqual(snap.Incidents, cached.Incidents) || !reflect.DeepEqual(snap.Sync[model.SourceQueue], cached.Sync[model.SourceQueue]) {
		t.Fatal("the failing queue lost its cached incidents or their sync point")
	}
	if snap.Health[model.SourceOncall].Failing() || snap.Health[model.SourceOncall].LastSuccess != later {
		t.Fatalf("~oncall health %+v", snap.Health[model.SourceOncall])
	}
}

// A list cut at the page limit is no sync point: a run seeded with its snapshot reads it
// whole again, and says again that it was cut.
func TestACutListIsNoSyncPoint(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, _ := simtest.NewTestServer(t, opts, log.wrap)
	cfg := hubConfig(srv.URL, opts)
	cfg.GitLab.PageSize, cfg.GitLab.MaxPages = 2, 1
	first := newHub(t, cfg).Snapshot(context.Background(), now)
	if len(first.Notices[model.SourceQueue]) == 0 {
		t.Fatal("the queue was not cut")
	}
	h := newHub(t, cfg)
	h.Seed(first)
	log.take()
	snap := h.Snapshot(context.Background(), now)
	if lists := matching(log.take(), "production/issues?"); slices.ContainsFunc(lists, func(u string) bool { return strings.Contains(u, "updated_after") }) {
		t.Fatalf("a cut queue was merged into: %v", lists)
	}
	if len(snap.Notices[model.SourceQueue]) == 0 {
		t.Fatal("the seeded run does not say the queue was cut")
	}
}
