package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// view is one screen on the stack: the dashboard at the bottom; detail, editor, reports
// and help above it; dialogs on top, drawn over what is beneath them. Keys go to the top
// view; esc pops it.
type view interface {
	// update handles a message meant for the view on top: keys, pastes, and what the root
	// does not route itself.
	update(msg tea.Msg) tea.Cmd
	// render draws the view's body, width x height cells.
	render(width, height int) []string
	// keys are the bindings in force: the footer shows the short list, help the sections.
	keys() keyHelp
	// typing reports whether keys are text here (the editor, an input): q and ? are typed.
	typing() bool
}

// dialogView is a view drawn over the one beneath it.
type dialogView interface {
	view
	dialog()
}

func (m *Model) top() view { return m.stack[len(m.stack)-1] }

func (m *Model) push(v view) { m.stack = append(m.stack, v) }

// pop removes the top view; the dashboard at the bottom stays.
func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

// remove takes v off the stack wherever it is, with everything above it.
func (m *Model) remove(v view) {
	for i := len(m.stack) - 1; i > 0; i-- {
		if m.stack[i] == v {
			m.stack = m.stack[:i]
			return
		}
	}
}

// showing reports whether v is on the stack.
func (m *Model) showing(v view) bool {
	for _, s := range m.stack {
		if s == v {
			return true
		}
	}
	return false
}

// body draws the topmost screen and the dialogs above it, width x height.
func (m *Model) body(width, height int) []string {
	base := len(m.stack) - 1
	for base > 0 {
		if _, ok := m.stack[base].(dialogView); !ok {
			break
		}
		base--
	}
	lines := pad(m.stack[base].render(width, height), width, height)
	for _, d := range m.stack[base+1:] {
		lines = overlay(lines, d.render(width, height), width)
	}
	return lines
}

// pad makes lines exactly height lines.
func pad(lines []string, width, height int) []string {
	if len(lines) > height {
		return lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return lines
}

// overlay draws box centred over lines, with a border, keeping what is around it.
func overlay(lines, box []string, width int) []string {
	inner := 0
	for _, l := range box {
		inner = max(inner, lipgloss.Width(l))
	}
	framed := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).
		Width(min(width, inner+4)).Render(strings.Join(box, "\n"))
	layer := lipgloss.NewLayer(framed)
	x := max(0, (width-layer.Width())/2)
	y := max(0, (len(lines)-layer.Height())/2)
	out := lipgloss.NewCompositor(lipgloss.NewLayer(strings.Join(lines, "\n")), layer.X(x).Y(y).Z(1)).Render()
	return strings.Split(out, "\n")
}
