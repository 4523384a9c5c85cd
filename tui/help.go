package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// helpView lists the bindings in force in the view it was opened from, generated from that
// view's key map, in a scrollable viewport.
type helpView struct {
	m    *Model
	from view
	vp   viewport.Model
}

func newHelpView(m *Model, from view) *helpView {
	h := &helpView{m: m, from: from}
	w, ht := m.bodySize()
	h.vp = viewport.New(viewport.WithWidth(w), viewport.WithHeight(max(1, ht-1)))
	h.restyle()
	return h
}

func (h *helpView) typing() bool { return false }

func (h *helpView) resize(width, height int) {
	h.vp.SetWidth(width)
	h.vp.SetHeight(max(1, height-1))
	h.restyle()
}

// restyle lays the sections out in as many columns as fit, each as wide as its widest line.
func (h *helpView) restyle() {
	st, width := h.m.st, h.vp.Width()
	var blocks []string
	for _, sec := range h.from.keys().sections {
		lines := []string{st.Bold.Render(sec.title)}
		keyWidth := 0
		for _, b := range sec.keys {
			if b.Enabled() {
				keyWidth = max(keyWidth, lipgloss.Width(b.Help().Key))
			}
		}
		for _, b := range sec.keys {
			if b.Enabled() {
				lines = append(lines, "  "+st.Key.Render(fitStyled(b.Help().Key, keyWidth))+"  "+st.Text.Render(b.Help().Desc))
			}
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	var rows []string
	var row []string
	rowWidth := 0
	for _, b := range blocks {
		w := lipgloss.Width(b) + 4
		if len(row) > 0 && rowWidth+w > width {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowWidth = nil, 0
		}
		row = append(row, lipgloss.NewStyle().PaddingLeft(2).PaddingRight(2).PaddingBottom(1).Render(b))
		rowWidth += w
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	notes := []string{
		fmt.Sprintf("Every source refreshes every %s, and %s refreshes now; the screen keeps the last data meanwhile.", shortDuration(h.m.opts.Refresh), keyOf(h.m.keys.Refresh)),
		"S1/S2 incidents come first; [blocks deploys] and [data loss] flag the labels of the same name.",
	}
	for _, n := range notes {
		rows = append(rows, st.Muted.PaddingLeft(2).Width(max(10, width)).Render(n))
	}
	h.vp.SetContent(strings.Join(rows, "\n"))
}

func (h *helpView) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := &h.m.keys
	switch {
	case key.Matches(km, k.Back, k.Help):
		h.m.pop()
	default:
		scrollKey(&h.vp, km, k)
	}
	return nil
}

func (h *helpView) keys() keyHelp {
	k := &h.m.keys
	back := key.NewBinding(key.WithKeys(keyOf(k.Back), keyOf(k.Help)), key.WithHelp(pair(k.Back, k.Help), "back"))
	return keyHelp{short: []key.Binding{back, shortQuit(k), scrollHint(k)},
		sections: []keySection{{"Help", []key.Binding{back}}, {"Scroll", scrollBindings(k)}}}
}

func (h *helpView) status() string { return scrollStatus(h.m.st, h.vp) }

func (h *helpView) render(width, height int) []string {
	st := h.m.st
	title := st.TitleActive.Render("━ Help") + st.Rule.Render(" "+strings.Repeat("━", max(0, width-7)))
	lines := []string{fit(title, width)}
	for _, l := range strings.Split(h.vp.View(), "\n") {
		lines = append(lines, fit(l, width))
	}
	return lines
}
