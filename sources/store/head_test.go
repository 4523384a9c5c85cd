package store

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestTheHeadOfTheCacheIsReadAlone(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.UseCacheDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.LoadSnapshotHead(); ok {
		t.Fatal("a head without a cache")
	}
	sync := map[model.SourceID]model.Sync{model.SourceQueue: {Since: t0, Full: t0.Add(time.Minute), Reads: 3}}
	snap := model.Snapshot{
		Incidents: []model.Incident{{Issue: model.Issue{Title: "x"}}},
		Pages:     model.Pages{Triggered: 1, Open: []model.Page{{ID: "P1", EscalationPolicyID: "PGL1"}}},
		Sync:      sync,
	}
	if err := s.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(s.snapshot)
	if !strings.HasPrefix(string(b), `{"sync":`) || strings.Count(string(b), `"sync":`) != 1 || strings.Count(string(b), `"pages":`) != 1 {
		t.Fatalf("not written head first, once: %.120s", b)
	}
	head, ok := s.LoadSnapshotHead()
	if !ok || !reflect.DeepEqual(head.Sync, sync) || !reflect.DeepEqual(head.Pages, snap.Pages) {
		t.Fatalf("head %v %+v", ok, head)
	}
	back, ok, err := s.LoadSnapshot()
	if err != nil || !ok || !reflect.DeepEqual(back.Sync, sync) || back.Incidents[0].Title != "x" || !reflect.DeepEqual(back.Pages, snap.Pages) {
		t.Fatalf("the whole snapshot: %v %v %+v", ok, err, back)
	}
	// A cache of an older version, the sync last: no head, read it whole.
	if err := os.WriteFile(s.snapshot, []byte(`{"incidents":[],"sync":{"gitlab-queue":{"since":"2026-11-23T14:30:00Z"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.LoadSnapshotHead(); ok {
		t.Fatal("an old cache's head was taken")
	}
	for _, damaged := range []string{"", "{", `{"sync":`, `{"sync":5,"pages":{}}`, "\x00"} {
		_ = os.WriteFile(s.snapshot, []byte(damaged), 0o600)
		if _, ok := s.LoadSnapshotHead(); ok {
			t.Fatalf("a head from %q", damaged)
		}
	}
}

// The head is read from the first megabyte only: a cache whose page list goes on past it
// has no head (it is read whole, with its own bound).
func TestAHeadPastAMegabyteIsNotRead(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.UseCacheDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	pages := make([]model.Page, 20_000) // about 2 MB of JSON
	for i := range pages {
		pages[i] = model.Page{ID: "P" + strings.Repeat("x", 40), Title: strings.Repeat("t", 40)}
	}
	snap := model.Snapshot{Pages: model.Pages{Open: pages}, Sync: map[model.SourceID]model.Sync{model.SourceQueue: {Since: t0}}}
	if err := s.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.LoadSnapshotHead(); ok {
		t.Fatal("a head of more than a megabyte was read")
	}
	if _, ok, err := s.LoadSnapshot(); !ok || err != nil {
		t.Fatalf("the whole snapshot: %v %v", ok, err)
	}
}
