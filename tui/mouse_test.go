package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// rowOnScreen finds the screen line holding text.
func rowOnScreen(t *testing.T, m *Model, text string) (x, y int) {
	t.Helper()
	for y, l := range lines(screen(m)) {
		if i := strings.Index(l, text); i >= 0 {
			return len([]rune(l[:i])), y
		}
	}
	t.Fatalf("%q is not on screen:\n%s", text, screen(m))
	return 0, 0
}

func TestTheMouseFocusesSelectsOpensAndScrolls(t *testing.T) {
	m, _, _ := fixtureModel(t, 160, 40)
	x, y := rowOnScreen(t, m, "Runbook for rebuilding a replica")
	click := tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}
	m.Update(click)
	if m.dash.focus != 0 {
		t.Fatal("a click with the mouse off did something")
	}
	m.opts.Mouse = true
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("the mouse is not asked for")
	}
	m.Update(click)
	p := m.dash.focused()
	if p.spec.title != "On-call issues" || p.cursor != 1 {
		t.Fatalf("a click on the second on-call issue: focus %q cursor %d", p.spec.title, p.cursor)
	}
	_, cmd := m.Update(click) // the selected row again: open it
	run(t, m, cmd)
	if _, ok := m.top().(*detailView); !ok {
		t.Fatalf("a click on the selected row did not open it: %T", m.top())
	}
	press(t, m, "esc")
	x, y = rowOnScreen(t, m, "Elevated 5xx")
	m.Update(tea.MouseWheelMsg{X: x, Y: y, Button: tea.MouseWheelDown})
	if inc := &m.dash.panes[0]; inc.cursor != 3 {
		t.Fatalf("the wheel over the incidents moved their cursor to %d", inc.cursor)
	}
}
