package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// column is one column of a pane's table.
type column struct {
	title string
	width int // fixed width in cells; 0 makes the column take what is left
	min   int // the least a flexible column gets
	drop  int // hide the column when the table is narrower than this (0: never)
}

// cell is one styled value. Cells hold already-sanitised text.
type cell struct {
	text  string
	style lipgloss.Style
}

// row is one line of a table: ref identifies its item for detail and selection, title
// and url name it outside the table (the detail view's header, the browser).
type row struct {
	ref   model.IssueRef
	title string
	url   string
	cells []cell
}

// layoutColumns decides which columns show at width and how wide each is.
func layoutColumns(cols []column, width int) (visible []int, widths []int) {
	fixed, gaps := 0, 0
	for i, c := range cols {
		if c.drop > 0 && width < c.drop {
			continue
		}
		visible = append(visible, i)
		fixed += c.width
		gaps++
	}
	gaps-- // one space between columns
	widths = make([]int, len(visible))
	for k, i := range visible {
		widths[k] = cols[i].width
		if cols[i].width == 0 {
			widths[k] = max(cols[i].min, width-fixed-gaps)
		}
	}
	return visible, widths
}

// renderTable draws up to height lines: an optional header, then the rows from offset.
// The cursor row is drawn in the selection style when the table is focused.
//
// A one-cell gutter marks the cursor row, so the selection shows without colour too.
func renderTable(st themes.Styles, cols []column, rows []row, width, height, cursor, offset int, focused, header bool) []string {
	width-- // the gutter
	visible, widths := layoutColumns(cols, width)
	var lines []string
	if header && height > 0 {
		parts := make([]string, len(visible))
		for k, i := range visible {
			parts[k] = fit(cols[i].title, widths[k])
		}
		lines = append(lines, " "+st.ColHeader.Render(fit(strings.Join(parts, " "), width)))
	}
	for r := offset; r < len(rows) && len(lines) < height; r++ {
		parts := make([]string, len(visible))
		selected := focused && r == cursor
		for k, i := range visible {
			c := rows[r].cells[i]
			text := fit(c.text, widths[k])
			if !selected {
				text = c.style.Render(text)
			}
			parts[k] = text
		}
		line := strings.Join(parts, " ")
		if selected {
			line = st.Accent.Render("▌") + st.Selected.Render(fit(line, width))
		} else if pad := width - lipgloss.Width(line); pad > 0 {
			line = " " + line + strings.Repeat(" ", pad)
		} else {
			line = " " + line
		}
		lines = append(lines, line)
	}
	return lines
}

// scrollTo returns the offset that keeps cursor inside a window of size rows.
func scrollTo(offset, cursor, size int) int {
	if size <= 0 {
		return cursor
	}
	if cursor < offset {
		return cursor
	}
	if cursor >= offset+size {
		return cursor - size + 1
	}
	return offset
}
