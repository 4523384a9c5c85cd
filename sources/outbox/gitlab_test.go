package outbox_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// failSearches answers every marker search (GET .../issues?search=) with a 500 and counts
// the creates that get through.
func failSearches(creates *atomic.Int32) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Query().Get("search") != "" {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, `{"message":"500 Internal Server Error"}`)
				return
			}
			if r.Method == http.MethodPost {
				creates.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
}

// When GitLab cannot say whether an earlier attempt created the issue, the post waits: it
// is never created blind.
func TestAFailedMarkerSearchWaitsInsteadOfCreatingBlind(t *testing.T) {
	var creates atomic.Int32
	ob, st, _ := setup(t, failSearches(&creates))
	_ = ob.Submit(post("oncallhandoffblind"))
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Waiting) != 1 || len(rep.Published) != 0 {
		t.Fatal(err, rep)
	}
	if creates.Load() != 0 {
		t.Fatalf("%d creates were sent without knowing whether the issue exists", creates.Load())
	}
	if w := rep.Waiting[0]; !strings.Contains(w.LastError, "look for an earlier attempt") || w.Held || w.NextAttempt.IsZero() {
		t.Fatalf("waiting: %+v", w)
	}
	if onDisk, _ := st.Outbox(); len(onDisk) != 1 {
		t.Fatal("the post left the outbox")
	}
}

// countNotes counts the note creates, and loses the answer of the first ones when lose says.
func countNotes(notes *atomic.Int32, lose int32) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/notes") {
				if notes.Add(1) <= lose {
					h.ServeHTTP(discard{}, r) // GitLab took it; the answer never arrives
					w.WriteHeader(http.StatusGatewayTimeout)
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestANoteToTheShiftsHandoffIsAddedExactlyOnce(t *testing.T) {
	var notes atomic.Int32
	ob, _, base := setup(t, countNotes(&notes, 1))
	first := post("oncallhandofffirst")
	_ = ob.Submit(first)
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Published) != 1 {
		t.Fatal(err, rep)
	}
	target := rep.Published[0].Issue
	second := post("oncallhandoffnote")
	second.Body = "One more thing: the Redis failover is at 17:00.\n"
	second.Target = &target.IssueRef
	_ = ob.Submit(second)
	clock := now
	for range 3 {
		if rep, err = ob.Flush(context.Background(), clock); err != nil {
			t.Fatal(err)
		}
		if len(rep.Published) == 1 {
			break
		}
		clock = rep.Waiting[0].NextAttempt
	}
	if len(rep.Published) != 1 {
		t.Fatalf("never published: %+v", rep)
	}
	if got := rep.Published[0].Issue; got.IID != target.IID || !strings.HasPrefix(got.WebURL, target.WebURL+"#note_") {
		t.Fatalf("published as %+v; want a note of #%d", got, target.IID)
	}
	c, _ := gl.NewClient("x", gl.WithBaseURL(base))
	ns, _, err := c.Notes.ListIssueNotes(target.Project, target.IID, &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, n := range ns {
		if strings.Contains(n.Body, second.Marker()) {
			found++
			if !strings.Contains(n.Body, "Redis failover") {
				t.Errorf("note body %q", n.Body)
			}
		}
	}
	if found != 1 || notes.Load() != 1 {
		t.Fatalf("%d notes carry the marker after %d creates; want exactly one (the lost answer's)", found, notes.Load())
	}
	if issues := issuesTitled(t, base, first.Title); len(issues) != 1 {
		t.Fatalf("%d issues; a note must not create one", len(issues))
	}
}

// gitlabClassifies: the GitLab source returns a *model.PermanentError (with a hint) for a
// 403 insufficient_scope. That classification is another branch's (brief H1); the lead
// sets this to true once it is merged, and the test below runs over HTTP.
const gitlabClassifies = true

// readOnlyToken answers every write as GitLab does for a read_api token (doc/api/rest:
// 403 with {"error":"insufficient_scope", ...}).
func readOnlyToken(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("WWW-Authenticate", `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="api"`)
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestAReadOnlyTokenHoldsThePostOverHTTP(t *testing.T) {
	if !gitlabClassifies {
		t.Skip("the GitLab source does not classify 403 insufficient_scope as permanent on this branch yet")
	}
	ob, st, _ := setup(t, readOnlyToken)
	_ = ob.Submit(post("oncallhandoffreadonly"))
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Waiting) != 1 {
		t.Fatal(err, rep)
	}
	w := rep.Waiting[0]
	if !w.Held || w.Hint == "" || !strings.Contains(w.LastError, "403") {
		t.Fatalf("a read-only token's post is not held: %+v", w)
	}
	if rep, _ := ob.Flush(context.Background(), now.Add(24*time.Hour)); len(rep.Waiting) != 1 || rep.Waiting[0].Attempts != 1 {
		t.Fatalf("a held post was tried again: %+v", rep)
	}
	if onDisk, _ := st.Outbox(); len(onDisk) != 1 || !onDisk[0].Held {
		t.Fatalf("not kept on disk: %+v", onDisk)
	}
}
