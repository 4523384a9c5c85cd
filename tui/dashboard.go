package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
)

// dashboard is the bottom view: the panes of the registry, one of them focused.
type dashboard struct {
	m         *Model
	panes     []pane
	focus     int
	input     textinput.Model // the filter being typed (/)
	filtering bool
}

func newDashboard(m *Model) *dashboard {
	d := &dashboard{m: m, panes: make([]pane, len(panes)), input: textinput.New()}
	for i := range panes {
		d.panes[i].spec = &panes[i]
	}
	d.input.Prompt = "/"
	d.input.CharLimit = 200
	// A steady cursor: a blinking one asks for a frame twice a second while the filter is
	// open, for nothing the engineer needs.
	styles := d.input.Styles()
	styles.Cursor.Blink = false
	d.input.SetStyles(styles)
	return d
}

func (d *dashboard) focused() *pane { return &d.panes[d.focus] }

func (d *dashboard) typing() bool { return d.filtering }

// follow puts every pane's cursor back on its selected item after the data changed.
func (d *dashboard) follow() {
	for i := range d.panes {
		d.panes[i].follow(d.m)
	}
}

func (d *dashboard) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if d.filtering {
			return d.editFilter(msg)
		}
		return d.key(msg)
	case tea.PasteMsg:
		if d.filtering {
			var cmd tea.Cmd
			d.input, cmd = d.input.Update(msg)
			d.setFilter(d.input.Value())
			return cmd
		}
	}
	return nil
}

func (d *dashboard) key(msg tea.KeyPressMsg) tea.Cmd {
	m, k, p := d.m, &d.m.keys, d.focused()
	switch {
	case key.Matches(msg, k.Refresh):
		return m.refreshNow()
	case key.Matches(msg, k.Filter):
		d.filtering = true
		d.input.SetValue(p.filter)
		d.input.CursorEnd()
		return d.input.Focus()
	case key.Matches(msg, k.Back) && p.filter != "":
		d.setFilter("")
	case key.Matches(msg, k.Reports):
		return m.openReports()
	case key.Matches(msg, k.Handoff) && m.opts.Local != nil:
		return m.openEditor()
	case key.Matches(msg, k.Sort):
		p.sort = (p.sort + 1) % sortModes
		m.say(p.spec.title + " by " + p.sort.name(p.spec))
		p.follow(m)
	case key.Matches(msg, k.Mine):
		m.mineOnly = !m.mineOnly
		d.follow()
	case key.Matches(msg, k.HideMitigated):
		m.hideMitigated = !m.hideMitigated
		d.follow()
	case key.Matches(msg, k.OpenURL, k.Copy):
		r, ok := p.selectedRow(m)
		switch {
		case !ok:
		case key.Matches(msg, k.OpenURL):
			return m.openURL(r.url)
		default:
			return m.copyURL(r.url)
		}
	case key.Matches(msg, k.RetryHeld) && m.held() != nil:
		m.say("publishing the held handoff again…")
		return m.retryHeldCmd()
	case key.Matches(msg, k.NextPane):
		d.step(1)
	case key.Matches(msg, k.PrevPane):
		d.step(-1)
	case key.Matches(msg, k.JumpPane):
		if n := int(msg.Code - '1'); n >= 0 && n < len(d.panes) {
			d.focus = n
		}
	case key.Matches(msg, k.Open):
		if r, ok := p.selectedRow(m); ok {
			if p.spec.open != nil {
				return p.spec.open(m, p.spec, r)
			}
			return m.openDetail(p.spec, r)
		}
	default:
		for _, a := range p.spec.actions {
			if key.Matches(msg, a.binding(k)) {
				if r, ok := p.selectedRow(m); ok {
					return a.run(m, r)
				}
				return nil
			}
		}
		d.moveCursor(msg)
	}
	return nil
}

// editFilter types into the focused pane's filter: enter keeps it, esc clears it.
func (d *dashboard) editFilter(msg tea.KeyPressMsg) tea.Cmd {
	k := &d.m.keys
	switch {
	case key.Matches(msg, k.FilterKeep):
		d.filtering = false
		d.input.Blur()
		return nil
	case key.Matches(msg, k.FilterClear):
		d.filtering = false
		d.input.Blur()
		d.setFilter("")
		return nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.setFilter(d.input.Value())
	return cmd
}

func (d *dashboard) setFilter(f string) {
	p := d.focused()
	p.filter, p.cursor, p.offset = f, 0, 0
	p.follow(d.m)
}

func (d *dashboard) moveCursor(msg tea.KeyPressMsg) {
	k, p := &d.m.keys, d.focused()
	rows := p.rows(d.m)
	if len(rows) == 0 {
		return
	}
	page := max(1, d.visibleRows(d.focus))
	switch {
	case key.Matches(msg, k.Up):
		p.cursor--
	case key.Matches(msg, k.Down):
		p.cursor++
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = len(rows) - 1
	case key.Matches(msg, k.PageUp):
		p.cursor -= page
	case key.Matches(msg, k.PageDown):
		p.cursor += page
	default:
		return
	}
	p.cursor = max(0, min(p.cursor, len(rows)-1))
	p.selected = rows[p.cursor].key()
}

// keys are the dashboard's bindings; the focused pane's own come with them.
func (d *dashboard) keys() keyHelp {
	k, p := &d.m.keys, d.focused()
	if d.filtering {
		return keyHelp{short: []key.Binding{k.FilterKeep, k.FilterClear}}
	}
	var own []key.Binding
	for _, a := range p.spec.actions {
		own = append(own, a.binding(k))
	}
	handoff := enabled(k.Handoff, d.m.opts.Local != nil)
	back := enabled(withDesc(k.Back, "clear the filter"), p.filter != "")
	retry := enabled(k.RetryHeld, d.m.held() != nil)
	sections := []keySection{
		{"Panes", []key.Binding{k.NextPane, k.PrevPane, k.JumpPane}},
		{"Move", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}},
		{"Views", []key.Binding{k.Filter, back, k.Sort, k.Mine, k.HideMitigated}},
		{"Act", []key.Binding{k.Open, k.OpenURL, k.Copy, k.Refresh, handoff, retry, k.Reports, k.Help, k.Quit}},
	}
	if len(own) > 0 {
		sections = append(sections, keySection{p.spec.title + " pane", own})
	}
	short := []key.Binding{withDesc(retry, "publish again"), withDesc(k.Help, "help"), shortQuit(k), withDesc(handoff, "handoff"), withDesc(k.Open, "open")}
	for _, a := range p.spec.actions {
		b := a.binding(k)
		if a.short != "" {
			b = withDesc(b, a.short)
		}
		short = append(short, b)
	}
	short = append(short, withDesc(k.Reports, "reports"), withDesc(k.Filter, "filter"), withDesc(k.NextPane, "pane"),
		key.NewBinding(key.WithKeys(keyOf(k.Down), keyOf(k.Up)), key.WithHelp(pair(k.Down, k.Up), "move")), withDesc(k.Refresh, "refresh"))
	return keyHelp{short: short, sections: sections}
}

// prompt is the filter being typed, shown in the footer.
func (d *dashboard) prompt() string {
	if !d.filtering {
		return ""
	}
	return d.input.View()
}

// withDesc is b with a shorter description, for the footer.
func withDesc(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// render draws the panes in their bands.
func (d *dashboard) render(width, height int) []string {
	heights := d.heights(height)
	var out []string
	for _, band := range d.bands() {
		widths := d.widths(band, width)
		var cols [][]string
		for i, k := range band {
			cols = append(cols, d.paneView(k, widths[i], heights[k]))
		}
		sep := d.m.st.Rule.Render("│")
		for line := range cols[0] {
			parts := make([]string, len(cols))
			for i := range cols {
				parts[i] = cols[i][line]
			}
			out = append(out, strings.Join(parts, sep))
		}
	}
	return out
}

// stacked: below 70 columns every pane takes the whole width.
func (d *dashboard) stacked() bool { return d.m.width < 70 }

// bands groups the panes (by index) into the rows of the screen, in band order.
func (d *dashboard) bands() [][]int {
	order := make([]int, len(d.panes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return d.panes[order[a]].spec.band < d.panes[order[b]].spec.band })
	var out [][]int
	for _, i := range order {
		last := len(out) - 1
		if last < 0 || d.stacked() || d.panes[out[last][0]].spec.band != d.panes[i].spec.band {
			out = append(out, []int{i})
			continue
		}
		out[last] = append(out[last], i)
	}
	return out
}

// widths splits width between a band's panes, one column of separator between each two.
func (d *dashboard) widths(band []int, width int) []int {
	n := len(band)
	each := (width - (n - 1)) / n
	out := make([]int, n)
	for i := range out {
		out[i] = each
	}
	out[n-1] = width - (n-1)*(each+1)
	return out
}

// headerFrom is the height from which a pane shows its column header: the title, the
// header and at least one row.
const headerFrom = 3

// heights splits the body between the bands: each gets its fair share by weight, a band
// that needs less gives the rest to those that need more, and what nobody needs goes to
// the last band. On a screen too short for every band to show rows, the focused pane's
// band comes first and the others keep their title line, with its counts.
func (d *dashboard) heights(body int) []int {
	bands := d.bands()
	if body < headerFrom*len(bands) {
		return d.squeezed(bands, body)
	}
	total := 0
	weights := make([]int, len(bands))
	need := make([]int, len(bands))
	for i, b := range bands {
		weights[i] = 1
		if !d.stacked() {
			weights[i] = d.panes[b[0]].spec.weight
		}
		total += weights[i]
		for _, k := range b {
			need[i] = max(need[i], max(3, len(d.panes[k].rows(d.m))+2))
		}
	}
	alloc := make([]int, len(bands))
	spare := body
	for i := range bands {
		alloc[i] = min(need[i], body*weights[i]/total)
		spare -= alloc[i]
	}
	for i := range bands {
		give := min(spare, need[i]-alloc[i])
		alloc[i] += give
		spare -= give
	}
	alloc[len(alloc)-1] += spare
	h := make([]int, len(d.panes))
	for i, b := range bands {
		for _, k := range b {
			h[k] = alloc[i]
		}
	}
	return h
}

// squeezed gives every band its title line and the focused band what is left, as far as
// it needs; what remains goes to the other bands in order.
func (d *dashboard) squeezed(bands [][]int, body int) []int {
	alloc := make([]int, len(bands))
	spare := body
	for i := range bands {
		if spare > 0 {
			alloc[i], spare = 1, spare-1
		}
	}
	need := func(i int) int {
		n := 0
		for _, k := range bands[i] {
			n = max(n, len(d.panes[k].rows(d.m))+2)
		}
		return n
	}
	order := []int{}
	for i, b := range bands {
		for _, k := range b {
			if k == d.focus {
				order = append([]int{i}, order...)
			}
		}
		if len(order) == 0 || order[0] != i {
			order = append(order, i)
		}
	}
	for _, i := range order {
		give := min(spare, max(0, need(i)-alloc[i]))
		alloc[i] += give
		spare -= give
	}
	h := make([]int, len(d.panes))
	for i, b := range bands {
		for _, k := range b {
			h[k] = alloc[i]
		}
	}
	return h
}

// displayOrder is the panes (by index) as the screen shows them, top to bottom and left
// to right: tab follows it.
func (d *dashboard) displayOrder() []int {
	var out []int
	for _, b := range d.bands() {
		out = append(out, b...)
	}
	return out
}

// step moves the focus n panes along the display order.
func (d *dashboard) step(n int) {
	order := d.displayOrder()
	for i, k := range order {
		if k == d.focus {
			d.focus = order[(i+n+len(order))%len(order)]
			return
		}
	}
}

// visibleRows is how many item rows pane k shows.
func (d *dashboard) visibleRows(k int) int {
	_, body := d.m.bodySize()
	visible, _, _ := paneLayout(d.heights(body)[k], len(d.panes[k].rows(d.m)))
	return visible
}

// paneLayout is how a pane of height lines shows n rows: below its title, the column
// header when there is room, as many rows as fit, and a last line that tells how many are
// out of sight when they do not all fit.
func paneLayout(height, n int) (visible int, header, overflow bool) {
	header = height >= headerFrom
	visible = height - 1
	if header {
		visible--
	}
	overflow = n > visible && visible > 1
	if overflow {
		visible--
	}
	return max(0, visible), header, overflow
}

// retryText says when a failing source is asked again, and what r can do about it: skip
// the backoff, but not the wait the server asked for.
func (m *Model) retryText(id model.SourceID) string {
	s, now := m.source(id), m.opts.Clock()
	switch {
	case s.server.After(now):
		return "the server asked to wait: retrying in " + model.Countdown(s.next.Sub(now))
	case s.next.After(now):
		return "retrying in " + model.Countdown(s.next.Sub(now)) + " (" + keyOf(m.keys.Refresh) + ": now)"
	}
	return "retrying every " + shortDuration(m.opts.Refresh) + " (" + keyOf(m.keys.Refresh) + ": now)"
}

// paneView draws one pane in exactly height lines of width cells.
func (d *dashboard) paneView(k, width, height int) []string {
	if height <= 0 {
		return nil
	}
	m, st := d.m, d.m.st
	p := &d.panes[k]
	rows := p.rows(m)
	focused := k == d.focus && m.top() == d

	health := m.snap.Health[p.spec.source]
	status := ""
	switch {
	case health.Failing():
		status = st.Bad.Render("⚠ " + reasonOnly(health.LastError)) // the pane says what failed
	case health.LastSuccess.IsZero():
		status = st.Muted.Render("loading…")
	}
	titleStyle, rule := st.Title, "─"
	if focused {
		titleStyle, rule = st.TitleActive, "━"
	}
	summary := p.summary
	if views := p.shownSummary(); views != "" {
		summary = views + " · " + summary
	}
	if health.LastSuccess.IsZero() {
		summary = "" // no count until the source has answered once
	}
	title := st.Rule.Render(rule+" ") + titleStyle.Render(fmt.Sprintf("%d %s", k+1, p.spec.title)) + st.Muted.Render("  "+summary+" ")
	if status != "" {
		title += status + " "
	}
	if lipgloss.Width(title) > width {
		title = fit(title, width)
	}
	if fill := width - lipgloss.Width(title); fill > 0 {
		title += st.Rule.Render(strings.Repeat(rule, fill))
	}
	lines := []string{title}

	visible, showHeader, overflow := paneLayout(height, len(rows))
	p.offset = scrollTo(p.offset, p.cursor, visible)
	tableHeight := visible
	if showHeader {
		tableHeight++
	}
	switch {
	case len(rows) == 0 && health.LastSuccess.IsZero() && health.Failing():
		lines = append(lines, st.Muted.Render(fit("  no data yet; "+m.retryText(p.spec.source), width)))
	case len(rows) == 0 && p.filter != "":
		lines = append(lines, st.Muted.Render(fit(fmt.Sprintf("  no match for /%s (%d hidden)", p.filter, len(p.all)), width)))
	case len(rows) == 0 && len(p.all) > 0:
		lines = append(lines, st.Muted.Render(fit(fmt.Sprintf("  nothing to show: %s", p.shownSummary()), width)))
	case len(rows) == 0 && !health.LastSuccess.IsZero():
		lines = append(lines, st.Muted.Render(fit("  "+p.spec.empty, width)))
	default:
		if p.lines == nil || p.linesWidth != width {
			p.lines, p.linesWidth = map[int]string{}, width
		}
		lines = append(lines, renderTable(st, p.spec.columns, p.wide, rows, func(r *row) []cell { return p.cellsOf(m, r) }, width, tableHeight, p.cursor, p.offset, focused, showHeader, p.lines)...)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	if overflow {
		var more []string
		if p.offset > 0 {
			more = append(more, fmt.Sprintf("↑ %d above", p.offset))
		}
		if below := len(rows) - p.offset - visible; below > 0 {
			more = append(more, fmt.Sprintf("↓ %d more", below))
		}
		lines[height-1] = st.Muted.Render(fit("  "+strings.Join(more, " · "), width))
	}
	return lines
}
