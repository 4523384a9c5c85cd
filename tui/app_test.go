package tui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var testNow = time.Date(2026, 11, 23, 14, 30, 5, 0, time.UTC)

// simBackend is the real hub over HTTP against the simulator.
func simBackend(t *testing.T) *hub.Hub {
	t.Helper()
	opts := sim.DefaultOptions(testNow)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	h, err := hub.New(hubtest.Config(srv.URL, opts))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newTestModel(t *testing.T, b Backend, w, h int) *Model {
	t.Helper()
	m := New(Options{
		Backend: b, Rotation: sim.DefaultOptions(testNow).Rotation, Refresh: time.Minute,
		Clock: func() time.Time { return testNow }, Local: time.FixedZone("CET", 3600), Theme: "dark",
		CacheDelay: time.Millisecond, FirstRetry: time.Millisecond,
	})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// run executes cmd and every command its messages lead to, feeding each message to m, as
// the program would (batches and sequences included, timers after their wait).
func run(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	if cmds := subCmds(msg); cmds != nil {
		for _, c := range cmds {
			run(t, m, c)
		}
		return
	}
	if msg != nil {
		_, next := m.Update(msg)
		run(t, m, next)
	}
}

// subCmds returns the commands of a tea.BatchMsg or of tea.Sequence's unexported message.
func subCmds(msg tea.Msg) []tea.Cmd {
	v := reflect.ValueOf(msg)
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func press(t *testing.T, m *Model, keys ...string) tea.Cmd {
	t.Helper()
	var last tea.Cmd
	for _, k := range keys {
		_, last = m.Update(keyPress(k))
		if k != "q" {
			run(t, m, last)
		}
	}
	return last
}

func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func loaded(t *testing.T, w, h int) *Model {
	m := newTestModel(t, simBackend(t), w, h)
	run(t, m, m.refreshAll())
	return m
}

func TestGoldenDashboard(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := loaded(t, size[0], size[1])
			out := screen(m)
			if got := strings.Count(out, "\n") + 1; got != size[1] {
				t.Errorf("%d lines; want exactly %d", got, size[1])
			}
			for i, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > size[0] {
					t.Errorf("line %d is %d cells wide: %q", i, w, line)
				}
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func TestGoldenHelpAndFocus(t *testing.T) {
	m := loaded(t, 80, 24)
	press(t, m, "2", "j", "j")
	golden.RequireEqual(t, []byte(screen(m)))
	press(t, m, "?")
	out := screen(m)
	for _, want := range []string{"tab", "shift+tab", "enter", "esc", "refresh now", "quit", "j/↓"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not list %q", want)
		}
	}
}

func TestEverythingFitsAt120x40WithoutScrolling(t *testing.T) {
	out := screen(loaded(t, 120, 40))
	if strings.Contains(out, "more") {
		t.Errorf("at 120x40 the simulated queue should fit without scrolling:\n%s", out)
	}
	for _, want := range []string{"on call", "next", "handoff EMEA → AMER", "in 1h29m", "1 triggered", "2 acknowledged",
		"Incidents", "Changes", "On-call issues", "Handoffs", "[blocks deploys]", "[data loss]", "ready", "in-progress"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
}

func TestKeysMoveFocusAndCursor(t *testing.T) {
	m := loaded(t, 120, 40)
	press(t, m, "tab")
	if m.focus != paneChanges {
		t.Fatalf("tab: focus %d", m.focus)
	}
	press(t, m, "shift+tab", "shift+tab")
	if m.focus != paneHandoffs {
		t.Fatalf("shift+tab twice from changes: focus %d", m.focus)
	}
	press(t, m, "1", "j", "down", "k")
	if m.focus != paneIncidents || m.panes[paneIncidents].cursor != 1 {
		t.Fatalf("1 j down k: focus %d cursor %d", m.focus, m.panes[paneIncidents].cursor)
	}
	press(t, m, "G")
	if c := m.panes[paneIncidents].cursor; c != len(m.snap.Incidents)-1 {
		t.Fatalf("G: cursor %d of %d", c, len(m.snap.Incidents))
	}
	press(t, m, "j")
	if c := m.panes[paneIncidents].cursor; c != len(m.snap.Incidents)-1 {
		t.Fatalf("j past the end moved the cursor to %d", c)
	}
	press(t, m, "g")
	if m.panes[paneIncidents].cursor != 0 {
		t.Fatal("g did not go to the top")
	}
	if cmd := press(t, m, "q"); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit")
	}
}

func TestEnterOpensDetailAndEscGoesBack(t *testing.T) {
	m := loaded(t, 100, 30)
	press(t, m, "j", "enter")
	if m.mode != modeDetail {
		t.Fatal("enter did not open the detail view")
	}
	want := m.snap.Incidents[1]
	out := screen(m)
	for _, s := range []string{want.Title[:30], "## Customer Impact", "Latest notes", fmt.Sprintf("#%d", want.IID)} {
		if !strings.Contains(out, s) {
			t.Errorf("detail lacks %q:\n%s", s, out)
		}
	}
	before := m.detail.vp.YOffset()
	press(t, m, "j", "j")
	if m.detail.vp.YOffset() != before+2 {
		t.Errorf("j in the detail view scrolled from %d to %d", before, m.detail.vp.YOffset())
	}
	press(t, m, "?")
	press(t, m, "esc")
	if m.mode != modeDetail {
		t.Fatal("esc in help opened from the detail view should return to it")
	}
	press(t, m, "esc")
	if m.mode != modeDashboard || m.panes[paneIncidents].cursor != 1 {
		t.Fatalf("esc: mode %d cursor %d", m.mode, m.panes[paneIncidents].cursor)
	}
}

// fakeBackend answers from a script; it stands in for the hub where a test needs failures
// or a hang. The sources themselves are tested over HTTP elsewhere.
type fakeBackend struct {
	mu    sync.Mutex
	err   map[model.SourceID]error
	calls map[model.SourceID]int
	block chan struct{}
	inc   []model.Incident
}

func (f *fakeBackend) Sources() []model.SourceID { return model.AllSources }

func (f *fakeBackend) Fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error) {
	f.mu.Lock()
	f.calls[id]++
	err, inc, block := f.err[id], f.inc, f.block
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	if err != nil {
		return nil, err
	}
	if id == model.SourceQueue {
		return func(s *model.Snapshot) { s.Incidents = inc }, nil
	}
	return func(*model.Snapshot) {}, nil
}

func (f *fakeBackend) Detail(context.Context, model.IssueRef) (model.Detail, error) {
	return model.Detail{}, errors.New("no detail")
}

func (f *fakeBackend) HandoffFacts(context.Context, time.Time) (model.HandoffFacts, error) {
	return model.HandoffFacts{}, errors.New("no facts")
}

func (f *fakeBackend) NewHandoffPost(model.HandoffFacts, string, time.Time) model.HandoffPost {
	return model.HandoffPost{}
}

func (f *fakeBackend) Report(context.Context, model.Window, time.Time) (model.Report, error) {
	return model.Report{}, errors.New("no report")
}

func (f *fakeBackend) Acknowledge(context.Context, model.IssueRef, time.Time) (model.Acknowledgement, error) {
	return model.Acknowledgement{}, errors.New("no")
}

func incident(iid int64, sev model.Severity, title string) model.Incident {
	return model.Incident{Issue: model.Issue{IssueRef: model.IssueRef{Project: "p", IID: iid}, Title: title, CreatedAt: testNow.Add(-time.Hour)},
		IncidentLabels: model.IncidentLabels{Severity: sev, Status: model.StatusActive}}
}

func TestFailingSourceKeepsItsDataAndSaysWhy(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, inc: []model.Incident{incident(1, 2, "Database on fire")}}
	m := newTestModel(t, f, 120, 40)
	run(t, m, m.refreshAll())
	f.err[model.SourceQueue] = errors.New("production issues: 503 Service Unavailable")
	f.inc = nil
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "Database on fire") {
		t.Error("the last good incidents vanished when the source failed")
	}
	if !strings.Contains(out, "⚠ production issues: 503 Service Unavailable") || !strings.Contains(out, "1 failing") {
		t.Errorf("the failure is not shown:\n%s", out)
	}
	delete(f.err, model.SourceQueue)
	press(t, m, "r")
	if out := screen(m); strings.Contains(out, "503") || strings.Contains(out, "failing") {
		t.Error("the failure is still shown after the source recovered")
	}
}

func TestRefreshesNeverPileUpAndStaleAnswersAreDropped(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, inc: []model.Incident{incident(1, 1, "new")}}
	m := newTestModel(t, f, 120, 40)
	first := m.refreshAll()
	if again := m.refreshAll(); again != nil {
		if msg := again(); msg != nil {
			if b, ok := msg.(tea.BatchMsg); !ok || len(b) > 0 {
				t.Fatalf("a second refresh while the first is in flight issued %v", msg)
			}
		}
	}
	run(t, m, first)
	// An answer carrying an older sequence number is dropped.
	m.Update(fetchedMsg{id: model.SourceQueue, seq: m.seq[model.SourceQueue] - 1, patch: func(s *model.Snapshot) { s.Incidents = nil }})
	if len(m.snap.Incidents) != 1 {
		t.Fatal("a stale answer overwrote newer data")
	}
}

func TestSelectionFollowsTheIssueAcrossRefreshes(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, inc: []model.Incident{incident(1, 2, "a"), incident(2, 3, "b"), incident(3, 4, "c")}}
	m := newTestModel(t, f, 120, 40)
	run(t, m, m.refreshAll())
	press(t, m, "j", "j") // on #3
	f.inc = []model.Incident{incident(9, 1, "new S1"), incident(1, 2, "a"), incident(2, 3, "b"), incident(3, 4, "c")}
	run(t, m, m.refreshAll())
	if p := m.panes[paneIncidents]; p.cursor != 3 || p.selected.IID != 3 {
		t.Fatalf("cursor %d on #%d; want it still on #3", p.cursor, p.selected.IID)
	}
}

func TestKeysAnswerWhileSourcesHang(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, block: make(chan struct{})}
	defer close(f.block)
	m := newTestModel(t, f, 120, 40)
	cmd := m.refreshAll()
	go func() { _ = cmd() }() // the program runs commands off the UI goroutine
	done := make(chan struct{})
	go func() {
		m.Update(keyPress("tab"))
		_ = m.View()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("a key press waited on a hanging source")
	}
	if m.focus != paneChanges || !strings.Contains(screen(m), "refreshing") {
		t.Fatalf("focus %d; screen:\n%s", m.focus, screen(m))
	}
}

func TestHeaderCountdownAndRegions(t *testing.T) {
	m := loaded(t, 120, 40)
	out := screen(m)
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "Mon 23 Nov 14:30:05 UTC") || !strings.Contains(lines[0], "15:30 CET") {
		t.Errorf("clock line %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "▶ EMEA") || !strings.Contains(lines[1], "on call") || !strings.Contains(lines[2], "off shift") {
		t.Errorf("region lines:\n%s\n%s", lines[1], lines[2])
	}
	if !strings.Contains(lines[3], "at 16:00 UTC, in 1h29m") {
		t.Errorf("handoff line %q", lines[3])
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "1m", 90 * time.Second: "1m30s", time.Hour: "1h", 15 * time.Second: "15s", 90 * time.Minute: "1h30m"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q; want %q", d, got, want)
		}
	}
}

func TestIncidentsOpenedDuringTheSessionAreMarkedNew(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, inc: []model.Incident{incident(1, 3, "old news")}}
	m := newTestModel(t, f, 120, 40)
	run(t, m, m.refreshAll())
	if strings.Contains(screen(m), "[new]") {
		t.Fatal("incidents present at start are marked new")
	}
	f.inc = []model.Incident{incident(2, 1, "fresh outage"), incident(1, 3, "old news")}
	run(t, m, m.refreshAll())
	out := screen(m)
	if !strings.Contains(out, "[new] fresh outage") || strings.Contains(out, "[new] old news") {
		t.Fatalf("new incident not marked:\n%s", out)
	}
	if got := m.View().WindowTitle; got != "oncall: 1 S1, 0 S2" {
		t.Errorf("window title %q", got)
	}
}

func TestRefreshTickRefreshesEverySource(t *testing.T) {
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}}
	m := newTestModel(t, f, 120, 40)
	_, cmd := m.Update(refreshTickMsg{})
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("a refresh tick should start the fetches and the next tick; got %T", cmd())
	}
	run(t, m, batch[0])
	for _, id := range model.AllSources {
		if f.calls[id] != 1 {
			t.Errorf("%s fetched %d times", id, f.calls[id])
		}
	}
}

func TestWideAndHostileTitlesKeepColumnsAligned(t *testing.T) {
	long := strings.Repeat("very long title ", 700) // 11,200 characters
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}, inc: []model.Incident{
		incident(1, 1, "データベース障害: 書き込み失敗 🔥🔥 レプリカ遅延"),
		incident(2, 2, long),
		incident(3, 3, "plain ascii title"),
		incident(4, 4, "emoji 👩‍💻 zwj and 🇯🇵 flag"),
	}}
	for i := range f.inc {
		f.inc[i].Assignees = []model.Person{{Name: "张伟"}}
	}
	m := newTestModel(t, f, 100, 30)
	run(t, m, m.refreshAll())
	out := screen(m)
	var ageCols []int
	for _, line := range strings.Split(out, "\n") {
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
	f := &fakeBackend{err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}}
	m := newTestModel(t, f, 120, 40)
	m.opts.FirstRetry = 5 * time.Second
	var waits []time.Duration
	for i := 0; i < 6; i++ {
		m.scheduleRetry(model.SourcePages, errors.New("500"))
		waits = append(waits, m.retry[model.SourcePages].next.Sub(testNow))
	}
	if waits[0] < 4*time.Second || waits[0] > 6*time.Second || waits[2] < 16*time.Second || waits[5] > 72*time.Second {
		t.Fatalf("waits %v: want 5s doubling (±20%%) up to the 1m refresh", waits)
	}
	m.scheduleRetry(model.SourcePages, &model.RetryAfterError{Err: errors.New("429"), After: 3 * time.Minute})
	r := m.retry[model.SourcePages]
	if r.next.Sub(testNow) != 3*time.Minute || r.server.Sub(testNow) != 3*time.Minute {
		t.Fatalf("Retry-After not honoured: %+v", r)
	}
	if m.due(model.SourcePages, true) || m.due(model.SourcePages, false) {
		t.Fatal("a source may not be asked before its Retry-After, not even by r")
	}
	if cmd := m.refreshNow(); cmd != nil {
		if b, ok := cmd().(tea.BatchMsg); ok {
			for _, c := range b {
				if c != nil {
					if msg, ok := c().(fetchedMsg); ok && msg.id == model.SourcePages {
						t.Fatal("r asked a source inside its Retry-After")
					}
				}
			}
		}
	}
}

func TestFilterAPane(t *testing.T) {
	m := loaded(t, 120, 40)
	all := len(m.snap.Incidents)
	press(t, m, "/", "p", "a", "t", "r", "o", "n", "i")
	_, rows, summary := m.table(paneIncidents)
	if len(rows) != 1 || !strings.Contains(rows[0].cells[2].text, "patroni") || !strings.Contains(summary, fmt.Sprintf("1 of %d", all)) {
		t.Fatalf("filter /patroni: %d rows, %q", len(rows), summary)
	}
	press(t, m, "enter", "j")
	if m.filtering || m.panes[paneIncidents].cursor != 0 {
		t.Fatal("enter should keep the filter and give the keys back to the pane")
	}
	press(t, m, "esc")
	if _, rows, _ := m.table(paneIncidents); len(rows) != all {
		t.Fatalf("esc did not clear the filter: %d rows", len(rows))
	}
	press(t, m, "/", "q")
	if m.filters[paneIncidents] != "q" {
		t.Fatal("q while typing a filter must be text, not quit")
	}
}
