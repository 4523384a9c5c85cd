package tui

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// Cells made on demand are kept until the data or the minute changes: after any sequence of
// keys, quick views, filters, opened rows (which clear marks of news), new minutes and new
// data, the screen drawn from what is kept is the screen drawn from scratch.
func TestCellsMadeOnDemandMatchAFreshScreen(t *testing.T) {
	for seed := int64(1); seed <= 16; seed++ { // 80 seeds passed once; 16 keep CI quick
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			sizes := [][2]int{{80, 24}, {120, 40}, {200, 60}, {60, 15}}
			sz := sizes[rng.Intn(len(sizes))]
			f := newFixture()
			var m *Model
			if seed%2 == 0 {
				last := fixtureWorld()
				last.Incidents[1].Severity = 3
				last.Changes[0].UserNotes = -2
				last.OncallIssues = last.OncallIssues[:1]
				m, _ = testModel(t, f, &memLocal{snap: last}, testNow, sz[0], sz[1])
				run(t, m, m.loadCacheCmd())
			} else {
				m, _ = testModel(t, f, nil, testNow, sz[0], sz[1])
			}
			run(t, m, m.refreshAll())
			now := testNow
			m.opts.Clock = func() time.Time { return now }
			// more incidents, so that panes scroll
			f.set(func(w *model.Snapshot) {
				for i := 0; i < 30; i++ {
					w.Incidents = append(w.Incidents, fixtureIncident(int64(5000+i), model.Severity(1+i%4), []model.IncidentStatus{model.StatusActive, model.StatusMitigated, model.StatusResolved}[i%3], fmt.Sprintf("bulk incident %d", i), time.Duration(i*13)*time.Minute))
				}
			})
			run(t, m, m.refreshAll())
			var log []string
			for step := 0; step < 60; step++ {
				var op string
				switch k := rng.Intn(16); k {
				case 0, 1:
					op = "j"
				case 2:
					op = "k"
				case 3:
					op = "s"
				case 4:
					op = "m"
				case 5:
					op = "M"
				case 6:
					op = "tab"
				case 7:
					op = "filter"
					fs := []string{"new", "1h", "5m", "bulk", "jordan", "ana", "S2", "mitig", "3"}
					press(t, m, "/")
					typeText(t, m, fs[rng.Intn(len(fs))])
					press(t, m, "enter")
				case 8:
					op = "esc"
				case 9, 10:
					op = "minute"
					now = now.Add(time.Duration(1+rng.Intn(20)) * time.Minute)
					m.Update(clockMsg{})
				case 11:
					op = "newdata"
					n := rng.Intn(1000)
					f.set(func(w *model.Snapshot) {
						in := fixtureIncident(int64(7000+n), model.Severity(1+n%4), model.StatusActive, fmt.Sprintf("fresh %d", n), 0)
						in.CreatedAt = now.Add(-time.Duration(n%90) * time.Second)
						w.Incidents = append([]model.Incident{in}, w.Incidents...)
						if len(w.Incidents) > 3 {
							w.Incidents[2].Assignees = []model.Person{person("A Much Longer Lead Name Here", "longlead")}
							w.Incidents[3].Status = model.StatusMitigated
						}
					})
					run(t, m, m.refreshAll())
				case 12:
					op = "open"
					press(t, m, "enter")
					_ = screen(m)
					press(t, m, "esc")
				case 13:
					op = "G"
				case 14, 15:
					op = "open"
					press(t, m, []string{"1", "2", "3"}[rng.Intn(3)])
					press(t, m, "enter")
					_ = screen(m)
					press(t, m, "esc")
				}
				if op != "filter" && op != "minute" && op != "newdata" && op != "open" {
					press(t, m, op)
				}
				log = append(log, op)
				got := screen(m)
				for i := range m.dash.panes {
					m.dash.panes[i].built = -1
				}
				m.bodyStamp++
				want := screen(m)
				if got != want {
					t.Fatalf("after %s the memo's screen differs from a fresh one:\n--- memo\n%s\n--- fresh\n%s", strings.Join(log, " "), got, want)
				}
			}
		})
	}
}

// Two incidents opened at the same instant show the same age, whichever was drawn first:
// a clock tick inside a minute (the seconds of a countdown) moves m.now without a new minute.
func TestAgesInAPaneAreOfOneInstant(t *testing.T) {
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		w.Incidents = nil
		for i := 0; i < 40; i++ {
			in := fixtureIncident(int64(6000+i), 3, model.StatusActive, fmt.Sprintf("twin %02d", i), 0)
			in.CreatedAt = testNow.Add(-9*time.Minute - 30*time.Second) // 9m30s old at testNow
			w.Incidents = append(w.Incidents, in)
		}
	})
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	now := testNow
	m.opts.Clock = func() time.Time { return now }
	run(t, m, m.refreshAll())
	top := screen(m)
	now = testNow.Add(40 * time.Second) // same minute (14:30:45), a second's tick of a countdown
	m.Update(clockMsg{})
	press(t, m, "G") // the last twin, not drawn before
	bottom := screen(m)
	age := func(out, title string) string {
		for _, l := range lines(out) {
			if strings.Contains(l, title) {
				f := strings.Fields(l)
				return f[len(f)-3]
			}
		}
		return "?"
	}
	a, b := age(top, "twin 00"), age(bottom, "twin 39")
	if a != b {
		t.Fatalf("two incidents opened at the same instant: twin 00 drawn %s old, twin 39 (drawn later in the same minute) %s old", a, b)
	}
}

// When a new minute changes what a filter lets through, the selection stays on its item.
func TestTheSelectionFollowsItsItemWhenAFilterChangesWithTheMinute(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	now := testNow
	m.opts.Clock = func() time.Time { return now }
	add := func(iid int64, title string) {
		f.set(func(w *model.Snapshot) {
			w.Incidents = append(w.Incidents, fixtureIncident(iid, 4, model.StatusActive, title, 0))
		})
		run(t, m, m.refreshAll())
	}
	add(4201, "first arrival")
	now = now.Add(10 * time.Minute)
	m.Update(clockMsg{})
	add(4202, "second arrival")
	press(t, m, "/", "[", "n", "e", "w", "]", "enter", "j")
	if r, ok := m.dash.focused().selectedRow(m); !ok || r.title != "second arrival" {
		t.Fatalf("selected %q; want the second arrival:\n%s", r.title, screen(m))
	}
	now = testNow.Add(newFor + time.Minute) // the first is no longer new; the second still is
	m.Update(clockMsg{})
	out := screen(m)
	if r, ok := m.dash.focused().selectedRow(m); !ok || r.title != "second arrival" || strings.Contains(out, "first arrival") {
		t.Fatalf("selected %q (%v); want still the second arrival:\n%s", r.title, ok, out)
	}
}
