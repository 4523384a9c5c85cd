package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// memLocal is just enough local state for a cache: the last session's snapshot.
type memLocal struct {
	LocalState
	snap model.Snapshot
}

func (l *memLocal) LoadSnapshot() (model.Snapshot, bool, error) { return l.snap, true, nil }
func (l *memLocal) SaveSnapshot(s model.Snapshot) error         { l.snap = s; return nil }

func TestWhatChangedSinceYouLastLookedIsMarkedUntilOpened(t *testing.T) {
	last := fixtureWorld()
	for id, h := range last.Health {
		h.LastSuccess = time.Date(2026, 11, 23, 3, 10, 0, 0, time.UTC)
		last.Health[id] = h
	}
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		w.Incidents[0].Status = model.StatusResolved // #4101 was mitigated when you left
		w.Incidents[2].UserNotes += 3                // #4099: three new notes
		w.Incidents = append(w.Incidents, fixtureIncident(4300, 2, model.StatusActive, "Checkout failing", time.Hour))
		w.Pages.Open = append(w.Pages.Open, model.Page{ID: "Q9", Number: 104300, Title: "[FIRING:1] CheckoutErrors", Status: "triggered"})
	})
	local := &memLocal{snap: last}
	m, _ := testModel(t, f, local, testNow, 200, 40)
	m.opts.Zone = time.UTC
	run(t, m, m.loadCacheCmd())
	run(t, m, m.refreshAll())
	out := screen(m)
	want := "since 03:10: 1 new S2, 1 new page, #4101 resolved, 3 new notes"
	if !strings.Contains(out, want) {
		t.Fatalf("no summary %q:\n%s", want, out)
	}
	for _, mark := range []string{"Checkout failing [new]", "[now resolved]", "[+3 notes]", "CheckoutErrors [new]"} {
		if !strings.Contains(out, mark) {
			t.Errorf("no mark %q:\n%s", mark, out)
		}
	}
	// Opening #4101 clears its mark and its part of the summary, at once.
	_, cmd := m.Update(keyPress("enter")) // the frame drawn right after the key
	if out := screen(m); strings.Contains(out, "#4101 resolved") {
		t.Fatalf("the summary still names #4101 on the frame that opened it:\n%s", out)
	}
	run(t, m, cmd)
	press(t, m, "esc")
	if out := screen(m); strings.Contains(out, "[now resolved]") || strings.Contains(out, "#4101 resolved") {
		t.Fatalf("the mark of an opened item stays:\n%s", out)
	}
}
