package gitlab

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// stripActivityFilter plays a GitLab that ignores activity_filter (older than the parameter):
// system notes come back among the comments.
func stripActivityFilter(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("activity_filter")
		r.URL.RawQuery = q.Encode()
		h.ServeHTTP(w, r)
	})
}

// askedForComments records whether every notes request asked for human comments only.
type askedForComments struct{ notes, filtered atomic.Int64 }

func (a *askedForComments) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/notes") {
			a.notes.Add(1)
			if r.URL.Query().Get("activity_filter") == "only_comments" {
				a.filtered.Add(1)
			}
		}
		h.ServeHTTP(w, r)
	})
}

func TestLatestNoteOfABusyIssueIsFound(t *testing.T) {
	var asked askedForComments
	for name, mw := range map[string]func(http.Handler) http.Handler{"only_comments": asked.wrap, "filter ignored": stripActivityFilter} {
		t.Run(name, func(t *testing.T) {
			srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), mw)
			src := newSource(t, srv.URL, 100)
			issues, err := src.OncallIssues(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var ready []model.IssueRef
			for _, is := range issues {
				if is.ReadyToHandoff {
					ready = append(ready, is.IssueRef)
				}
			}
			notes, err := src.LatestNotes(context.Background(), ready)
			if err != nil {
				t.Fatal(err)
			}
			// One of them has its handoff note under 120 system notes.
			if len(ready) < 2 || len(notes) != len(ready) {
				t.Fatalf("%d ready issues, %d with a latest note", len(ready), len(notes))
			}
			for ref, n := range notes {
				if n.System || !strings.Contains(n.Body, " ") || strings.HasPrefix(n.Body, "mentioned in") {
					t.Errorf("#%d: latest note %q is not the human one", ref.IID, n.Body)
				}
			}
			if name == "only_comments" && (asked.notes.Load() != int64(len(ready)) || asked.filtered.Load() != asked.notes.Load()) {
				t.Errorf("%d notes requests for %d issues, %d asking for comments only; want one each, filtered", asked.notes.Load(), len(ready), asked.filtered.Load())
			}
		})
	}
}

func TestEveryHandoffGetsItsAcknowledgementAndIncoming(t *testing.T) {
	for name, mw := range map[string]func(http.Handler) http.Handler{"only_comments": nil, "filter ignored": stripActivityFilter} {
		t.Run(name, func(t *testing.T) {
			srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), mw)
			hs, err := newSource(t, srv.URL, 100).Handoffs(context.Background(), 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != 8 {
				t.Fatalf("%d handoffs; the simulator has 8", len(hs))
			}
			acked := 0
			for _, h := range hs {
				if !h.AckChecked {
					t.Errorf("#%d: its notes were not read to the end", h.IID)
				}
				if h.Ack == nil {
					continue // the simulator leaves some handoffs unacknowledged
				}
				acked++
				if h.Incoming == "" || h.Ack.Username != h.Incoming || !h.AddressedTo(h.Incoming) {
					t.Errorf("#%d: incoming %q, acknowledged by %q", h.IID, h.Incoming, h.Ack.Username)
				}
			}
			// Six of the eight are acknowledged, the newest under 60 system notes.
			if acked != 6 || hs[0].Ack == nil {
				t.Errorf("%d acknowledged handoffs, the newest %v; want 6, the newest among them", acked, hs[0].Ack)
			}
		})
	}
}

func TestAcknowledgementsAreReadAgainOnlyWhenTheHandoffChanged(t *testing.T) {
	var asked askedForComments
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), asked.wrap)
	src := newSource(t, srv.URL, 100)
	first, err := src.Handoffs(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	before := asked.notes.Load()
	again, err := src.Handoffs(context.Background(), 20)
	if err != nil || asked.notes.Load() != before {
		t.Fatalf("%v; the second listing read notes %d times", err, asked.notes.Load()-before)
	}
	for i := range first {
		same := (first[i].Ack == nil) == (again[i].Ack == nil) && (first[i].Ack == nil || *first[i].Ack == *again[i].Ack)
		if !same || !again[i].AckChecked {
			t.Errorf("#%d: ack %v then %v", first[i].IID, first[i].Ack, again[i].Ack)
		}
	}
}
