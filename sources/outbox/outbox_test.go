package outbox_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

var now = time.Date(2026, 11, 23, 15, 30, 0, 0, time.UTC)

const project = "gitlab-com/gl-infra/on-call-handovers"

// flakyCreates breaks the first n issue creations: "before" fails them before GitLab sees
// them; "after" lets GitLab create the issue and then loses the answer.
func flakyCreates(n int32, after bool, creates *atomic.Int32) func(http.Handler) http.Handler {
	var seen atomic.Int32
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			isCreate := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues")
			if !isCreate {
				h.ServeHTTP(w, r)
				return
			}
			creates.Add(1)
			if seen.Add(1) > n {
				h.ServeHTTP(w, r)
				return
			}
			if after {
				h.ServeHTTP(discard{}, r) // GitLab did it; the answer never arrives
			}
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
		})
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func setup(t *testing.T, mw func(http.Handler) http.Handler) (*outbox.Outbox, *store.Store, string) {
	t.Helper()
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, mw)
	src, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: "x", Labels: opts.Labels, ProductionProject: opts.ProductionProject,
		OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &outbox.Outbox{Store: st, Publish: src.PublishHandoff, First: time.Second, Max: 4 * time.Second}, st, srv.URL
}

func post(id string) model.HandoffPost {
	return model.HandoffPost{ID: id, Key: "2026-11-23T1600Z-EMEA-AMER", Project: project,
		Title: "On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER", Body: "# Handoff\n\nAll quiet.\n",
		Labels: []string{"oncall-handoff"}, Assignees: []string{"pnowak", "eclarke"}, Queued: now}
}

// issuesTitled counts the handoff project's issues with title, as GitLab sees them.
func issuesTitled(t *testing.T, base, title string) []*gl.Issue {
	t.Helper()
	c, _ := gl.NewClient("x", gl.WithBaseURL(base))
	issues, _, err := c.Issues.ListProjectIssues(project, &gl.ListProjectIssuesOptions{Search: gl.Ptr(title), In: gl.Ptr("title"), ListOptions: gl.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return issues
}

func TestRetriesUntilPublishedExactlyOnce(t *testing.T) {
	for _, lostAnswer := range []bool{false, true} {
		name := map[bool]string{false: "GitLab down", true: "answer lost after create"}[lostAnswer]
		t.Run(name, func(t *testing.T) {
			var creates atomic.Int32
			ob, st, base := setup(t, flakyCreates(3, lostAnswer, &creates))
			p := post("oncallhandofftest" + map[bool]string{false: "a", true: "b"}[lostAnswer])
			if err := ob.Submit(p); err != nil {
				t.Fatal(err)
			}
			clock := now
			var rep model.OutboxReport
			for attempt := 0; attempt < 10; attempt++ {
				var err error
				if rep, err = ob.Flush(context.Background(), clock); err != nil {
					t.Fatal(err)
				}
				if len(rep.Published) > 0 {
					break
				}
				if len(rep.Waiting) != 1 || !strings.Contains(rep.Waiting[0].LastError, "502") {
					t.Fatalf("attempt %d: %+v", attempt, rep)
				}
				// Not due yet: nothing is sent.
				before := creates.Load()
				if _, err := ob.Flush(context.Background(), clock); err != nil || creates.Load() != before {
					t.Fatalf("a flush before the backoff sent again (%v)", err)
				}
				clock = rep.Waiting[0].NextAttempt
			}
			if len(rep.Published) != 1 {
				t.Fatalf("never published: %+v", rep)
			}
			issues := issuesTitled(t, base, p.Title)
			if len(issues) != 1 {
				t.Fatalf("%d issues exist; want exactly one", len(issues))
			}
			is := issues[0]
			if !strings.Contains(is.Description, p.Marker()) || len(is.Assignees) != 2 || is.Labels[0] != "oncall-handoff" {
				t.Errorf("issue: %+v", is)
			}
			// GitLab down: three failed creates, then one that works. Answer lost: the first
			// create happened, and the retry found it instead of creating again.
			if want := map[bool]int32{false: 4, true: 1}[lostAnswer]; creates.Load() != want {
				t.Errorf("%d creates sent; want %d", creates.Load(), want)
			}
			if pending, _ := st.Outbox(); len(pending) != 0 {
				t.Errorf("outbox still holds %d", len(pending))
			}
		})
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	var creates atomic.Int32
	ob, _, _ := setup(t, flakyCreates(100, false, &creates))
	_ = ob.Submit(post("oncallhandoffbackoff"))
	clock := now
	var waits []time.Duration
	for i := 0; i < 6; i++ {
		rep, err := ob.Flush(context.Background(), clock)
		if err != nil || len(rep.Waiting) != 1 {
			t.Fatal(err, rep)
		}
		waits = append(waits, rep.Waiting[0].NextAttempt.Sub(clock))
		clock = rep.Waiting[0].NextAttempt
	}
	if waits[1] <= waits[0] || waits[5] > 5*time.Second || waits[0] < 800*time.Millisecond {
		t.Fatalf("waits %v; want growing from ~1s, capped near 4s (±20%%)", waits)
	}
}

func TestJournalKeepsWhatWasPublished(t *testing.T) {
	ob, st, _ := setup(t, nil)
	p := post("oncallhandoffjournal")
	_ = ob.Submit(p)
	if rep, err := ob.Flush(context.Background(), now); err != nil || len(rep.Published) != 1 {
		t.Fatal(err, rep)
	}
	matches, _ := filepath.Glob(st.Dir() + "/journal/*.md")
	if len(matches) != 1 {
		t.Fatalf("journal: %v", matches)
	}
	b, _ := os.ReadFile(matches[0])
	if !strings.Contains(string(b), "All quiet.") || !strings.Contains(string(b), "/on-call-handovers/-/issues/") {
		t.Errorf("journal entry: %s", b)
	}
}

func TestRetryWaitsForRetryAfter(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, s := simtest.NewTestServer(t, opts, nil)
	_, fault, _ := sim.ParseFault("handoffs=429:90s")
	s.SetFault("handoffs", fault)
	h, err := hub.New(hubtest.Config(srv.URL, opts))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := store.Open(t.TempDir())
	ob := &outbox.Outbox{Store: st, Publish: h.PublishHandoff, First: time.Second, Max: 4 * time.Second}
	_ = ob.Submit(post("oncallhandoffratelimited"))
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Waiting) != 1 {
		t.Fatal(err, rep)
	}
	if wait := rep.Waiting[0].NextAttempt.Sub(now); wait < 89*time.Second {
		t.Fatalf("next attempt in %s, before GitLab's RateLimit-Reset of 90s", wait)
	}
}
