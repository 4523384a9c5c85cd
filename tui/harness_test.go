package tui

import (
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

var testNow = time.Date(2026, 11, 23, 14, 30, 5, 0, time.UTC)

// timers stands in for Options.After: it keeps every timer the model starts, and the test
// fires them, so no test waits on the wall clock.
type timers struct {
	mu      sync.Mutex
	pending []timer
}

type timer struct {
	d   time.Duration
	msg tea.Msg
}

func (ts *timers) after(d time.Duration, msg tea.Msg) tea.Cmd {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.pending = append(ts.pending, timer{d, msg})
	return nil
}

// take removes and returns the pending timers whose message is of msg's type.
func (ts *timers) take(msg tea.Msg) []timer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var out, keep []timer
	for _, t := range ts.pending {
		if reflect.TypeOf(t.msg) == reflect.TypeOf(msg) {
			out = append(out, t)
		} else {
			keep = append(keep, t)
		}
	}
	ts.pending = keep
	return out
}

// count says how many timers of msg's type are pending.
func (ts *timers) count(msg tea.Msg) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	n := 0
	for _, t := range ts.pending {
		if reflect.TypeOf(t.msg) == reflect.TypeOf(msg) {
			n++
		}
	}
	return n
}

// fire delivers the pending timers of msg's type to m, and what follows from them.
func (ts *timers) fire(t *testing.T, m *Model, msg tea.Msg) int {
	t.Helper()
	due := ts.take(msg)
	for _, tm := range due {
		_, cmd := m.Update(tm.msg)
		run(t, m, cmd)
	}
	return len(due)
}

// run executes cmd and every command its messages lead to, feeding each message to m, as
// the program would (but one at a time, in order). Timers go to the test's timers.
func run(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			run(t, m, c)
		}
	default:
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().PkgPath() == reflect.TypeOf(tea.BatchMsg{}).PkgPath() {
			t.Fatalf("a %T reached the test driver: chain commands through messages, not tea.Sequence", msg)
		}
		_, next := m.Update(msg)
		run(t, m, next)
	}
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
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// press types keys, running what each leads to; the last key's command is returned
// unrun when it quits.
func press(t *testing.T, m *Model, keys ...string) tea.Cmd {
	t.Helper()
	var last tea.Cmd
	for _, k := range keys {
		_, last = m.Update(keyPress(k))
		if k != "q" && k != "y" {
			run(t, m, last)
		}
	}
	return last
}

func typeText(t *testing.T, m *Model, text string) {
	t.Helper()
	for _, r := range text {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		run(t, m, cmd)
	}
}

func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func screen(m *Model) string { return ansi.Strip(m.View().Content) }

// testModel builds a dashboard over b, with the test clock and fake timers.
func testModel(t *testing.T, b Backend, local LocalState, now time.Time, w, h int) (*Model, *timers) {
	t.Helper()
	ts := &timers{}
	m := New(Options{
		Backend: b, Local: local, Rotation: sim.DefaultOptions(now).Rotation, Refresh: time.Minute,
		Clock: func() time.Time { return now }, Zone: time.FixedZone("CET", 3600), Theme: "dark",
		After: ts.after, Context: t.Context(), HandoffProject: "gitlab-com/gl-infra/on-call-handovers",
	})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, ts
}

// simWorld is the real hub over HTTP against a simulator, and local state in a temporary
// directory publishing through it.
type simWorld struct {
	sim   *sim.Sim
	url   string
	hub   *hub.Hub
	local *outbox.Local
}

func newSimWorld(t *testing.T, now time.Time, mw func(http.Handler) http.Handler) *simWorld {
	t.Helper()
	opts := sim.DefaultOptions(now)
	srv, s := simtest.NewTestServer(t, opts, mw)
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
	return &simWorld{sim: s, url: srv.URL, hub: h, local: outbox.NewLocal(st, h.PublishHandoff, h.ExistingHandoff)}
}

// loaded is the dashboard over the simulator, every source answered once.
func loaded(t *testing.T, w, h int) *Model {
	t.Helper()
	world := newSimWorld(t, testNow, nil)
	m, _ := testModel(t, world.hub, nil, testNow, w, h)
	run(t, m, m.refreshAll())
	return m
}

// lines splits a screen into its lines.
func lines(s string) []string { return strings.Split(s, "\n") }
