package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// helpColumnWidth fits the longest key and description of any binding.
const helpColumnWidth = 36

// help lists every binding, its sections flowed into as many columns as the width allows,
// and says how the screen refreshes.
func (m *Model) help(height int) []string {
	st := m.st
	sections := m.keys.helpSections()
	ncols := max(1, min(len(sections), m.width/helpColumnWidth))
	cols := make([][]string, ncols)
	for i, sec := range sections {
		c := &cols[i%ncols]
		*c = append(*c, "  "+st.Bold.Render(sec.title))
		for _, b := range sec.bindings {
			h := b.Help()
			*c = append(*c, "    "+st.Key.Render(fit(h.Key, 13))+" "+st.Text.Render(h.Desc))
		}
		*c = append(*c, "")
	}
	blocks := make([]string, ncols)
	for i, c := range cols {
		blocks[i] = lipgloss.NewStyle().Width(m.width / ncols).Render(strings.Join(c, "\n"))
	}
	lines := []string{st.TitleActive.Render("━ Help") + st.Rule.Render(" "+strings.Repeat("━", max(0, m.width-7))), ""}
	lines = append(lines, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, blocks...), "\n")...)
	lines = append(lines,
		st.Muted.Render(fmt.Sprintf("  Every source refreshes every %s, and r refreshes now; the screen keeps the last data meanwhile.", shortDuration(m.opts.Refresh))),
		st.Muted.Render("  S1/S2 incidents come first; [blocks deploys] and [data loss] flag the labels of the same name."),
	)
	for i := range lines {
		lines[i] = fit(lines[i], m.width)
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	return lines
}
