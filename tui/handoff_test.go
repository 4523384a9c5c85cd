package tui

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

// testDrafts is the disk side the command wires: the store, posting through the outbox.
type testDrafts struct {
	*store.Store
	ob *outbox.Outbox
}

func (d testDrafts) Submit(p model.HandoffPost) error { return d.ob.Submit(p) }
func (d testDrafts) Flush(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	return d.ob.Flush(ctx, now)
}

// handoffModel is the dashboard over the simulator, 40 minutes before the EMEA -> AMER
// handoff, with a real store in a temporary directory.
func handoffModel(t *testing.T, mw ...func(http.Handler) http.Handler) (*Model, *sim.Sim, testDrafts) {
	t.Helper()
	now := time.Date(2026, 11, 23, 15, 20, 0, 0, time.UTC)
	opts := sim.DefaultOptions(now)
	var wrap func(http.Handler) http.Handler
	if len(mw) > 0 {
		wrap = mw[0]
	}
	srv, s := simtest.NewTestServer(t, opts, wrap)
	cfg := hubtest.Config(srv.URL, opts)
	cfg.People = s.People()
	h, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := testDrafts{Store: st, ob: &outbox.Outbox{Store: st, Publish: h.PublishHandoff}}
	m := New(Options{Backend: h, Drafts: d, Rotation: opts.Rotation, Refresh: time.Minute, Theme: "dark",
		Clock: func() time.Time { return now }, Local: time.UTC, HandoffProject: opts.HandoffProject,
		AutosaveDelay: time.Millisecond, CacheDelay: time.Millisecond, FirstRetry: time.Millisecond})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(t, m, m.refreshAll())
	return m, s, d
}

func typeText(t *testing.T, m *Model, text string) {
	t.Helper()
	for _, r := range text {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		run(t, m, cmd)
	}
}

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func TestWriteAndPublishAHandoff(t *testing.T) {
	m, _, d := handoffModel(t)
	if out := screen(m); !strings.Contains(out, "no handoff is published: press h") {
		t.Fatalf("no banner 40 minutes before the handoff:\n%s", out)
	}
	press(t, m, "h")
	draft := m.ed.ta.Value()
	for _, want := range []string{"# On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER", "## Needs a new lead", "(@", "### Still active", "## Ready to hand off", "> ", "## Active pages (3)", "## Context"} {
		if !strings.Contains(draft, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	typeText(t, m, "Patroni failover at 14:10 worked; watch replica lag.")
	key := m.ed.key
	saved, _, ok, err := d.LoadDraft(key)
	if err != nil || !ok || !strings.Contains(saved, "Patroni failover at 14:10 worked") {
		t.Fatalf("the typed text is not autosaved: %v %v", ok, err)
	}
	if !strings.Contains(saved, "## Context\nPatroni failover") {
		t.Errorf("the cursor did not start in the Context section:\n%s", model.HumanPart(saved))
	}

	// Regenerate keeps what the human wrote.
	_, cmd := m.Update(ctrl('r'))
	run(t, m, cmd)
	if !strings.Contains(m.ed.ta.Value(), "Patroni failover at 14:10 worked") {
		t.Fatal("regenerating lost the human's text")
	}

	// Publish, with a confirmation saying where it goes.
	_, cmd = m.Update(ctrl('x'))
	run(t, m, cmd)
	out := screen(m)
	for _, want := range []string{"Publish this handoff?", "gitlab-com/gl-infra/on-call-handovers", "@pnowak", "confidential  no"} {
		if !strings.Contains(out, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, out)
		}
	}
	press(t, m, "y")
	if m.mode != modeDashboard || m.ed != nil {
		t.Fatalf("after publishing: mode %d", m.mode)
	}
	if _, _, ok, _ := d.LoadDraft(key); ok {
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
	m, _, d := handoffModel(t)
	m.opts.AutosaveDelay = defaultAutosaveDelay
	press(t, m, "h")
	// One keystroke, and its command run to the end: the save lands within the delay.
	start := time.Now()
	typeText(t, m, "x")
	if took := time.Since(start); took > time.Second {
		t.Errorf("autosave took %s", took)
	}
	if saved, _, _, _ := d.LoadDraft(m.ed.key); !strings.Contains(saved, "## Context\nx") {
		t.Fatal("a single keystroke was not saved")
	}
	// Keystrokes while a save is scheduled do not postpone it.
	_, first := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	_, second := m.Update(tea.KeyPressMsg{Code: 'z', Text: "z"})
	if first == nil || second != nil {
		t.Fatal("a second keystroke scheduled another save instead of riding along")
	}
	run(t, m, first)
	if saved, _, _, _ := d.LoadDraft(m.ed.key); !strings.Contains(saved, "## Context\nxyz") {
		t.Fatal("the keystrokes typed while a save was pending were not saved with it")
	}
}

func TestRestoredDraftIsOfferedBackAndQuitAsks(t *testing.T) {
	m, s, d := handoffModel(t)
	k, _ := m.currentHandoff()
	if err := d.SaveDraft(k, "my draft from before the crash\n"); err != nil {
		t.Fatal(err)
	}
	// A new session on the same state: it notices the draft, and offers it back.
	m2 := New(m.opts)
	m2.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(t, m2, m2.loadDraftCmd(k))
	run(t, m2, m2.refreshAll())
	if !m2.hasDraft || !strings.Contains(screen(m2), "press h to finish your draft") {
		t.Fatalf("the saved draft is not offered:\n%s", screen(m2))
	}
	press(t, m2, "h")
	if got := m2.ed.ta.Value(); got != "my draft from before the crash\n" || !strings.Contains(screen(m2), "restored your draft") {
		t.Fatalf("restored %q", got)
	}
	press(t, m2, "esc")
	if cmd := press(t, m2, "q"); cmd != nil {
		if msg := cmd(); msg == tea.Quit() {
			t.Fatal("quit with an unpublished draft did not ask")
		}
	}
	if !strings.Contains(screen(m2), "not published") {
		t.Fatalf("no question:\n%s", screen(m2))
	}
	press(t, m2, "n")
	if m2.mode != modeDashboard {
		t.Fatal("n did not go back")
	}
	_ = s
}

func TestTypingQInTheEditorIsText(t *testing.T) {
	m, _, _ := handoffModel(t)
	press(t, m, "h")
	typeText(t, m, "quiet shift")
	if m.mode != modeHandoff || !strings.Contains(m.ed.ta.Value(), "quiet shift") {
		t.Fatal("q in the editor did something other than typing")
	}
	// Pasting a long text keeps every line: there is no line limit.
	var long strings.Builder
	for i := 0; i < 300; i++ {
		long.WriteString("line of pasted log output\n")
	}
	_, cmd := m.Update(tea.PasteMsg{Content: long.String()})
	run(t, m, cmd)
	if n := strings.Count(m.ed.ta.Value(), "line of pasted log output"); n != 300 {
		t.Fatalf("pasted 300 lines, the editor holds %d", n)
	}
}

func TestAcknowledgeAHandoff(t *testing.T) {
	m, _, _ := handoffModel(t)
	press(t, m, "4")
	// The handoff addressed to the current user is pinned first.
	_, rows, _ := m.table(paneHandoffs)
	if rows[0].cells[0].text != "★" {
		t.Fatalf("no pinned handoff: %+v", rows[0].cells)
	}
	press(t, m, "j") // an older one; then acknowledge it
	ref := m.panes[paneHandoffs].selected
	before := m.snap.Handoffs
	_ = before
	press(t, m, "a")
	for _, h := range m.snap.Handoffs {
		if h.IssueRef == ref && (h.Ack == nil || h.Ack.Username != m.snap.Me.Username) {
			t.Fatalf("not acknowledged by %s: %+v", m.snap.Me.Username, h.Ack)
		}
	}
	run(t, m, m.refreshAll())
	for _, h := range m.snap.Handoffs {
		if h.IssueRef == ref && h.Ack == nil {
			t.Fatal("the acknowledgement is not on GitLab")
		}
	}
}

func TestPublishWhileGitLabIsDownWaitsInTheOutbox(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	m, _, d := handoffModel(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && r.Method == http.MethodPost {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	press(t, m, "h")
	typeText(t, m, "hand this over")
	_, cmd := m.Update(ctrl('x'))
	run(t, m, cmd)
	_, cmd = m.Update(keyPress("y"))
	// Run the publish, but not the retry timer it schedules.
	for _, c := range subCmds(cmd()) {
		if out := c(); out != nil {
			if _, ok := out.(outboxMsg); ok {
				m.Update(out)
			}
		}
	}
	if len(m.outbox) != 1 || m.mode != modeDashboard {
		t.Fatalf("the failed publish is not waiting in the outbox (mode %d):\n%s", m.mode, screen(m))
	}
	if pending, _ := d.Store.Outbox(); len(pending) != 1 {
		t.Fatalf("outbox on disk holds %d", len(pending))
	}
	if !strings.Contains(screen(m), "waiting in the outbox") {
		t.Fatalf("no banner for the waiting handoff:\n%s", screen(m))
	}
	down.Store(false)
	later := m.outbox[0].NextAttempt
	m.opts.Clock = func() time.Time { return later }
	run(t, m, m.flushCmd())
	if len(m.outbox) != 0 || strings.Contains(screen(m), "waiting in the outbox") {
		t.Fatalf("the retry did not publish:\n%s", screen(m))
	}
}

func TestStartsFromTheCacheWithNoNetwork(t *testing.T) {
	m, _, d := handoffModel(t)
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
	later := m.now.Add(time.Hour)
	opts := m.opts
	opts.Backend, opts.Clock = dead, func() time.Time { return later }
	m2 := New(opts)
	m2.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	run(t, m2, m2.loadCacheCmd())
	out := screen(m2)
	if !strings.Contains(out, "Replication lag") || !strings.Contains(out, "◷ GitLab queue: 1h old") {
		t.Fatalf("the cached snapshot is not shown with its age:\n%s", out)
	}
	settle(m2, m2.refreshAll())
	out = screen(m2)
	if !strings.Contains(out, "Replication lag") || !strings.Contains(out, "connection refused") || !strings.Contains(out, "showing data 1h old") {
		t.Fatalf("after failing refreshes the cache must stay, marked:\n%s", out)
	}
	_ = d
}

func TestReportsViewAndBudgetGauge(t *testing.T) {
	m, _, _ := handoffModel(t)
	press(t, m, "R")
	if m.mode != modeReport {
		t.Fatal("R did not open the reports")
	}
	out := screen(m)
	for _, want := range []string{"Reports: the last 7 days", "incidents opened", "per day", "SEV  OPENED", "S1", "budget", "99.95% over 28 days", "burn rate"} {
		if !strings.Contains(out, want) {
			t.Errorf("reports lack %q:\n%s", want, out)
		}
	}
	if !strings.Contains(strings.Split(out, "\n")[0], "budget ") {
		t.Errorf("no budget gauge in the header: %q", strings.Split(out, "\n")[0])
	}
	if m.report.Budget.Burning != strings.Contains(out, "⚠ burn") {
		t.Error("the gauge does not flag a budget that burns too fast")
	}
	press(t, m, "esc")
	if m.mode != modeDashboard {
		t.Fatal("esc did not leave the reports")
	}
}

func TestExternalEditorEditsTheDraft(t *testing.T) {
	m, _, d := handoffModel(t)
	script := filepath.Join(t.TempDir(), "fake-editor")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'written in the editor\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", script)
	// The filter sees each message on the program's goroutine: it tells when a draft was read
	// (once when the editor opens, once more after $VISUAL).
	loaded := make(chan struct{}, 2)
	watch := func(model tea.Model, msg tea.Msg) tea.Msg {
		ed := model.(*Model).ed
		if _, ok := msg.(draftLoadedMsg); ok && ed != nil && (!ed.loaded || ed.reloading) {
			loaded <- struct{}{}
		}
		return msg
	}
	wait := func(what string) {
		select {
		case <-loaded:
		case <-time.After(10 * time.Second):
			t.Fatal(what)
		}
	}
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40), tea.WithoutSignalHandler(), tea.WithFilter(watch))
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()
	p.Send(tea.KeyPressMsg{Code: 'h', Text: "h"})
	wait("the editor did not open")
	p.Send(tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl}) // handled after the draft is in
	wait("the draft was not read back after $VISUAL")
	p.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}) // after the reload: the program quits
	p.Send(tea.KeyPressMsg{Code: 'y', Text: "y"})
	<-done
	k, _ := m.currentHandoff()
	text, _, ok, _ := d.LoadDraft(k)
	if !ok || !strings.HasSuffix(text, "written in the editor\n") {
		t.Fatal("$VISUAL did not edit the draft file")
	}
	if !strings.Contains(m.ed.ta.Value(), "written in the editor") {
		t.Fatal("the editor's text was not read back into the draft")
	}
}
