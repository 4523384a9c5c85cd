package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/themes"
)

// fixtureModel is the dashboard over the fixture, every source answered once.
func fixtureModel(t *testing.T, w, h int) (*Model, *fixture, *timers) {
	t.Helper()
	f := newFixture()
	m, ts := testModel(t, f, nil, testNow, w, h)
	run(t, m, m.refreshAll())
	return m, f, ts
}

func TestGoldenDashboard(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {80, 24}, {120, 40}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m, _, _ := fixtureModel(t, size[0], size[1])
			out := screen(m)
			if got := len(lines(out)); got != size[1] {
				t.Errorf("%d lines; want exactly %d", got, size[1])
			}
			for i, line := range lines(out) {
				if w := ansi.StringWidth(line); w > size[0] {
					t.Errorf("line %d is %d cells wide: %q", i, w, line)
				}
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func TestGoldenHelpAndFocus(t *testing.T) {
	m, _, _ := fixtureModel(t, 80, 24)
	press(t, m, "2", "j")
	golden.RequireEqual(t, []byte(screen(m)))
}

func TestHelpListsTheBindingsInForceAndScrollsToItsEnd(t *testing.T) {
	m, _, _ := fixtureModel(t, 80, 24)
	press(t, m, "4", "?")
	// At 80x24 help does not fit: it scrolls, and its last line can be reached.
	last := "of the same name"
	if strings.Contains(screen(m), last) {
		t.Fatalf("the test needs help longer than the screen:\n%s", screen(m))
	}
	all := screen(m)
	for i := 0; i < 10 && !strings.Contains(screen(m), last); i++ {
		press(t, m, "pgdown")
		all += screen(m)
	}
	if !strings.Contains(screen(m), last) {
		t.Fatalf("the end of help cannot be reached:\n%s", screen(m))
	}
	for _, want := range []string{"tab", "shift+tab", "1-5", "enter", "refresh now", "quit", "j/↓", "Handoffs pane", "acknowledge the handoff", "sort the pane", "open in the browser"} {
		if !strings.Contains(all, want) {
			t.Errorf("help does not list %q:\n%s", want, all)
		}
	}
	press(t, m, "esc")
	press(t, m, "1", "?")
	if strings.Contains(screen(m), "acknowledge the handoff") {
		t.Error("help offers a key of the Handoffs pane while the Incidents pane is focused")
	}
}

func TestFooterOffersOnlyTheKeysInForce(t *testing.T) {
	m, _, _ := fixtureModel(t, 200, 40)
	footer := func() string { o := lines(screen(m)); return o[len(o)-1] }
	if strings.Contains(footer(), "a ack") {
		t.Errorf("the Incidents pane's footer offers a: %q", footer())
	}
	press(t, m, "enter")
	if !strings.Contains(screen(m), "Customer Impact") || strings.Contains(footer(), "a ack") {
		t.Errorf("an incident's detail offers a: %q", footer())
	}
	press(t, m, "esc", "4")
	if !strings.Contains(footer(), "a ack") {
		t.Errorf("the Handoffs pane's footer lacks a: %q", footer())
	}
	press(t, m, "enter")
	if !strings.Contains(footer(), "a acknowledge") {
		t.Errorf("a handoff's detail lacks a: %q", footer())
	}
}

func TestEverythingFitsAt120x40WithoutScrolling(t *testing.T) {
	out := screen(loaded(t, 120, 40))
	// Incidents, pages and changes fit whole; the bottom panes may scroll.
	if top := out[:strings.Index(out, "3 On-call issues")]; strings.Contains(top, "more") {
		t.Errorf("at 120x40 the simulated incidents, pages and changes should fit without scrolling:\n%s", out)
	}
	for _, want := range []string{"on call", "next", "handoff EMEA → AMER", "in 1h29m", "1 triggered", "3 acknowledged",
		"Incidents", "Changes", "On-call issues", "Handoffs", "[blocks deploys]", "[data loss]", "ready", "in-progress"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
}

func TestKeysMoveFocusAndCursor(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	// tab follows the screen: Incidents, then Pages (numbered 5, drawn second), Changes...
	press(t, m, "tab")
	if m.dash.focused().spec.title != "Pages" {
		t.Fatalf("tab from Incidents: focus %q", m.dash.focused().spec.title)
	}
	press(t, m, "tab")
	if m.dash.focused().spec.title != "Changes" {
		t.Fatalf("tab from Pages: focus %q", m.dash.focused().spec.title)
	}
	press(t, m, "shift+tab", "shift+tab", "shift+tab")
	if m.dash.focused().spec.title != "Handoffs" {
		t.Fatalf("shift+tab three times from Changes wraps to the last pane: focus %q", m.dash.focused().spec.title)
	}
	press(t, m, "1", "j", "down", "k")
	p := m.dash.focused()
	if m.dash.focus != 0 || p.cursor != 1 {
		t.Fatalf("1 j down k: focus %d cursor %d", m.dash.focus, p.cursor)
	}
	press(t, m, "G")
	if n := len(f.world.Incidents); p.cursor != n-1 {
		t.Fatalf("G: cursor %d of %d", p.cursor, n)
	}
	press(t, m, "j")
	if n := len(f.world.Incidents); p.cursor != n-1 {
		t.Fatalf("j past the end moved the cursor to %d", p.cursor)
	}
	press(t, m, "g")
	if p.cursor != 0 {
		t.Fatal("g did not go to the top")
	}
	if !quits(press(t, m, "q")) {
		t.Fatal("q does not quit")
	}
}

func TestEnterOpensDetailAndEscGoesBack(t *testing.T) {
	m := loaded(t, 100, 30)
	press(t, m, "j", "enter")
	d, ok := m.top().(*detailView)
	if !ok {
		t.Fatal("enter did not open the detail view")
	}
	want := m.snap.Incidents[1]
	out := screen(m)
	for _, s := range []string{want.Title[:30], "## Customer Impact", "Latest notes", fmt.Sprintf("#%d", want.IID)} {
		if !strings.Contains(out, s) {
			t.Errorf("detail lacks %q:\n%s", s, out)
		}
	}
	if raw := m.View().Content; !strings.Contains(raw, "\x1b]8;;"+want.WebURL) {
		t.Error("the detail's title is not a link to the issue (OSC 8)")
	}
	before := d.vp.YOffset()
	press(t, m, "j", "j")
	if d.vp.YOffset() != before+2 {
		t.Errorf("j in the detail view scrolled from %d to %d", before, d.vp.YOffset())
	}
	press(t, m, "space")
	if d.vp.YOffset() <= before+2 {
		t.Error("space did not page down")
	}
	press(t, m, "?")
	press(t, m, "esc")
	if m.top() != d {
		t.Fatal("esc in help opened from the detail view should return to it")
	}
	press(t, m, "esc")
	if m.top() != m.dash || m.dash.focused().cursor != 1 {
		t.Fatalf("esc: top %T cursor %d", m.top(), m.dash.focused().cursor)
	}
}

func TestFailingSourceKeepsItsDataAndSaysWhy(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	f.fail(model.SourceQueue, errors.New("production issues: 503 Service Unavailable"))
	f.set(func(w *model.Snapshot) { w.Incidents = nil })
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "Replication lag on the main database") {
		t.Error("the last good incidents vanished when the source failed")
	}
	if !strings.Contains(out, "· 1 S4 ⚠ 503 Service Unavailable") || !strings.Contains(out, "✗ GitLab queue: 503 Service Unavailable") || !strings.Contains(out, "1 failing") {
		t.Errorf("the failure is not shown:\n%s", out)
	}
	f.fail(model.SourceQueue, nil)
	press(t, m, "r")
	if out := screen(m); strings.Contains(out, "503") || strings.Contains(out, "failing") {
		t.Error("the failure is still shown after the source recovered")
	}
}

func TestRefreshesNeverPileUpAndStaleAnswersAreDropped(t *testing.T) {
	f := newFixture()
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	first := m.refreshAll()
	if again := m.refreshAll(); again != nil {
		if b, ok := again().(tea.BatchMsg); !ok || len(b) > 0 {
			t.Fatalf("a second refresh while the first is in flight issued %v", b)
		}
	}
	run(t, m, first)
	for _, id := range model.AllSources {
		if f.callsOf(id) != 1 {
			t.Errorf("%s fetched %d times", id, f.callsOf(id))
		}
	}
	// An answer carrying an older sequence number is dropped.
	m.Update(fetchedMsg{id: model.SourceQueue, seq: m.source(model.SourceQueue).seq - 1, patch: func(s *model.Snapshot) { s.Incidents = nil }})
	if len(m.snap.Incidents) == 0 {
		t.Fatal("a stale answer overwrote newer data")
	}
}

func TestSelectionFollowsTheIssueAcrossRefreshes(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	press(t, m, "j", "j")
	on := m.dash.focused().selected
	f.set(func(w *model.Snapshot) {
		w.Incidents = append([]model.Incident{fixtureIncident(4200, 1, model.StatusActive, "new S1", time.Minute)}, w.Incidents...)
	})
	run(t, m, m.refreshAll())
	if p := m.dash.focused(); p.cursor != 3 || p.selected != on {
		t.Fatalf("cursor %d on %s; want it still on %s", p.cursor, p.selected, on)
	}
}

func TestHeaderCountdownAndRegions(t *testing.T) {
	m, _, _ := fixtureModel(t, 120, 40)
	ls := lines(screen(m))
	if !strings.Contains(ls[0], "Mon 23 Nov 14:30 UTC") || !strings.Contains(ls[0], "15:30 CET") {
		t.Errorf("clock line %q", ls[0])
	}
	if !strings.HasPrefix(ls[1], "▶ EMEA") || !strings.Contains(ls[1], "on call Ana Kowalska") || !strings.Contains(ls[2], "off shift") {
		t.Errorf("region lines:\n%s\n%s", ls[1], ls[2])
	}
	if !strings.Contains(ls[2], "next Jordan Reyes 16:00") || !strings.Contains(ls[1], "next Priya Raman Tue 04:00") {
		t.Errorf("next shifts:\n%s\n%s", ls[1], ls[2])
	}
	if !strings.Contains(ls[3], "at 16:00 UTC, in 1h29m") {
		t.Errorf("handoff line %q", ls[3])
	}
}

func TestTheRotationFailingNeverShowsAZeroTime(t *testing.T) {
	f := newFixture()
	f.fail(model.SourceRotation, errors.New("on-call: 502 Bad Gateway"))
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	run(t, m, m.refreshAll())
	out := screen(m)
	if strings.Contains(out, "00:00") || !strings.Contains(out, "next unknown 16:00") {
		t.Fatalf("with PagerDuty failing, the header should say unknown at the configured times:\n%s", out)
	}
}

func TestIncidentsOpenedDuringTheSessionAreMarkedNew(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	if strings.Contains(screen(m), "[new]") {
		t.Fatal("incidents present at start are marked new")
	}
	f.set(func(w *model.Snapshot) {
		w.Incidents = append([]model.Incident{fixtureIncident(4200, 1, model.StatusActive, "fresh outage", time.Minute)}, w.Incidents...)
	})
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "fresh outage [new]") || strings.Contains(out, "Sidekiq queue backlog above 10k jobs [new]") {
		t.Fatalf("new incident not marked:\n%s", out)
	}
	if got := m.View().WindowTitle; got != "oncall: 5 open: 4 active, 1 mitigated (2 S1, 1 S2)" {
		t.Errorf("window title %q", got)
	}
}

func TestTimersRefreshEverySourceAndTheClock(t *testing.T) {
	f := newFixture()
	m, ts := testModel(t, f, nil, testNow, 120, 40)
	run(t, m, m.Init())
	for _, id := range model.AllSources {
		if f.callsOf(id) != 1 {
			t.Fatalf("%s fetched %d times at start", id, f.callsOf(id))
		}
	}
	if n := ts.fire(t, m, refreshTickMsg{}); n != 1 {
		t.Fatalf("%d refresh timers pending after start; want 1", n)
	}
	for _, id := range model.AllSources {
		if f.callsOf(id) != 2 {
			t.Errorf("%s fetched %d times after the refresh timer", id, f.callsOf(id))
		}
	}
	if len(ts.take(refreshTickMsg{})) != 1 || len(ts.take(clockMsg{})) != 1 {
		t.Error("the refresh timer and the clock do not start their next round")
	}
}

func TestWideAndHostileTitlesKeepColumnsAligned(t *testing.T) {
	long := strings.Repeat("very long title ", 700) // 11,200 characters
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		w.Incidents = []model.Incident{
			fixtureIncident(1, 1, model.StatusActive, "データベース障害: 書き込み失敗 🔥🔥 レプリカ遅延", time.Hour),
			fixtureIncident(2, 2, model.StatusActive, long, time.Hour),
			fixtureIncident(3, 3, model.StatusActive, "plain ascii title", time.Hour),
			fixtureIncident(4, 4, model.StatusActive, "emoji 👩‍💻 zwj and 🇯🇵 flag", time.Hour),
		}
		for i := range w.Incidents {
			w.Incidents[i].Assignees = []model.Person{{Name: "张伟"}}
		}
	})
	m, _ := testModel(t, f, nil, testNow, 100, 30)
	run(t, m, m.refreshAll())
	out := screen(m)
	var ageCols []int
	for _, line := range lines(out) {
		if w := ansi.StringWidth(line); w > 100 {
			t.Errorf("line is %d cells: %q", w, line)
		}
		if strings.HasPrefix(strings.TrimLeft(line, " ▌"), "S") && strings.Contains(line, "张伟") {
			// The AGE column starts at the same cell on every row, whatever the title held.
			idx := strings.Index(line, " 1h ")
			ageCols = append(ageCols, ansi.StringWidth(line[:idx]))
		}
	}
	if len(ageCols) != 4 {
		t.Fatalf("found %d incident rows:\n%s", len(ageCols), out)
	}
	for _, c := range ageCols[1:] {
		if c != ageCols[0] {
			t.Fatalf("AGE columns at cells %v: not aligned\n%s", ageCols, out)
		}
	}
}

func TestRetryBackoffGrowsIsCappedAndHonoursRetryAfter(t *testing.T) {
	m, _, ts := fixtureModel(t, 120, 40)
	m.opts.FirstRetry = 5 * time.Second
	var waits []time.Duration
	for i := 0; i < 6; i++ {
		m.scheduleRetry(model.SourcePages, errors.New("500"))
		waits = append(waits, m.source(model.SourcePages).next.Sub(testNow))
	}
	if waits[0] < 4*time.Second || waits[0] > 6*time.Second || waits[2] < 16*time.Second || waits[5] > 72*time.Second {
		t.Fatalf("waits %v: want 5s doubling (±20%%) up to the 1m refresh", waits)
	}
	if got := ts.take(retryMsg{}); len(got) != 6 || got[5].d != waits[5] {
		t.Fatalf("the retry timers do not match the plan: %+v", got)
	}
	m.scheduleRetry(model.SourcePages, &model.RetryAfterError{Err: errors.New("429"), After: 3 * time.Minute})
	s := m.source(model.SourcePages)
	if s.next.Sub(testNow) != 3*time.Minute || s.server.Sub(testNow) != 3*time.Minute {
		t.Fatalf("Retry-After not honoured: %+v", s)
	}
	if m.due(model.SourcePages, true) || m.due(model.SourcePages, false) {
		t.Fatal("a source may not be asked before its Retry-After, not even by r")
	}
	before := m.source(model.SourcePages).seq
	run(t, m, m.refreshNow())
	if m.source(model.SourcePages).seq != before {
		t.Fatal("r asked a source inside its Retry-After")
	}
}

func TestFilterAPane(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	all := len(f.world.Incidents)
	press(t, m, "/", "s", "i", "d", "e")
	rows := m.dash.focused().rows(m)
	if len(rows) != 1 || !strings.Contains(rows[0].title, "Sidekiq") || !strings.Contains(screen(m), fmt.Sprintf("1 of %d shown (/side)", all)) {
		t.Fatalf("filter /side: %d rows\n%s", len(rows), screen(m))
	}
	press(t, m, "backspace", "backspace", "backspace", "backspace", "s", "i", "d", "e")
	press(t, m, "enter", "j")
	if m.dash.filtering || m.dash.focused().cursor != 0 {
		t.Fatal("enter should keep the filter and give the keys back to the pane")
	}
	press(t, m, "esc")
	if rows := m.dash.focused().rows(m); len(rows) != all {
		t.Fatalf("esc did not clear the filter: %d rows", len(rows))
	}
	press(t, m, "/", "q", "?")
	if m.dash.focused().filter != "q?" || m.top() != m.dash {
		t.Fatal("q and ? while typing a filter must be text, not quit or help")
	}
}

// TestAPaneIsOneSpec adds a pane to the registry, and nothing else: it gets a number, a
// place on the screen, focus, its own key in the footer and help.
func TestAPaneIsOneSpec(t *testing.T) {
	saved := panes
	defer func() { panes = saved }()
	done := false
	panes = append(append([]paneSpec(nil), saved...), paneSpec{
		title: "Silences", source: model.SourcePages, columns: []column{{title: "STATUS", width: 10}, {title: "TITLE", min: 10}},
		build: func(m *Model) ([]row, string) {
			var rows []row
			for _, p := range m.snap.Pages.Open {
				rows = append(rows, row{page: p.ID, title: p.Title, cells: []cell{txt(p.Status, &m.st.Bad), txt(p.Title, &m.st.Text)}})
			}
			return rows, fmt.Sprintf("%d open", len(rows))
		},
		empty: "no silences", band: 0, weight: 4,
		actions: []paneAction{{binding: func(*keys) key.Binding {
			return key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "frob the silence"))
		},
			run: func(*Model, row) tea.Cmd { done = true; return nil }}},
	})
	m, _, _ := fixtureModel(t, 160, 40)
	out := screen(m)
	if !strings.Contains(out, "6 Silences") || strings.Count(out, "GitalyCPUSaturation") != 2 {
		t.Fatalf("the sixth pane is not drawn:\n%s", out)
	}
	press(t, m, "6")
	if m.dash.focused().spec.title != "Silences" {
		t.Fatal("6 does not focus the new pane")
	}
	if ls := lines(screen(m)); !strings.Contains(ls[len(ls)-1], "z frob the silence") {
		t.Errorf("the footer lacks the pane's key: %q", ls[len(ls)-1])
	}
	press(t, m, "z")
	if !done {
		t.Error("the pane's key did not run its action")
	}
	press(t, m, "?")
	if out := screen(m); !strings.Contains(out, "Silences pane") || !strings.Contains(out, "frob the silence") || !strings.Contains(out, "1-6") {
		t.Errorf("help does not list the new pane:\n%s", out)
	}
}

// A terminal that resized the alternate screen (tmux, after the window grew) pushes the
// last frame's rows into the shell's scrollback when the program leaves: the last frame
// must be blank.
func TestTheLastFrameIsBlank(t *testing.T) {
	m, _, _ := fixtureModel(t, 100, 30)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	if !quits(press(t, m, "q")) {
		t.Fatal("q does not quit")
	}
	v := m.View()
	if strings.TrimSpace(v.Content) != "" || strings.Count(v.Content, "\n") != 59 || !v.AltScreen {
		t.Fatalf("the last frame is not 60 blank rows of the alternate screen: %q", v.Content[:min(80, len(v.Content))])
	}
}

func TestAGapInTheRotationIsNotUnknown(t *testing.T) {
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		w.OnCall[1].Next, w.OnCall[1].NextCoverage = nil, model.CoverageGap
	})
	m, _ := testModel(t, f, nil, testNow, 120, 24)
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "next nobody scheduled 16:00") || !strings.Contains(out, "⚠ nobody is scheduled for AMER's next shift at 16:00 UTC") {
		t.Fatalf("a gap in the schedule is not shown as one, with a warning:\n%s", out)
	}
	if strings.Contains(out, "unknown") {
		t.Fatalf("a gap is not unknown:\n%s", out)
	}
}

func TestAMisspeltLabelIsCalledOut(t *testing.T) {
	opts := sim.DefaultOptions(testNow)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	cfg := hubtest.Config(srv.URL, opts)
	cfg.GitLab.Labels.Incident = "Incident" // GitLab's labels= is exact: this finds nothing
	h, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := testModel(t, h, nil, testNow, 200, 24)
	run(t, m, m.refreshAll())
	run(t, m, m.labelWarningsCmd())
	want := "label 'Incident' does not exist in gitlab-com/gl-infra/production; did you mean 'incident'?"
	if out := screen(m); !strings.Contains(out, want) || !strings.Contains(out, "0 open") {
		t.Fatalf("the empty pane is not explained by the label check:\n%s", out)
	}
}

func TestCountsAgreeEverywhere(t *testing.T) {
	m, _, _ := fixtureModel(t, 160, 40)
	m.report.last = &model.Report{}
	want := "4 open: 3 active, 1 mitigated"
	if out := screen(m); !strings.Contains(out, "1 Incidents  "+want+" · 1 S1") {
		t.Errorf("the pane title does not say %q:\n%s", want, out)
	}
	if got := m.View().WindowTitle; !strings.Contains(got, want) {
		t.Errorf("the window title %q does not say %q", got, want)
	}
	press(t, m, "R")
	if out := screen(m); !strings.Contains(out, "now: "+want) {
		t.Errorf("the reports do not say %q:\n%s", want, out)
	}
}

func TestAFilterThatMatchesNothingSaysSo(t *testing.T) {
	m, _, _ := fixtureModel(t, 120, 40)
	press(t, m, "/", "z", "z", "z", "q", "enter")
	out := screen(m)
	if !strings.Contains(out, "no match for /zzzq (4 hidden)") || strings.Contains(out, "nothing open") {
		t.Fatalf("an empty filter result looks like an empty queue:\n%s", out)
	}
}

func TestAnS1WithoutALeadIsFlagged(t *testing.T) {
	f := newFixture()
	f.set(func(w *model.Snapshot) { w.Incidents[0].Assignees = nil; w.Incidents[2].Assignees = nil })
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	run(t, m, m.refreshAll())
	out := screen(m)
	if strings.Count(out, "⚠ no lead") != 1 {
		t.Fatalf("the S1 without a lead (and only it, not the S3) should be flagged:\n%s", out)
	}
}

func TestRetryTextPromisesOnlyWhatRDoes(t *testing.T) {
	f := newFixture()
	f.fail(model.SourceQueue, &model.RetryAfterError{Err: errors.New("~incident issues: 429 rate limited"), After: 40 * time.Second})
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "the server asked to wait: retrying in 40s") || strings.Contains(out, "(r: now)") {
		t.Fatalf("inside the server's Retry-After, r cannot help and must not be offered:\n%s", out)
	}
	if strings.Contains(out, "~incident issues") && strings.Contains(out, "2 Changes  ⚠ ~incident") {
		t.Fatalf("the Changes pane shows the incident list's error:\n%s", out)
	}
}

func TestKeysCanBeRebound(t *testing.T) {
	if err := ValidateKeys(map[string][]string{"quitt": {"Q"}}); err == nil || !strings.Contains(err.Error(), "keys.quitt: no such binding") {
		t.Fatalf("a misspelt binding name: %v", err)
	}
	f := newFixture()
	ts := &timers{}
	m := New(Options{Backend: f, Rotation: sim.DefaultOptions(testNow).Rotation, Clock: func() time.Time { return testNow },
		Theme: "dark", After: ts.after, Context: t.Context(), Keys: map[string][]string{"quit": {"Q"}, "next_pane": {"n"}}})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if quits(press(t, m, "q")) {
		t.Fatal("q still quits after quit was rebound to Q")
	}
	press(t, m, "n")
	if m.dash.focus == 0 {
		t.Fatal("n does not move to the next pane")
	}
	press(t, m, "?")
	if out := screen(m); !strings.Contains(out, "Q  ") || !strings.Contains(out, "n          next pane") {
		t.Fatalf("help does not show the bindings in force:\n%s", out)
	}
	press(t, m, "esc")
	if !quits(press(t, m, "Q")) {
		t.Fatal("Q does not quit")
	}
}

func TestATinyScreenStaysItsSize(t *testing.T) {
	for _, size := range [][2]int{{40, 6}, {20, 3}, {80, 8}} {
		m, _, _ := fixtureModel(t, size[0], size[1])
		if got := len(lines(screen(m))); got != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], got)
		}
	}
}

// A clock tick redraws the header; the body only when the minute turns (the ages move).
func TestAClockTickRedrawsOnlyWhatItMust(t *testing.T) {
	m, _, _ := fixtureModel(t, 120, 40) // 14:30:05
	_ = m.View()
	body := m.frame.body
	m.opts.Clock = func() time.Time { return testNow.Add(10 * time.Second) }
	m.Update(clockMsg{})
	_ = m.View()
	if m.frame.body != body || m.frame.bodyStamp != m.bodyStamp {
		t.Fatal("a tick within the minute rebuilt the body")
	}
	m.opts.Clock = func() time.Time { return testNow.Add(time.Minute) }
	m.Update(clockMsg{})
	if out := screen(m); !strings.Contains(out, "14:31 UTC") || !strings.Contains(out, "48m") {
		t.Fatalf("a new minute did not move the clock and the ages:\n%s", out)
	}
}

// The clock ticks once a minute (an idle dashboard costs nothing), every second while a
// countdown on screen is under a minute.
func TestTheClockTicksByTheMinuteUnlessSecondsCount(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want time.Duration
	}{
		{testNow, 55 * time.Second},                                     // 14:30:05: the next whole minute
		{time.Date(2026, 11, 23, 15, 59, 30, 0, time.UTC), time.Second}, // the handoff in 30s
	} {
		f := newFixture()
		m, ts := testModel(t, f, nil, c.at, 120, 40)
		m.clockTick()
		if got := ts.take(clockMsg{}); len(got) != 1 || got[0].d != c.want {
			t.Errorf("at %s the clock ticks after %+v; want %s", c.at.Format("15:04:05"), got, c.want)
		}
	}
}

func TestWithoutDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-23: Replication lag": "Replication lag",
		"2026-11-23 Replication lag":  "Replication lag",
		"2026-11-23:":                 "2026-11-23:",
		"2026-11-2x: not a date":      "2026-11-2x: not a date",
		"Replication lag":             "Replication lag",
		"2026-11-23":                  "2026-11-23",
	} {
		if got := withoutDate(in); got != want {
			t.Errorf("withoutDate(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestTheSparklineCountsCalendarDaysTodayLast(t *testing.T) {
	now := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // a Monday, just past midnight
	at := func(d time.Duration) model.IncidentLine {
		return model.IncidentLine{Incident: model.Incident{Issue: model.Issue{CreatedAt: now.Add(-d)}}}
	}
	r := &model.Report{Incidents: []model.IncidentLine{at(30 * time.Minute), at(2 * time.Hour), at(3 * time.Hour), at(6*24*time.Hour + 30*time.Minute)}}
	counts, labels := calendarDays(r, now)
	if strings.Join(labels, " ") != "Tu We Th Fr Sa Su Mo" {
		t.Errorf("labels %v: want the last seven days, today (Monday) last", labels)
	}
	// 00:30 today; 23:00 and 22:00 yesterday (Sunday); six days and a half-hour ago: Tuesday.
	if fmt.Sprint(counts) != "[1 0 0 0 0 2 1]" {
		t.Errorf("counts %v", counts)
	}
}

func TestALongMessageIsCutNotDropped(t *testing.T) {
	m, _, _ := fixtureModel(t, 80, 24)
	m.sayFailed("acknowledge failed: the PagerDuty token cannot do this: it is read-only; acting on pages needs a full-access key")
	footer := lines(screen(m))[23]
	if !strings.HasPrefix(strings.TrimSpace(footer), "acknowledge failed: the PagerDuty token") || !strings.Contains(footer, "…") {
		t.Fatalf("the footer drops or mangles a long message: %q", footer)
	}
	m.opts.Clock = func() time.Time { return testNow.Add(20 * time.Second) }
	if !strings.Contains(lines(screen(m))[23], "acknowledge failed") {
		t.Error("a failure leaves the footer as fast as a passing message")
	}
}

// On a screen too short for every pane, the focused one shows its rows and the others keep
// their title line: a key never acts on a selection nobody can see.
func TestATinyScreenShowsTheFocusedPane(t *testing.T) {
	m, _, _ := fixtureModel(t, 60, 15)
	for _, k := range []string{"5", "2", "3", "4"} {
		press(t, m, k)
		p := m.dash.focused()
		out := screen(m)
		shown := 0 // the fixture's panes are short: every row of the focused one fits
		for _, r := range p.rows(m) {
			if strings.Contains(out, strings.TrimPrefix(r.title, "On-call handoff ")[:10]) {
				shown++
			}
		}
		if shown != len(p.rows(m)) {
			t.Errorf("%s: %d of the %d rows of %s are on screen:\n%s", k, shown, len(p.rows(m)), p.spec.title, out)
		}
	}
}

// pgdown moves by the rows on screen: the "↓ n more" line is not one of them.
func TestPageDownMovesByTheRowsOnScreen(t *testing.T) {
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		for i := range 30 {
			w.Incidents = append(w.Incidents, fixtureIncident(int64(5000+i), 3, model.StatusActive, fmt.Sprintf("Filler incident %02d", i), time.Duration(i+1)*time.Hour))
		}
	})
	m, _ := testModel(t, f, nil, testNow, 100, 30)
	run(t, m, m.refreshAll())
	press(t, m, "1")
	shown := 0
	for _, l := range lines(screen(m)) {
		if strings.Contains(l, "Filler incident") || strings.Contains(l, "Replication lag") || strings.Contains(l, "5xx") || strings.Contains(l, "Sidekiq") || strings.Contains(l, "Renovate") {
			shown++
		}
	}
	press(t, m, "pgdown")
	if p := m.dash.focused(); p.cursor != shown {
		t.Fatalf("pgdown moved to row %d; %d rows are on screen", p.cursor, shown)
	}
}

// A new minute moves the ages on screen without building the pane's rows again: only the
// cells of the rows drawn are made anew, however long the queue.
func TestANewMinuteMakesOnlyTheRowsOnScreen(t *testing.T) {
	m := benchDashboard(t, 1_000, 120, 40)
	m.opts.Clock = func() time.Time { return testNow }
	_ = screen(m)
	p := &m.dash.panes[0]
	all, built := &p.all[0], p.built
	m.opts.Clock = func() time.Time { return testNow.Add(time.Hour) }
	m.Update(clockMsg{})
	out := screen(m)
	if &p.all[0] != all || p.built != built {
		t.Fatal("a new minute built the incidents' rows again")
	}
	if n := len(p.made); n == 0 || n > 40 {
		t.Fatalf("%d rows' cells made after the minute turned; want those on screen", n)
	}
	// the first incident was opened 7 minutes before testNow: an hour later it is 67m old
	if l := lines(out)[firstRowLine(t, out, benchTitle(0))]; !strings.Contains(l, " 1h ") || strings.Contains(l, " 7m ") {
		t.Fatalf("the ages did not move with the minute:\n%s", out)
	}
}

// A filter looks into the ages and marks too: one for [new] lets go of an incident when its
// mark expires, without new data.
func TestAFilterFollowsTheMinute(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	f.set(func(w *model.Snapshot) {
		w.Incidents = append([]model.Incident{fixtureIncident(4200, 1, model.StatusActive, "fresh outage", time.Minute)}, w.Incidents...)
	})
	run(t, m, m.refreshAll())
	press(t, m, "/", "[", "n", "e", "w", "]", "enter")
	if out := screen(m); !strings.Contains(out, "fresh outage [new]") {
		t.Fatalf("the filter for [new] does not show the new incident:\n%s", out)
	}
	m.opts.Clock = func() time.Time { return testNow.Add(newFor + time.Minute) }
	m.Update(clockMsg{})
	if out := screen(m); strings.Contains(out, "fresh outage") || !strings.Contains(out, "no match for /[new]") {
		t.Fatalf("half an hour later the incident is no longer new, but the filter still shows it:\n%s", out)
	}
}

// firstRowLine is the index of the first line of out that contains s.
func firstRowLine(t *testing.T, out, s string) int {
	t.Helper()
	for i, l := range lines(out) {
		if strings.Contains(l, s) {
			return i
		}
	}
	t.Fatalf("no line has %q:\n%s", s, out)
	return -1
}

// An issue's Markdown is rendered in a command, never in Update: a new size leaves the text
// as it was until the command that lays it out again has run.
func TestTheDetailIsLaidOutOffTheUIGoroutine(t *testing.T) {
	m := loaded(t, 100, 30)
	press(t, m, "j", "enter")
	d := m.top().(*detailView)
	if d.shown.width != 100 {
		t.Fatalf("the detail shows a layout %d wide; want 100", d.shown.width)
	}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 60, Height: 30})
	if d.shown.width != 100 || cmd == nil {
		t.Fatalf("a new size laid the Markdown out in Update (shown %d wide, command %v)", d.shown.width, cmd != nil)
	}
	run(t, m, cmd)
	if d.shown.width != 60 {
		t.Fatalf("after its command the detail shows a layout %d wide; want 60", d.shown.width)
	}
	for _, l := range lines(screen(m)) {
		if w := lipgloss.Width(l); w > 60 {
			t.Fatalf("a line %d wide after the resize to 60: %q", w, l)
		}
	}
}

// A description of a megabyte is rendered in part, saying so: glamour would take seconds.
func TestAHugeDescriptionIsCut(t *testing.T) {
	out := markdown(strings.Repeat("word ", 200_000), themes.ByName("dark", true), 80)
	if !strings.Contains(out, "cut at 64 KB") || len(out) > 4*maxMarkdown {
		t.Fatalf("%d bytes rendered from a 1 MB description, cut said: %v", len(out), strings.Contains(out, "cut at 64 KB"))
	}
}
