package tui

import (
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// The mouse, when the config turns it on: a click focuses a pane and selects a row (a click
// on the selected row opens it), the wheel scrolls the pane under the pointer, or the
// view on top that scrolls (detail, page, help, reports, the handoff's preview).

// wheelStep is how many rows one notch of the wheel moves.
const wheelStep = 3

func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	mouse := msg.Mouse()
	switch top := m.top().(type) {
	case *dashboard:
		return top.mouse(msg, mouse.X, mouse.Y-m.headerHeight())
	case interface{ wheel(int) }:
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			switch w.Button {
			case tea.MouseWheelUp:
				top.wheel(-wheelStep)
			case tea.MouseWheelDown:
				top.wheel(wheelStep)
			}
		}
	}
	return nil
}

// at finds the pane under (x, y) of the body, and the row of its list there (-1: none).
func (d *dashboard) at(x, y int) (pane, row int) {
	_, height := d.m.bodySize()
	heights := d.heights(height)
	top := 0
	for _, band := range d.bands() {
		h := heights[band[0]]
		if y >= top && y < top+h {
			left := 0
			for i, w := range d.widths(band, d.m.width) {
				if x >= left && x < left+w {
					k := band[i]
					return k, d.rowAt(k, y-top, h)
				}
				left += w + 1 // the separator
			}
			return -1, -1
		}
		top += h
	}
	return -1, -1
}

// rowAt is the row shown on line ly of pane k, drawn h lines high, or -1.
func (d *dashboard) rowAt(k, ly, h int) int {
	p := &d.panes[k]
	first := 1 // the title
	if h >= headerFrom {
		first = 2 // and the column header
	}
	r := p.offset + ly - first
	if ly < first || r >= len(p.rows(d.m)) || ly-first >= d.visibleRows(k) {
		return -1
	}
	return r
}

func (d *dashboard) mouse(msg tea.MouseMsg, x, y int) tea.Cmd {
	k, r := d.at(x, y)
	if k < 0 {
		return nil
	}
	p := &d.panes[k]
	rows := p.rows(d.m)
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		again := d.focus == k && r >= 0 && r == p.cursor
		d.focus = k
		if r < 0 {
			return nil
		}
		p.cursor, p.selected = r, rows[r].key()
		if again {
			if p.spec.open != nil {
				return p.spec.open(d.m, p.spec, rows[r])
			}
			return d.m.openDetail(p.spec, rows[r])
		}
	case tea.MouseWheelMsg:
		if len(rows) == 0 {
			return nil
		}
		step := wheelStep
		if msg.Button == tea.MouseWheelUp {
			step = -step
		}
		p.cursor = max(0, min(p.cursor+step, len(rows)-1))
		p.selected = rows[p.cursor].key()
	}
	return nil
}

func (d *detailView) wheel(n int) { scrollBy(&d.vp, n) }
func (v *pageView) wheel(n int)   { scrollBy(&v.vp, n) }
func (h *helpView) wheel(n int)   { scrollBy(&h.vp, n) }

func scrollBy(vp *viewport.Model, n int) {
	if n < 0 {
		vp.ScrollUp(-n)
	} else {
		vp.ScrollDown(n)
	}
}
