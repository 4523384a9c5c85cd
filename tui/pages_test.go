package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// pagesModel is the fixture's dashboard, knowing who it acts as, with the Pages pane focused.
func pagesModel(t *testing.T, w, h int) (*Model, *fixture) {
	t.Helper()
	m, f, _ := fixtureModel(t, w, h)
	run(t, m, m.pagerDutyMeCmd())
	press(t, m, "5")
	return m, f
}

func TestPagesPaneListsTriggeredFirstAndMarksMine(t *testing.T) {
	m, _ := pagesModel(t, 160, 40)
	rows := m.dash.focused().rows(m)
	if len(rows) != 3 || rows[0].page != "Q1" {
		t.Fatalf("rows %+v: want the triggered page first", rows)
	}
	out := screen(m)
	for _, want := range []string{"5 Pages  3 open · 1 triggered · 1 assigned to you", "● triggered", "high", "[FIRING:1] GitalyCPUSaturation", "Gitaly", "4m", "Ana Kowalska", "L1"} {
		if !strings.Contains(out, want) {
			t.Errorf("the Pages pane lacks %q:\n%s", want, out)
		}
	}
}

func TestAcknowledgeAPageAsksShowsPendingThenWhatPagerDutySays(t *testing.T) {
	m, f := pagesModel(t, 160, 40)
	press(t, m, "a")
	out := screen(m)
	if !strings.Contains(out, "Acknowledge page #104207?") || !strings.Contains(out, "as ana@example.com") {
		t.Fatalf("no question before acknowledging:\n%s", out)
	}
	_, cmd := m.Update(keyPress("y"))
	if out := screen(m); !strings.Contains(out, "acking…") {
		t.Fatalf("the change is not shown at once, marked pending:\n%s", out)
	}
	run(t, m, cmd)
	if p, _ := m.page("Q1"); p.Status != model.PageAcknowledged || f.world.Pages.Open[0].Status != model.PageAcknowledged {
		t.Fatalf("the page is %q after PagerDuty confirmed", p.Status)
	}
	out = screen(m)
	if strings.Contains(out, "acking…") || !strings.Contains(out, "pages 0 triggered · 3 acknowledged") || !strings.Contains(out, "acknowledged #104207") {
		t.Fatalf("the confirmed state is not shown, or the counts disagree:\n%s", out)
	}
	press(t, m, "a")
	if m.top() != m.dash || !strings.Contains(screen(m), "#104207 is already acknowledged") {
		t.Fatal("acting on a page already in that state asked again")
	}
}

func TestARefusedPageActionRevertsWithTheReason(t *testing.T) {
	m, f := pagesModel(t, 160, 40)
	f.pageErr = &model.PermanentError{Err: errors.New("403 Forbidden"), Hint: "the PagerDuty key is read-only: acting on pages needs a full-access key"}
	press(t, m, "x")
	_, cmd := m.Update(keyPress("y"))
	run(t, m, cmd)
	out := screen(m)
	if p, _ := m.page("Q1"); p.Status != model.PageTriggered || strings.Contains(out, "resolving…") {
		t.Fatalf("a refused resolve is not reverted: %q\n%s", p.Status, out)
	}
	if !strings.Contains(out, "resolve failed: the PagerDuty key is read-only") {
		t.Fatalf("the reason is not said:\n%s", out)
	}
}

func TestAPageShowsItsAlertsAndNotes(t *testing.T) {
	m, _ := pagesModel(t, 120, 40)
	press(t, m, "enter")
	if _, ok := m.top().(*pageView); !ok {
		t.Fatalf("enter on a page opened %T", m.top())
	}
	out := screen(m)
	for _, want := range []string{"[FIRING:1] GitalyCPUSaturation", "#104207 · triggered · high urgency", "Alerts (1)", "CPU above 95%", "Notes (1", "Jordan Reyes", "a acknowledge the page"} {
		if !strings.Contains(out, want) {
			t.Errorf("the page's detail lacks %q:\n%s", want, out)
		}
	}
	press(t, m, "a")
	if !strings.Contains(screen(m), "Acknowledge page #104207?") {
		t.Error("a in the page's detail does not act on it")
	}
}

// Against the simulator: an account-level key with no From cannot act, and the key says
// what is missing; with pagerduty.from it acknowledges through PagerDuty's API.
func TestPageActionsThroughPagerDuty(t *testing.T) {
	opts := sim.DefaultOptions(testNow)
	srv, s := simtest.NewTestServer(t, opts, nil)
	for _, from := range []string{"", "from"} {
		cfg := hubtest.Config(srv.URL, opts)
		if from != "" {
			for email := range s.People() {
				cfg.PagerDutyFrom = email
				break
			}
		}
		h, err := hub.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := testModel(t, h, nil, testNow, 160, 40)
		run(t, m, m.refreshAll())
		run(t, m, m.pagerDutyMeCmd())
		press(t, m, "5")
		if from == "" {
			press(t, m, "a")
			if out := screen(m); m.top() != m.dash || !strings.Contains(out, "pagerduty.from") {
				t.Fatalf("with an account key and no From, a should say what is missing:\n%s", out)
			}
			continue
		}
		triggered := m.snap.Pages.Triggered
		press(t, m, "a")
		_, cmd := m.Update(keyPress("y"))
		run(t, m, cmd)
		run(t, m, m.refreshAll())
		if m.snap.Pages.Triggered != triggered-1 {
			t.Fatalf("PagerDuty still has %d triggered pages; want %d", m.snap.Pages.Triggered, triggered-1)
		}
	}
}

// A refresh asked before PagerDuty took the action answers with the old status: it must not
// show the page triggered again.
func TestARefreshInFlightDoesNotUndoAnAction(t *testing.T) {
	m, _ := pagesModel(t, 160, 40)
	stale := m.refreshSource(model.SourcePages)()
	press(t, m, "a")
	_, cmd := m.Update(keyPress("y"))
	run(t, m, cmd)
	m.Update(stale)
	if p, _ := m.page("Q1"); p.Status != model.PageAcknowledged {
		t.Fatalf("the page is %q again after an older refresh answered", p.Status)
	}
}

// A passing failure to learn who oncall acts as in PagerDuty is asked again later: the
// pages assigned to you are then marked.
func TestWhoAmIInPagerDutyIsAskedAgainAfterAFailure(t *testing.T) {
	f := newFixture()
	f.meErr = errors.New("pagerduty: 503 Service Unavailable")
	m, ts := testModel(t, f, nil, testNow, 160, 40)
	run(t, m, m.Init())
	if m.pages.me != nil {
		t.Fatal("known despite the failure")
	}
	f.mu.Lock()
	f.meErr = nil
	f.mu.Unlock()
	if ts.fire(t, m, pagerDutyMeRetryMsg{}) != 1 || m.pages.me == nil {
		t.Fatal("PagerDuty's user was not asked again")
	}
}
