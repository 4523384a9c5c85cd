package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// paneSpec is everything that makes one pane of the dashboard: adding a pane is adding a
// spec to the registry below. Numbering (1..n), focus order, layout and help all follow.
type paneSpec struct {
	title   string
	source  model.SourceID
	columns []column
	// build turns the snapshot into the pane's rows and a short summary for its title.
	build func(m *Model) ([]row, string)
	// cells, when set, makes a row's cells on demand: build then leaves them out (it gives
	// each row its item and, for the shrinking column, the width of its value), and only
	// the rows on screen are made, or every row while a filter looks into them. A big
	// queue costs a refresh one pass over its items, and a new minute the rows on screen.
	// now is the one instant the pane's cells are made at until the next minute, so rows
	// drawn later in the minute (scrolled to, say) show ages of the same moment.
	cells func(m *Model, now time.Time, r *row) []cell
	empty string // what an answered, empty source shows, e.g. "nothing open"
	// open shows the selected row (enter); nil: the GitLab issue's detail view.
	open func(m *Model, spec *paneSpec, r row) tea.Cmd
	// actions are the pane's own keys, acting on the selected row (also from its detail view).
	actions []paneAction
	// band and weight place the pane: bands go down the screen in their order, panes of one
	// band sit side by side (one under the other when the screen is narrow); weight is the
	// band's share of the height.
	band, weight int
}

// paneAction is a key a pane adds, and what it does to a row.
type paneAction struct {
	binding func(k *keys) key.Binding
	run     func(m *Model, r row) tea.Cmd
	short   string // the footer's word for it; "" keeps the binding's own
}

// panes is the registry, in the order of their numbers.
var panes = []paneSpec{
	{
		title: "Incidents", source: model.SourceQueue, columns: incidentColumns, build: incidentRows, cells: incidentCells,
		empty: "nothing open", band: 0, weight: 4,
	},
	{
		title: "Changes", source: model.SourceQueue, columns: changeColumns, build: changeRows, cells: changeCells,
		empty: "nothing open", band: 2, weight: 3,
	},
	{
		title: "On-call issues", source: model.SourceOncall, columns: oncallColumns, build: oncallRows, cells: oncallCells,
		empty: "nothing open", band: 3, weight: 3,
	},
	{
		title: "Handoffs", source: model.SourceHandoffs, columns: handoffColumns, build: handoffRows,
		empty: "none published yet", band: 3, weight: 3,
		actions: []paneAction{{binding: func(k *keys) key.Binding { return k.Acknowledge }, run: func(m *Model, r row) tea.Cmd { return m.acknowledge(r.ref) }, short: "ack"}},
	},
	{
		title: "Pages", source: model.SourcePages, columns: pageColumns, build: pageRows,
		empty: "no open pages", band: 1, weight: 2, open: openPage,
		actions: []paneAction{
			{binding: func(k *keys) key.Binding { return withDesc(k.Acknowledge, "acknowledge the page") },
				run: func(m *Model, r row) tea.Cmd { return m.pageAction(r, model.PageAcknowledged) }, short: "ack"},
			{binding: func(k *keys) key.Binding { return k.Resolve },
				run: func(m *Model, r row) tea.Cmd { return m.pageAction(r, model.PageResolved) }, short: "resolve"},
		},
	},
}

// pane is one pane's state: scroll, selection, filter, and its rows kept until what they
// are built from changes. The selection follows the issue, not the row number, so a
// refresh that reorders the list does not move the cursor to another item.
type pane struct {
	spec     *paneSpec
	cursor   int
	offset   int
	selected rowKey // the selected row's item
	filter   string

	sort sortMode

	built    int   // the data version the rows were built from; 0: never
	all      []row // every row
	wide     []int // each column's widest value, for the columns that shrink to fit
	summary  string
	shown    []row   // the rows the views let through, in the view's order
	shownFor viewKey // the views shown was made for

	// made are the cells made on demand (spec.cells), by the row's place in all, for the
	// minute madeAt: the ages they show are of the instant madeNow in that minute.
	made    map[int][]cell
	madeAt  int
	madeNow time.Time

	// lines are the rendered rows of shown, at linesWidth (see renderTable)
	lines      map[int]string
	linesWidth int
}

// rows returns the rows the views let through, building them only when the snapshot or
// the theme changed since (or the minute, for a pane whose rows carry their cells), and
// ordering and filtering them only when the data, a view, or (under a filter, which may
// match an age or a [new]) the minute changed.
func (p *pane) rows(m *Model) []row {
	want := viewKey{filter: p.filter, sort: p.sort, mine: m.mineOnly, hideMitigated: m.hideMitigated}
	if p.built != m.version || (p.spec.cells == nil && p.madeAt != m.minute) {
		p.all, p.summary = p.spec.build(m)
		for i := range p.all {
			p.all[i].n = i
		}
		p.wide = widest(p.spec.columns, p.all, p.spec.cells != nil)
		p.built, p.shown, p.made, p.madeAt, p.madeNow = m.version, nil, nil, m.minute, m.now
	}
	if p.madeAt != m.minute {
		p.made, p.madeAt, p.madeNow, p.lines = nil, m.minute, m.now, nil
		if p.filter != "" {
			p.shown = nil
		}
	}
	if p.shown == nil || p.shownFor != want {
		p.shown, p.shownFor = want.apply(p.all, func(r *row) []cell { return p.cellsOf(m, r) }), want
		p.lines = nil
	}
	return p.shown
}

// cellsOf is the cells of r, made now if the pane makes them on demand and has not yet.
func (p *pane) cellsOf(m *Model, r *row) []cell {
	if p.spec.cells == nil {
		return r.cells
	}
	if c, ok := p.made[r.n]; ok {
		return c
	}
	if p.made == nil {
		p.made = map[int][]cell{}
	}
	c := p.spec.cells(m, p.madeNow, r)
	p.made[r.n] = c
	return c
}

// filterRows keeps the rows with a cell that contains f, ignoring case.
func filterRows(all []row, f string, cellsOf func(*row) []cell) []row {
	if f == "" {
		return all
	}
	f = strings.ToLower(f)
	kept := []row{}
	for i := range all {
		for _, c := range cellsOf(&all[i]) {
			if strings.Contains(strings.ToLower(c.text), f) || strings.Contains(strings.ToLower(c.tail), f) {
				kept = append(kept, all[i])
				break
			}
		}
	}
	return kept
}

// selectedRow is the row under the cursor, if any.
func (p *pane) selectedRow(m *Model) (row, bool) {
	rs := p.rows(m)
	if p.cursor < 0 || p.cursor >= len(rs) {
		return row{}, false
	}
	return rs[p.cursor], true
}

// follow puts the cursor back on the selected issue after the rows changed.
func (p *pane) follow(m *Model) {
	rs := p.rows(m)
	p.cursor = max(0, min(p.cursor, len(rs)-1))
	for i, r := range rs {
		if r.key() == p.selected {
			p.cursor = i
			break
		}
	}
	if p.cursor < len(rs) {
		p.selected = rs[p.cursor].key()
	}
}
