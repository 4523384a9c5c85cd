package tui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// handoffNow is 40 minutes before the EMEA -> AMER handoff.
var handoffNow = time.Date(2026, 11, 23, 15, 20, 0, 0, time.UTC)

// handoffModel is the dashboard over the simulator at handoffNow, with a real store in a
// temporary directory.
func handoffModel(t *testing.T, mw func(http.Handler) http.Handler) (*Model, *timers, *simWorld) {
	t.Helper()
	world := newSimWorld(t, handoffNow, mw)
	m, ts := testModel(t, world.hub, world.local, handoffNow, 120, 40)
	run(t, m, m.refreshAll())
	return m, ts, world
}

// openEditor presses h and waits for the draft and the facts.
func openEditor(t *testing.T, m *Model) *editor {
	t.Helper()
	press(t, m, "h")
	if m.editor == nil || m.top() != m.editor || !m.editor.loaded() || m.editor.facts == nil {
		t.Fatalf("h did not open a loaded editor with its facts: %+v", m.editor)
	}
	return m.editor
}

func TestWriteAndPublishAHandoff(t *testing.T) {
	m, ts, world := handoffModel(t, nil)
	if out := screen(m); !strings.Contains(out, "no handoff is published: press h") {
		t.Fatalf("no banner 40 minutes before the handoff:\n%s", out)
	}
	e := openEditor(t, m)
	draft := e.ta.Value()
	for _, want := range []string{"# On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER", "## Needs a new lead", "(@", "### Still active", "## Ready to hand off", "> ", "## Active pages (4)", "## Context"} {
		if !strings.Contains(draft, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	typeText(t, m, "Patroni failover at 14:10 worked; watch replica lag.")
	ts.fire(t, m, autosaveMsg{})
	saved, _, ok, err := world.local.LoadDraft(e.key)
	if err != nil || !ok || !strings.Contains(saved, "## Context\nPatroni failover at 14:10 worked") {
		t.Fatalf("the typed text is not autosaved where the cursor started (Context): %v %v\n%s", ok, err, model.HumanPart(saved))
	}

	// Regenerate keeps what the human wrote.
	_, cmd := m.Update(ctrl('r'))
	run(t, m, cmd)
	if !strings.Contains(e.ta.Value(), "Patroni failover at 14:10 worked") {
		t.Fatal("regenerating lost the human's text")
	}

	// Publish, with a confirmation saying where it goes.
	_, cmd = m.Update(ctrl('x'))
	run(t, m, cmd)
	out := screen(m)
	for _, want := range []string{"Publish this handoff?", "gitlab-com/gl-infra/on-call-handovers", "@pnowak", "confidential  no", "y publish"} {
		if !strings.Contains(out, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, out)
		}
	}
	_, cmd = m.Update(keyPress("y"))
	run(t, m, cmd)
	if m.top() != m.dash || m.editor != nil {
		t.Fatalf("after publishing: top %T", m.top())
	}
	if _, _, ok, _ := world.local.LoadDraft(e.key); ok {
		t.Error("the published draft was not removed")
	}
	if out := screen(m); !strings.Contains(out, "2026-11-23 16:00 UTC: EMEA -> AMER") || strings.Contains(out, "no handoff is published") {
		t.Errorf("the Handoffs pane does not show the new handoff:\n%s", out)
	}
	var found bool
	for _, h := range m.snap.Handoffs {
		if h.Title == "On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER" {
			found = len(h.Assignees) == 2
		}
	}
	if !found {
		t.Error("the published handoff is not assigned to the outgoing and incoming engineers")
	}
}

func TestAutosaveIsAtMostOneSecondBehind(t *testing.T) {
	m, ts, world := handoffModel(t, nil)
	m.opts.AutosaveDelay = defaultAutosaveDelay
	e := openEditor(t, m)
	typeText(t, m, "x")
	saves := ts.take(autosaveMsg{})
	if len(saves) != 1 || saves[0].d > time.Second {
		t.Fatalf("one keystroke scheduled %+v; want one save within a second", saves)
	}
	// Keystrokes while a save is scheduled ride along with it.
	typeText(t, m, "yz")
	if more := ts.take(autosaveMsg{}); len(more) != 0 {
		t.Fatalf("keystrokes while a save was pending scheduled %d more saves", len(more))
	}
	_, cmd := m.Update(saves[0].msg)
	run(t, m, cmd)
	if saved, _, _, _ := world.local.LoadDraft(e.key); !strings.Contains(saved, "## Context\nxyz") {
		t.Fatal("the keystrokes typed while a save was pending were not saved with it")
	}
	// The next edit starts the next save.
	typeText(t, m, "!")
	if len(ts.take(autosaveMsg{})) != 1 {
		t.Fatal("an edit after a save scheduled no save")
	}
}

func TestKeysTypedBeforeTheDraftIsReadAreKept(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	k, _ := m.currentHandoff()
	if err := world.local.SaveDraft(k, "# my draft\n"); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(keyPress("h")) // the draft is not read yet
	typeText(t, m, "early words")
	run(t, m, cmd)
	if got := m.editor.ta.Value(); !strings.HasPrefix(got, "# my draft") || !strings.Contains(got, "early words") {
		t.Fatalf("draft %q", got)
	}
}

// A second read of the draft answering after the first (the dashboard's own, at start)
// changes nothing: the draft is not put in twice.
func TestASecondReadOfTheDraftChangesNothing(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	k, _ := m.currentHandoff()
	if err := world.local.SaveDraft(k, "# my draft\n"); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(keyPress("h"))
	typeText(t, m, "early words")
	run(t, m, cmd)
	run(t, m, m.loadDraftCmd(k))
	if got := m.editor.ta.Value(); strings.Count(got, "# my draft") != 1 {
		t.Fatalf("draft %q", got)
	}
}

func TestRestoredDraftIsOfferedBackAndQuitAsks(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	k, _ := m.currentHandoff()
	if err := world.local.SaveDraft(k, "my draft from before the crash\n"); err != nil {
		t.Fatal(err)
	}
	// A new session on the same state: it notices the draft, and offers it back.
	m2, _ := testModel(t, world.hub, world.local, handoffNow, 120, 40)
	run(t, m2, m2.loadDraftCmd(k))
	run(t, m2, m2.refreshAll())
	if !m2.hasDraft || !strings.Contains(screen(m2), "press h to finish your draft") {
		t.Fatalf("the saved draft is not offered:\n%s", screen(m2))
	}
	press(t, m2, "h")
	if got := m2.editor.ta.Value(); got != "my draft from before the crash\n" || !strings.Contains(screen(m2), "restored your draft") {
		t.Fatalf("restored %q", got)
	}
	press(t, m2, "esc")
	if quits(press(t, m2, "q")) {
		t.Fatal("quit with an unpublished draft did not ask")
	}
	if !strings.Contains(screen(m2), "not published") {
		t.Fatalf("no question:\n%s", screen(m2))
	}
	press(t, m2, "n")
	if m2.top() != m2.dash {
		t.Fatal("n did not go back")
	}
	press(t, m2, "q")
	if !quits(press(t, m2, "y")) {
		t.Fatal("y did not quit")
	}
	// q asked twice quits, as ctrl+c twice does; it never stacks a second question.
	press(t, m2, "n")
	press(t, m2, "q")
	if !quits(press(t, m2, "q")) || len(m2.stack) > 2 {
		t.Fatalf("a second q did not quit (%d views on the stack)", len(m2.stack))
	}
}

func TestTypingQInTheEditorIsText(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	e := openEditor(t, m)
	typeText(t, m, "quiet shift? quite.")
	if m.top() != e || !strings.Contains(e.ta.Value(), "quiet shift? quite.") {
		t.Fatal("q or ? in the editor did something other than typing")
	}
	// Pasting a long text keeps every line: there is no line limit.
	var long strings.Builder
	for i := 0; i < 300; i++ {
		long.WriteString("line of pasted log output\n")
	}
	_, cmd := m.Update(tea.PasteMsg{Content: long.String()})
	run(t, m, cmd)
	if n := strings.Count(e.ta.Value(), "line of pasted log output"); n != 300 {
		t.Fatalf("pasted 300 lines, the editor holds %d", n)
	}
}

// notesOf reads an issue's notes from the simulator over its API, newest first.
func notesOf(t *testing.T, world *simWorld, ref model.IssueRef) []struct {
	Body   string `json:"body"`
	Author struct {
		Username string `json:"username"`
	} `json:"author"`
} {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v4/projects/%s/issues/%d/notes?sort=desc&per_page=100", world.url, url.PathEscape(ref.Project), ref.IID), nil)
	req.Header.Set("Private-Token", "x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var notes []struct {
		Body   string `json:"body"`
		Author struct {
			Username string `json:"username"`
		} `json:"author"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&notes); err != nil {
		t.Fatal(err)
	}
	return notes
}

func TestAcknowledgeAHandoff(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	me := m.me()
	// A handoff nobody acknowledged yet, written by someone else.
	var issue model.HandoffNote
	for _, h := range m.snap.Handoffs {
		if h.AckChecked && h.Ack == nil && h.Author.Username != me {
			issue = h
		}
	}
	if issue.IID == 0 {
		t.Fatal("the simulator has no unacknowledged handoff by someone else")
	}
	press(t, m, "4")
	p := m.dash.focused()
	for i, r := range p.rows(m) {
		if r.ref == issue.IssueRef {
			p.cursor, p.selected = i, r.key()
		}
	}
	if r, _ := p.selectedRow(m); r.ref != issue.IssueRef || !strings.Contains(screen(m), "unread") {
		t.Fatalf("the handoff is not listed unread:\n%s", screen(m))
	}
	before := len(notesOf(t, world, issue.IssueRef))
	press(t, m, "a")
	if !strings.Contains(screen(m), fmt.Sprintf("Acknowledge #%d?", issue.IID)) || len(notesOf(t, world, issue.IssueRef)) != before {
		t.Fatalf("a posted before asking:\n%s", screen(m))
	}
	_, cmd := m.Update(keyPress("y"))
	run(t, m, cmd)
	notes := notesOf(t, world, issue.IssueRef)
	if len(notes) != before+1 {
		t.Fatalf("%d notes after acknowledging; want %d", len(notes), before+1)
	}
	if want := "Acknowledged by @" + me + " at 15:20 UTC"; notes[0].Body != want || notes[0].Author.Username != me {
		t.Fatalf("posted %q by @%s; want %q by @%s", notes[0].Body, notes[0].Author.Username, want, me)
	}
	if !strings.Contains(screen(m), "@"+me) {
		t.Errorf("the READ column does not show the acknowledgement:\n%s", screen(m))
	}
	press(t, m, "a")
	if len(notesOf(t, world, issue.IssueRef)) != before+1 || !strings.Contains(screen(m), "already acknowledged") {
		t.Error("a second a acknowledged twice")
	}
	// Your own handoff is not yours to acknowledge.
	post := world.hub.NewHandoffPost(model.HandoffFacts{Shift: m.opts.Rotation.ShiftAt(handoffNow), Next: m.opts.Rotation.NextShift(m.opts.Rotation.ShiftAt(handoffNow))}, "# mine", handoffNow)
	mine, err := world.hub.PublishHandoff(t.Context(), post)
	if err != nil {
		t.Fatal(err)
	}
	run(t, m, m.refreshAll())
	for i, r := range p.rows(m) {
		if r.ref == mine.IssueRef {
			p.cursor, p.selected = i, r.key()
		}
	}
	press(t, m, "a")
	if m.top() != m.dash || !strings.Contains(screen(m), "you wrote this handoff") {
		t.Errorf("a on your own handoff:\n%s", screen(m))
	}
}

func TestPublishWhileGitLabIsDownWaitsInTheOutbox(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	m, ts, world := handoffModel(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && r.Method == http.MethodPost {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	openEditor(t, m)
	typeText(t, m, "hand this over")
	_, cmd := m.Update(ctrl('x'))
	run(t, m, cmd)
	_, cmd = m.Update(keyPress("y"))
	run(t, m, cmd)
	if len(m.outbox) != 1 || m.top() != m.dash {
		t.Fatalf("the failed publish is not waiting in the outbox (top %T):\n%s", m.top(), screen(m))
	}
	if pending, _ := world.local.Store.Outbox(); len(pending) != 1 {
		t.Fatalf("outbox on disk holds %d", len(pending))
	}
	if !strings.Contains(screen(m), "waiting in the outbox") {
		t.Fatalf("no banner for the waiting handoff:\n%s", screen(m))
	}
	// Another answer of the outbox (P, here) starts no second retry timer.
	run(t, m, m.flushCmd())
	if n := ts.count(flushTickMsg{}); n != 1 {
		t.Fatalf("%d retry timers of the outbox pending; want one", n)
	}
	down.Store(false)
	later := m.outbox[0].NextAttempt
	m.opts.Clock = func() time.Time { return later }
	if ts.fire(t, m, flushTickMsg{}) != 1 {
		t.Fatal("no retry of the outbox was scheduled")
	}
	if len(m.outbox) != 0 || strings.Contains(screen(m), "waiting in the outbox") {
		t.Fatalf("the retry did not publish:\n%s", screen(m))
	}
}

func TestStartsFromTheCacheWithNoNetwork(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	run(t, m, m.saveCacheCmd())
	// A new start, an hour later, with every API unreachable.
	dead, err := hub.New(hub.Config{
		GitLab: gitlab.Config{BaseURL: "http://127.0.0.1:1", Token: "x", Labels: model.DefaultLabels(),
			ProductionProject: "p", OncallProject: "o", HandoffProject: "h"},
		PagerDutyURL: "http://127.0.0.1:1", PagerDutyToken: "x", Rotation: m.opts.Rotation, Timeout: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := testModel(t, dead, world.local, handoffNow.Add(time.Hour), 120, 40)
	run(t, m2, m2.loadCacheCmd())
	out := screen(m2)
	if !strings.Contains(out, "Replication lag") || !strings.Contains(out, "◷ GitLab queue: 1h old") {
		t.Fatalf("the cached snapshot is not shown with its age:\n%s", out)
	}
	run(t, m2, m2.refreshAll())
	out = screen(m2)
	if !strings.Contains(out, "Replication lag") || !strings.Contains(out, "connection refused") || !strings.Contains(out, "showing data 1h old") {
		t.Fatalf("after failing refreshes the cache must stay, marked:\n%s", out)
	}
}

func TestReportsViewAndBudgetGauge(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	press(t, m, "R")
	if _, ok := m.top().(*reportView); !ok {
		t.Fatal("R did not open the reports")
	}
	out := screen(m)
	for _, want := range []string{"Reports: the last 7 days", "incidents opened", "per day", "SEV  OPENED", "S1", "budget", "99.95% over 28 days", "burn rate"} {
		if !strings.Contains(out, want) {
			t.Errorf("reports lack %q:\n%s", want, out)
		}
	}
	if !strings.Contains(lines(out)[0], "budget ") {
		t.Errorf("no budget gauge in the header: %q", lines(out)[0])
	}
	if m.report.last.Budget.Burning != strings.Contains(out, "⚠ burn") {
		t.Error("the gauge does not flag a budget that burns too fast")
	}
	press(t, m, "esc")
	if m.top() != m.dash {
		t.Fatal("esc did not leave the reports")
	}
}

func TestShutdownWritesTheDraftToTheLastKeystroke(t *testing.T) {
	m, ts, world := handoffModel(t, nil)
	e := openEditor(t, m)
	typeText(t, m, "the last words before SIGTERM")
	if len(ts.take(autosaveMsg{})) != 1 {
		t.Fatal("no autosave was pending: the test would prove nothing")
	}
	_, cmd := m.Update(ShutdownMsg{})
	if !quits(cmd) {
		t.Fatal("a shutdown does not quit")
	}
	// Synchronously: by the time Update returned, the text is on disk.
	if saved, _, _, _ := world.local.LoadDraft(e.key); !strings.Contains(saved, "the last words before SIGTERM") {
		t.Fatal("the shutdown did not write the draft")
	}
}

func TestExternalEditorEditsTheDraft(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	script := filepath.Join(t.TempDir(), "fake-editor")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'written in the editor\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", script)
	l := startLive(t, m, 120, 40)
	l.send(keyPress("h"))
	l.waitFor("the editor to load", func(m *Model) bool { return m.editor != nil && m.editor.loaded() })
	l.send(ctrl('e'))
	l.waitFor("the draft to come back from $VISUAL", func(m *Model) bool {
		return m.editor.phase == phaseEditing && strings.Contains(m.editor.ta.Value(), "written in the editor")
	})
	k, _ := m.currentHandoff()
	text, _, ok, _ := world.local.LoadDraft(k)
	if !ok || !strings.HasSuffix(text, "written in the editor\n") {
		t.Fatal("$VISUAL did not edit the draft file")
	}
}

func TestKeysAnswerWhileSourcesHang(t *testing.T) {
	f := newFixture()
	f.hang, f.started = true, make(chan model.SourceID, 16)
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	l := startLive(t, m, 120, 40)
	for range model.AllSources {
		select {
		case <-f.started:
		case <-time.After(patience):
			t.Fatal("the fetches did not start")
		}
	}
	// Every source's request is in flight and never answers; keys still work at once.
	l.send(keyPress("tab"))
	l.waitFor("tab to move the focus", func(m *Model) bool { return m.dash.focus != 0 })
	l.send(keyPress("?"))
	l.waitFor("help to open", func(m *Model) bool {
		_, ok := m.top().(*helpView)
		return ok && strings.Contains(screen(m), "refreshing")
	})
}

// publish types a line in the editor and publishes it through the question.
func publish(t *testing.T, m *Model, text string) {
	t.Helper()
	openEditor(t, m)
	typeText(t, m, text)
	_, cmd := m.Update(ctrl('x'))
	run(t, m, cmd)
	_, cmd = m.Update(keyPress("y"))
	run(t, m, cmd)
}

func TestARefusedHandoffIsHeldUntilP(t *testing.T) {
	opts := sim.DefaultOptions(handoffNow)
	opts.ReadOnlyTokens = []string{"glpat-test"} // hubtest's token: it can read, not write
	srv, s := simtest.NewTestServer(t, opts, nil)
	cfg := hubtest.Config(srv.URL, opts)
	cfg.People = s.People()
	readOnly, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	local := outbox.NewLocal(st, readOnly.PublishHandoff, readOnly.ExistingHandoff)
	m, ts := testModel(t, readOnly, local, handoffNow, 120, 40)
	run(t, m, m.refreshAll())
	publish(t, m, "handed over with a read-only token")
	out := screen(m)
	if m.held() == nil || !strings.Contains(out, "your handoff is held: the GitLab token can read but not write") || !strings.Contains(out, "press P") {
		t.Fatalf("a refused publish is not held with the reason and what to do:\n%s", out)
	}
	if len(ts.take(flushTickMsg{})) != 0 {
		t.Fatal("a held handoff is retried on a timer")
	}
	// The token is fixed; P publishes the kept handoff.
	cfg.GitLab.Token = "glpat-fixed"
	fixed, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	local.Outbox.Publish = fixed.PublishHandoff
	press(t, m, "P")
	if m.held() != nil || len(m.outbox) != 0 || !strings.Contains(screen(m), "published ") {
		t.Fatalf("P did not publish the held handoff:\n%s", screen(m))
	}
}

func TestPublishingTwiceForAShiftAsks(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	publish(t, m, "first")
	if m.editor != nil || len(m.outbox) != 0 {
		t.Fatal("the first handoff was not published")
	}
	before := len(m.snap.Handoffs)
	publish(t, m, "second thoughts")
	out := screen(m)
	if !strings.Contains(out, "already hands over EMEA → AMER at 16:00") || !strings.Contains(out, "p publish another") || !strings.Contains(out, "a add yours as a note to it") {
		t.Fatalf("publishing a second handoff of the shift did not ask:\n%s", out)
	}
	existing := m.snap.Handoffs[0]
	press(t, m, "a")
	if len(m.snap.Handoffs) != before {
		t.Fatal("adding a note created another issue")
	}
	notes := notesOf(t, world, existing.IssueRef)
	if len(notes) == 0 || !strings.Contains(notes[0].Body, "second thoughts") {
		t.Fatalf("the second handoff is not a note on #%d: %+v", existing.IID, notes)
	}
	// n (a reflex after the question before) and esc leave it with the draft intact.
	publish(t, m, "third")
	press(t, m, "n")
	if m.top() != m.editor || !strings.Contains(m.editor.ta.Value(), "third") {
		t.Fatalf("cancel did not go back to the draft: top %T", m.top())
	}
}

func TestLocalStateWarningsAreShown(t *testing.T) {
	f := newFixture()
	m, _ := testModel(t, f, nil, testNow, 160, 24)
	m.opts.Warnings = []string{"cache off: read-only file system (/home/me/.cache/oncall)"}
	run(t, m, m.refreshAll())
	if out := screen(m); !strings.Contains(out, "⚠ cache off: read-only file system") {
		t.Fatalf("the degraded cache is not said:\n%s", out)
	}
}

// After the window grows, the editor fills it: the facts above the cursor come back into
// view instead of blank rows below the text.
func TestTheEditorFillsAGrownWindow(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
	e := openEditor(t, m)
	line := e.ta.Line()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 50})
	out := lines(screen(m))
	if strings.TrimSpace(out[len(out)-3]) == "" || !strings.Contains(screen(m), "## Ready to hand off") {
		t.Fatalf("the grown editor shows blank rows instead of the facts:\n%s", screen(m))
	}
	if e.ta.Line() != line {
		t.Fatalf("the cursor moved from line %d to %d", line, e.ta.Line())
	}
}

func TestPublishWaitsForTheFactsAndWarnsWhatIsMissing(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	_, cmd := m.Update(keyPress("h"))
	steps := cmd().(tea.BatchMsg) // read the draft; the facts are on their way, not in
	run(t, m, steps[0])
	_, publishCmd := m.Update(ctrl('x'))
	if _, ok := m.top().(*dialog); ok || publishCmd != nil {
		t.Fatal("ctrl+x asked to publish before the facts were in")
	}
	if !strings.Contains(screen(m), "facts are still being gathered") {
		t.Fatalf("ctrl+x does not say why it waits:\n%s", screen(m))
	}
	run(t, m, steps[1])
	m.opts.Clock = func() time.Time { return handoffNow.Add(-3 * time.Hour) } // 12:20
	m.now = m.opts.Clock()
	_, cmd = m.Update(ctrl('x'))
	run(t, m, cmd)
	out := screen(m)
	for _, want := range []string{"Publish this handoff?", "⚠ your sections (Context, Time-sensitive tasks, What to watch) are empty", "⚠ the handoff is at 16:00 UTC, in 3h40m"} {
		if !strings.Contains(out, want) {
			t.Errorf("the question lacks %q:\n%s", want, out)
		}
	}
}

func TestPublishingWhenTheEarlierHandoffCannotBeLookedForStillQueues(t *testing.T) {
	var failSearch atomic.Bool
	m, _, world := handoffModel(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failSearch.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.EscapedPath(), "on-call-handovers") {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	failSearch.Store(true)
	publish(t, m, "hand this over")
	pending, _ := world.local.Store.Outbox()
	if len(pending)+len(m.snap.Handoffs) == 0 || m.editor != nil {
		t.Fatalf("the handoff is neither published nor queued; editor %v", m.editor != nil)
	}
	if !strings.Contains(screen(m), "published without looking for an earlier handoff of this shift") {
		t.Fatalf("the skipped check is not said:\n%s", screen(m))
	}
}
