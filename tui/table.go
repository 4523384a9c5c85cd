package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// column is one column of a pane's table.
type column struct {
	title  string
	width  int  // width in cells; 0 makes the column take what is left
	min    int  // the least a flexible column gets
	drop   int  // hide the column when the table is narrower than this (0: never)
	shrink bool // width is a cap: the column is as wide as its widest value
}

// cell is one styled value. Cells hold already-sanitised text. A tail (badges such as
// "[data loss]") stays visible however narrow the cell: the text is cut before it, and the
// short tail replaces it when the full one would take more than half the cell.
type cell struct {
	text      string
	style     *lipgloss.Style // shared with the theme: a cell carries no copy of its style
	tail      string
	tailShort string
	tailStyle *lipgloss.Style
}

// width is how many cells the value takes in full.
func (c cell) width() int {
	w := textWidth(c.text)
	if c.tail != "" {
		w += 1 + textWidth(c.tail)
	}
	return w
}

// textWidth is the cells s takes; plain ASCII, the common case, is counted without
// segmenting graphemes.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// render fits the cell to w cells, styled unless plain (the selected row is one style).
func (c cell) render(w int, plain bool) string {
	style := func(s *lipgloss.Style, text string) string {
		if plain || s == nil {
			return text
		}
		return s.Render(text)
	}
	tail := c.tail
	if tail != "" && 2*textWidth(tail) > w && c.tailShort != "" {
		tail = c.tailShort
	}
	if tail == "" || textWidth(c.text)+1+textWidth(tail) <= w {
		if tail == "" {
			return style(c.style, fit(c.text, w))
		}
		return style(c.style, c.text) + " " + style(c.tailStyle, fit(tail, w-textWidth(c.text)-1))
	}
	room := w - textWidth(tail) - 1
	if room < 4 {
		return style(c.tailStyle, fit(tail, w))
	}
	return style(c.style, fit(c.text, room)) + " " + style(c.tailStyle, tail)
}

// row is one line of a table. ref (a GitLab issue) or page (a PagerDuty incident) says what
// it is, and identifies it for the selection (key); title and url name it outside the table
// (the detail view's header, the browser).
type row struct {
	ref   model.IssueRef
	page  string
	title string
	url   string
	cells []cell // nil where the pane makes them on demand (paneSpec.cells)
	n     int    // the row's place in its pane's rows, before any view
	item  any    // what on-demand cells are made from: a pointer into the snapshot
	// shrinkWidth is the width of the row's value in its pane's shrinking column, where
	// the cells are made on demand (such a pane has one shrinking column)
	shrinkWidth int
	// for the quick views: the sort keys, and whether the row is mine or a mitigated incident
	created, updated time.Time
	mine, mitigated  bool
}

// rowKey identifies a row's item across refreshes, for the selection: comparing keys
// costs no formatting, so a refresh of a big queue makes no string per row.
type rowKey struct {
	ref  model.IssueRef
	page string
}

func (r row) key() rowKey { return rowKey{ref: r.ref, page: r.page} }

// String is the item's name in the marks of news (see since).
func (k rowKey) String() string {
	if k.page != "" {
		return pageRowID(model.Page{ID: k.page})
	}
	return rowID(model.Issue{IssueRef: k.ref})
}

// issueRow is the row of a GitLab issue.
func issueRow(is model.Issue, cells ...cell) row {
	return row{ref: is.IssueRef, title: is.Title, url: is.WebURL, cells: cells,
		created: is.CreatedAt, updated: is.UpdatedAt}
}

// widest is each column's widest value (and title) over rows. Rows whose cells are made
// on demand tell the width of their shrinking column's value themselves.
func widest(cols []column, rows []row, onDemand bool) []int {
	out := make([]int, len(cols))
	for i, c := range cols {
		out[i] = lipgloss.Width(c.title)
	}
	if onDemand {
		for i, c := range cols {
			if c.shrink {
				for _, r := range rows {
					out[i] = max(out[i], r.shrinkWidth)
				}
			}
		}
		return out
	}
	for _, r := range rows {
		for i, c := range r.cells {
			if cols[i].shrink {
				out[i] = max(out[i], c.width())
			}
		}
	}
	return out
}

// layoutColumns decides which columns show at width and how wide each is.
func layoutColumns(cols []column, wide []int, width int) (visible []int, widths []int) {
	fixed, gaps := 0, 0
	colWidth := func(i int) int {
		if cols[i].shrink && i < len(wide) {
			return min(cols[i].width, wide[i])
		}
		return cols[i].width
	}
	for i, c := range cols {
		if c.drop > 0 && width < c.drop {
			continue
		}
		visible = append(visible, i)
		fixed += colWidth(i)
		gaps++
	}
	gaps-- // one space between columns
	widths = make([]int, len(visible))
	for k, i := range visible {
		widths[k] = colWidth(i)
		if cols[i].width == 0 {
			widths[k] = max(cols[i].min, width-fixed-gaps)
		}
	}
	return visible, widths
}

// renderTable draws up to height lines: an optional header, then the rows from offset.
// Only the rows on screen are formatted. The cursor row is drawn in the selection style
// when the table is focused; a one-cell gutter marks it, so it shows without colour too.
//
// lines, when given, keeps each row's line (all but the selected one) from frame to frame;
// the caller empties it whenever the rows or the width change.
func renderTable(st themes.Styles, cols []column, wide []int, rows []row, cellsOf func(*row) []cell, width, height, cursor, offset int, focused, header bool, lines map[int]string) []string {
	width-- // the gutter
	visible, widths := layoutColumns(cols, wide, width)
	var out []string
	if header && height > 0 {
		parts := make([]string, len(visible))
		for k, i := range visible {
			parts[k] = fit(cols[i].title, widths[k])
		}
		out = append(out, " "+st.ColHeader.Render(fit(strings.Join(parts, " "), width)))
	}
	for r := offset; r < len(rows) && len(out) < height; r++ {
		selected := focused && r == cursor
		if line, ok := lines[r]; ok && !selected {
			out = append(out, line)
			continue
		}
		parts := make([]string, len(visible))
		cells := cellsOf(&rows[r])
		for k, i := range visible {
			parts[k] = cells[i].render(widths[k], selected)
		}
		line := strings.Join(parts, " ")
		switch pad := width - lipgloss.Width(line); {
		case selected:
			line = st.Accent.Render("▌") + st.Selected.Render(fit(line, width))
		case pad > 0:
			line = " " + line + strings.Repeat(" ", pad)
		default:
			line = " " + line
		}
		if lines != nil && !selected {
			lines[r] = line
		}
		out = append(out, line)
	}
	return out
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
