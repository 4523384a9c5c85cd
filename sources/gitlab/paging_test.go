package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// hostile serves one issue a page with the headers set(page) returns, counting requests.
func hostile(t *testing.T, set func(h http.Header, page int)) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		set(w.Header(), page)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"id": %d, "iid": %d, "state": "opened", "labels": ["incident"], "title": "page %d"}]`, 1000+page, page, page)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestAHugeTotalPagesIsCapped(t *testing.T) {
	srv, requests := hostile(t, func(h http.Header, page int) { h.Set("X-Total-Pages", "1000000000000") })
	src := newSource(t, srv.URL, 100)
	ctx, notices := CollectNotices(context.Background())
	got, err := src.list(ctx, "p", "incident", "opened", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != DefaultMaxPages || requests.Load() != DefaultMaxPages {
		t.Fatalf("%d issues in %d requests; want the %d-page cap", len(got), requests.Load(), DefaultMaxPages)
	}
	if n := notices.List(); len(n) != 1 || n[0] != "more than 10,000 ~incident issues in p: showing the newest 10,000" {
		t.Fatalf("notices %q", n)
	}
}

func TestAMillionPagesWithinADeadline(t *testing.T) {
	srv, requests := hostile(t, func(h http.Header, page int) { h.Set("X-Total-Pages", "1000000") })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := newSource(t, srv.URL, 100).list(ctx, "p", "incident", "opened", nil); err != nil {
		t.Fatal(err)
	}
	if requests.Load() > DefaultMaxPages {
		t.Fatalf("%d requests for one list; the cap is %d", requests.Load(), DefaultMaxPages)
	}
}

func TestACancelledListStartsNoMoreRequests(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("X-Total-Pages", "1000000")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page") != "1" {
			started <- struct{}{}
			select { // pages after the first hang until the test ends
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		_, _ = w.Write([]byte(`[{"id": 1, "iid": 1, "state": "opened", "title": "first"}]`))
	}))
	defer srv.Close()
	defer close(release)
	src := newSource(t, srv.URL, 100)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := src.list(ctx, "p", "incident", "opened", nil); errc <- err }()
	for range src.cfg.Parallel { // the parallel pages are in flight: give up
		<-started
	}
	cancel()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("a cancelled list succeeded")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the list did not stop when its context was done")
	}
	if got := requests.Load(); got != 1+int64(src.cfg.Parallel) {
		t.Fatalf("%d requests; want the first page and %d in flight, none after the cancel", got, src.cfg.Parallel)
	}
}

func TestANextPageLoopIsAnError(t *testing.T) {
	for _, back := range []string{"1", "2"} { // 1 -> 2 -> 1, and 1 -> 2 -> 2
		srv, requests := hostile(t, func(h http.Header, page int) {
			h.Set("X-Next-Page", map[int]string{1: "2", 2: back}[page])
		})
		_, err := newSource(t, srv.URL, 100).list(context.Background(), "p", "incident", "opened", nil)
		if err == nil || !strings.Contains(err.Error(), "paging goes back from page 2 to page "+back) || requests.Load() != 2 {
			t.Fatalf("after %d requests: %v", requests.Load(), err)
		}
	}
}

func TestNoPageStartsOnceTheContextIsDone(t *testing.T) {
	// Page 2 gives up (the engineer quits); page 3 is in flight and ends with the context.
	// The list waits for a free slot for page 4, which frees only after the cancel: page 4
	// must not start. Nothing here depends on how the goroutines are scheduled.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int64
	third := make(chan struct{})
	page := func(ctx context.Context, n int64) ([]int, *gl.Response, error) {
		if n == 1 {
			return []int{1}, &gl.Response{TotalPages: 1_000_000}, nil
		}
		calls.Add(1)
		switch n {
		case 2:
			<-third
			cancel()
		case 3:
			close(third)
		}
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	if _, _, err := allPages(ctx, 1_000_000, 2, page); err == nil {
		t.Fatal("a cancelled list succeeded")
	}
	if calls.Load() != 2 {
		t.Fatalf("%d pages were asked for; want pages 2 and 3 only", calls.Load())
	}
}

func TestPastTenThousandTheNewestAreShown(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.ManyIssues = 10_050
	srv, _ := simtest.NewTestServer(t, opts, nil)
	src := newSource(t, srv.URL, 100)
	src.cfg.MaxPages = 3 // the default 100 pages decode slowly under the race detector
	ctx, notices := CollectNotices(context.Background())
	got, err := src.list(ctx, opts.ProductionProject, "incident", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 300 || !strings.HasPrefix(got[0].Title, now.Format("2006-01-02")) {
		t.Fatalf("%d issues, first %q; want the newest 300", len(got), got[0].Title)
	}
	if n := notices.List(); len(n) != 1 || !strings.Contains(n[0], "more than 300 ~incident issues in gitlab-com/gl-infra/production: showing the newest 300") {
		t.Fatalf("notices %q", n)
	}
}

func TestLabelEventsPagingIsBounded(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("X-Next-Page", strconv.Itoa(page+1)) // for ever
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id": 1, "action": "add", "created_at": "2026-11-23T10:00:00Z", "label": null},
			{"id": 2, "action": "add", "created_at": "2026-11-23T10:00:00Z", "label": {"id": 3, "name": "Incident::Active"}}]`))
	}))
	defer srv.Close()
	src := newSource(t, srv.URL, 100)
	src.cfg.MaxPages = 7
	events, err := src.labelEvents(context.Background(), refOf("p", 1))
	if err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 7 || len(events) != 7 {
		t.Fatalf("%d requests, %d events; want 7 pages, the null labels dropped", requests.Load(), len(events))
	}
}

func refOf(project string, iid int64) model.IssueRef {
	return model.IssueRef{Project: project, IID: iid}
}

// Past 10,000 results GitLab sends no totals; full pages are then read in waves of
// parallel pages, up to the one that says it is the last.
func TestPagesWithoutTotalsAreReadInParallelWaves(t *testing.T) {
	const perPage, last = 3, 40
	var inFlight atomic.Int64
	var once sync.Once
	overlapped := make(chan struct{}) // closed once two pages were in flight at once
	var sequential atomic.Bool
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page > 1 { // no page after the first answers before a second one was asked
			if inFlight.Add(1) >= 2 {
				once.Do(func() { close(overlapped) })
			}
			select {
			case <-overlapped:
			case <-time.After(10 * time.Second):
				sequential.Store(true)
				once.Do(func() { close(overlapped) }) // one failure is enough
			}
			inFlight.Add(-1)
		}
		w.Header().Set("X-Per-Page", strconv.Itoa(perPage))
		if page < last {
			w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
		}
		items := perPage
		if page > last {
			items = 0
		}
		var b strings.Builder
		b.WriteString("[")
		for i := range items {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id": %d, "iid": %d, "state": "opened"}`, page*100+i, page*100+i)
		}
		b.WriteString("]")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(b.String()))
	}))
	defer srv.Close()
	src := newSource(t, srv.URL, perPage)
	src.cfg.Parallel = 8
	got, err := src.list(context.Background(), "p", "incident", "opened", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != last*perPage {
		t.Fatalf("%d issues; want %d pages of %d", len(got), last, perPage)
	}
	// 1 + waves of 8 up to page 40: pages 2-9, ..., 34-41; page 41 is past the end.
	if requests.Load() != 41 {
		t.Errorf("%d requests; want the first page and 5 waves of 8", requests.Load())
	}
	if sequential.Load() {
		t.Errorf("the pages were read one at a time")
	}
}

func TestAWaveWhoseNextPageIsWrongIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("X-Per-Page", "1")
		w.Header().Set("X-Next-Page", map[bool]string{true: "2", false: strconv.Itoa(page + 5)}[page == 1])
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `[{"id": %d, "iid": %d}]`, page, page)
	}))
	defer srv.Close()
	_, err := newSource(t, srv.URL, 1).list(context.Background(), "p", "incident", "opened", nil)
	if err == nil || !strings.Contains(err.Error(), "paging goes from page 2 to page 7") {
		t.Fatalf("got %v", err)
	}
}
