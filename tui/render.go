package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
)

// render draws header, body and footer to exactly width x height.
func (m *Model) render() string {
	header := m.header()
	if b := m.banner(); b != "" && m.mode != modeHandoff {
		header = append(header, b)
	}
	footer := m.footer()
	bodyHeight := max(0, m.height-len(header)-1)
	var body []string
	switch m.mode {
	case modeDetail:
		body = m.detail.view(m.st, m.now, m.width, bodyHeight)
	case modeHelp:
		body = m.help(bodyHeight)
	case modeHandoff:
		body = m.editorView(m.width, bodyHeight)
	case modeQuit:
		body = m.quitView(bodyHeight)
	case modeReport:
		body = m.reportView(bodyHeight)
	default:
		body = m.dashboard(bodyHeight)
	}
	lines := append(header, body...)
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:m.height-1], footer)
	return strings.Join(lines, "\n")
}

// headerHeight: the clock line, one line per region, the handoff line, the sources' health,
// and a banner line
// when there is something to say about the handoff.
func (m *Model) headerHeight() int {
	h := 2 + len(m.opts.Rotation)
	if m.showHealthLine() {
		h++
	}
	if m.banner() != "" && m.mode != modeHandoff {
		h++
	}
	return h
}

// banner is one line about the handoff that must not be missed: a handoff stuck in the
// outbox, the last hour of a shift with none published, or a draft waiting to be finished.
func (m *Model) banner() string {
	st := m.st
	if len(m.outbox) > 0 {
		w := m.outbox[0]
		what := "a handoff is"
		if len(m.outbox) > 1 {
			what = fmt.Sprintf("%d handoffs are", len(m.outbox))
		}
		return st.Warn.Render(fit(fmt.Sprintf("⏳ %s waiting in the outbox; retry in %s (%s)", what,
			model.Countdown(w.NextAttempt.Sub(m.opts.Clock())), reasonOnly(w.LastError)), m.width))
	}
	ho := m.opts.Rotation.NextHandoff(m.now)
	_, title := m.currentHandoff()
	published := false
	for _, h := range m.snap.Handoffs {
		published = published || h.Title == title
	}
	known := !m.snap.Health[model.SourceHandoffs].LastSuccess.IsZero()
	if left := ho.At.Sub(m.now); left <= time.Hour && known && !published && m.opts.Drafts != nil {
		what := "press h to write it"
		if m.hasDraft {
			what = "press h to finish your draft"
		}
		return st.Banner.Render(fit(fmt.Sprintf(" ⚠ The %s shift ends in %s and no handoff is published: %s ", ho.From.Name, model.Countdown(left), what), m.width))
	}
	if m.hasDraft && !published {
		return st.Accent.Render(fit("✎ your handoff draft for this shift is saved and unpublished: press h to continue it", m.width))
	}
	return ""
}

func (m *Model) quitView(height int) []string {
	st := m.st
	lines := []string{"", "  " + st.Bold.Render("Your handoff draft for this shift is not published."), "",
		"  It is saved, and oncall offers it again next time.", "",
		"  " + st.Key.Render("y") + " quit anyway   " + st.Key.Render("n") + " stay"}
	for i := range lines {
		lines[i] = fit(lines[i], m.width)
	}
	return lines[:min(len(lines), height)]
}

func (m *Model) header() []string {
	st, w, now := m.st, m.width, m.now
	lines := []string{m.titleLine()}

	cur := m.opts.Rotation.ShiftAt(now)
	nameWidth := 0
	for _, r := range m.opts.Rotation {
		nameWidth = max(nameWidth, lipgloss.Width(r.Name))
	}
	onCall := map[string]model.OnCall{}
	for _, oc := range m.snap.OnCall {
		onCall[oc.Region] = oc
	}
	rotHealth := m.snap.Health[model.SourceRotation]
	for _, r := range m.opts.Rotation {
		active := r.Name == cur.Region.Name
		marker, regionStyle := "  ", st.Muted
		if active {
			marker, regionStyle = st.Accent.Render("▶ "), st.Bold
		}
		oc, known := onCall[r.Name]
		nowText := st.Muted.Render("off shift")
		if active {
			nowText = st.Muted.Render("on call ") + st.Bold.Render(personOr(oc.Now, known, rotHealth))
		}
		nextText := st.Muted.Render("next ") + st.Text.Render(personOr(oc.Next, known, rotHealth))
		if known {
			nextText += st.Muted.Render(" " + shortTime(now, oc.NextStart))
		}
		line := marker + regionStyle.Render(fit(r.Name, nameWidth)) + "  " +
			st.Muted.Render(r.Start.String()+"–"+r.End.String()) + "  " + fitStyled(nowText, 30) + "  " + nextText
		lines = append(lines, fit(line, w))
	}

	h := m.opts.Rotation.NextHandoff(now)
	countStyle := st.Bold
	if h.At.Sub(now) < time.Hour {
		countStyle = st.Warn.Bold(true) // the hour in which the handoff gets written
	}
	handoff := st.Muted.Render("handoff ") + st.Text.Render(h.From.Name+" → "+h.To.Name) +
		st.Muted.Render(" at "+h.At.Format("15:04")+" UTC, in ") + countStyle.Render(model.Countdown(h.At.Sub(now)))
	lines = append(lines, spread(handoff, m.pagesText(), w))
	if m.showHealthLine() {
		lines = append(lines, m.healthLine())
	}
	return lines
}

// titleLine is the name, the budget gauge and the clocks; on a narrow screen the least
// useful parts go first (the label, the gauge, the local time), the UTC clock last.
func (m *Model) titleLine() string {
	st, now := m.st, m.now
	name := st.Accent.Bold(true).Render("oncall")
	label := ""
	if m.opts.Label != "" {
		label = " " + st.Muted.Render(m.opts.Label)
	}
	utc := st.Bold.Render(now.UTC().Format("Mon 02 Jan 15:04:05") + " UTC")
	local := st.Muted.Render(" · " + now.In(m.opts.Local).Format("15:04 MST"))
	gauge := m.budgetGauge()
	if gauge != "" {
		gauge += "  "
	}
	for _, try := range [][2]string{
		{name + label, gauge + utc + local},
		{name, gauge + utc + local},
		{name, utc + local},
		{name, utc},
	} {
		if lipgloss.Width(try[0])+lipgloss.Width(try[1])+1 <= m.width {
			return spread(try[0], try[1], m.width)
		}
	}
	return fit(utc, m.width)
}

// personOr names who is on call, or says why it cannot.
func personOr(p *model.Person, known bool, h model.Health) string {
	switch {
	case p != nil:
		return p.Display()
	case known:
		return "nobody scheduled"
	case h.Failing():
		return "unknown"
	}
	return "…"
}

func shortTime(now, t time.Time) string {
	t = t.UTC()
	if t.YearDay() == now.UTC().YearDay() && t.Year() == now.UTC().Year() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// fitStyled pads a styled string to width cells (it never truncates styled text).
func fitStyled(s string, width int) string {
	if pad := width - lipgloss.Width(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

func (m *Model) pagesText() string {
	st := m.st
	h := m.snap.Health[model.SourcePages]
	if h.LastSuccess.IsZero() {
		if h.Failing() {
			return st.Bad.Render("pages: " + h.LastError)
		}
		return st.Muted.Render("pages …")
	}
	p := m.snap.Pages
	trig := st.Muted.Render("0 triggered")
	if p.Triggered > 0 {
		trig = st.Bad.Render(fmt.Sprintf("%d triggered", p.Triggered))
	}
	ack := st.Muted.Render(fmt.Sprintf("%d acknowledged", p.Acknowledged))
	if p.Acknowledged > 0 {
		ack = st.Warn.Render(fmt.Sprintf("%d acknowledged", p.Acknowledged))
	}
	out := st.Muted.Render("pages ") + trig + st.Muted.Render(" · ") + ack
	if h.Failing() {
		out = st.Bad.Render("⚠ ") + out
	}
	return out
}

// paneHeights splits the body between incidents, changes and the bottom row (or rows when
// narrow): each block gets a fair share, a block that needs less gives the rest to those
// that need more, and what nobody needs goes to the last block.
func (m *Model) paneHeights(body int) [paneCount]int {
	want := func(k paneKind) int {
		_, rows, _ := m.table(k)
		return max(3, len(rows)+2)
	}
	var blocks [][]paneKind
	var weights []int
	if m.stacked() {
		blocks = [][]paneKind{{paneIncidents}, {paneChanges}, {paneOncall}, {paneHandoffs}}
		weights = []int{1, 1, 1, 1}
	} else {
		blocks = [][]paneKind{{paneIncidents}, {paneChanges}, {paneOncall, paneHandoffs}}
		weights = []int{4, 3, 3}
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	alloc := make([]int, len(blocks))
	need := make([]int, len(blocks))
	spare := body
	for i, b := range blocks {
		for _, k := range b {
			need[i] = max(need[i], want(k))
		}
		alloc[i] = min(need[i], body*weights[i]/total)
		spare -= alloc[i]
	}
	for i := range blocks {
		give := min(spare, need[i]-alloc[i])
		alloc[i] += give
		spare -= give
	}
	alloc[len(alloc)-1] += spare
	var h [paneCount]int
	for i, b := range blocks {
		for _, k := range b {
			h[k] = alloc[i]
		}
	}
	return h
}

// stacked: below 70 columns the bottom panes go one under the other.
func (m *Model) stacked() bool { return m.width < 70 }

func (m *Model) paneWidth(k paneKind) int {
	if m.stacked() || k == paneIncidents || k == paneChanges {
		return m.width
	}
	left := (m.width - 1) / 2
	if k == paneOncall {
		return left
	}
	return m.width - left - 1
}

// paneRows is how many item rows pane k shows.
func (m *Model) paneRows(k paneKind) int {
	h := m.paneHeights(max(0, m.height-m.headerHeight()-1))[k]
	if h >= 5 {
		return h - 2 // title and column header
	}
	return max(0, h-1)
}

func (m *Model) dashboard(body int) []string {
	heights := m.paneHeights(body)
	var out []string
	for _, k := range []paneKind{paneIncidents, paneChanges} {
		out = append(out, m.paneView(k, m.width, heights[k])...)
	}
	if m.stacked() {
		out = append(out, m.paneView(paneOncall, m.width, heights[paneOncall])...)
		return append(out, m.paneView(paneHandoffs, m.width, heights[paneHandoffs])...)
	}
	left := m.paneView(paneOncall, m.paneWidth(paneOncall), heights[paneOncall])
	right := m.paneView(paneHandoffs, m.paneWidth(paneHandoffs), heights[paneHandoffs])
	sep := m.st.Rule.Render("│")
	for i := range left {
		out = append(out, left[i]+sep+right[i])
	}
	return out
}

// paneView draws one pane in exactly height lines of width cells.
func (m *Model) paneView(k paneKind, width, height int) []string {
	if height <= 0 {
		return nil
	}
	st := m.st
	p := &m.panes[k]
	cols, rows, summary := m.table(k)
	focused := k == m.focus && m.mode == modeDashboard

	health := m.snap.Health[k.source()]
	status := ""
	switch {
	case health.Failing():
		status = st.Bad.Render("⚠ " + health.LastError)
	case health.LastSuccess.IsZero():
		status = st.Muted.Render("loading…")
	}
	titleStyle, rule := st.Title, "─"
	if focused {
		titleStyle, rule = st.TitleActive, "━"
	}
	if health.LastSuccess.IsZero() {
		summary = "" // no count until the source has answered once
	}
	title := st.Rule.Render(rule+" ") + titleStyle.Render(fmt.Sprintf("%d %s", k+1, k.title())) + st.Muted.Render("  "+summary+" ")
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

	showHeader := height >= 5
	visible := height - 1
	if showHeader {
		visible--
	}
	overflow := len(rows) > visible && visible > 1
	if overflow {
		visible-- // the last line tells what is scrolled out of sight
	}
	p.offset = scrollTo(p.offset, p.cursor, visible)
	tableHeight := visible
	if showHeader {
		tableHeight++
	}
	switch {
	case len(rows) == 0 && health.LastSuccess.IsZero() && health.Failing():
		retry := "retrying every " + shortDuration(m.opts.Refresh)
		if r := m.retry[k.source()]; r != nil && r.next.After(m.opts.Clock()) {
			retry = "retrying in " + model.Countdown(r.next.Sub(m.opts.Clock()))
		}
		lines = append(lines, st.Muted.Render(fit("  no data yet; "+retry+" (r: now)", width)))
	case len(rows) == 0 && !health.LastSuccess.IsZero():
		lines = append(lines, st.Muted.Render(fit("  nothing open", width)))
	default:
		lines = append(lines, renderTable(st, cols, rows, width, tableHeight, p.cursor, p.offset, focused, showHeader)...)
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

func (m *Model) footer() string {
	st := m.st
	type hint struct{ key, what string }
	var hints []hint
	switch m.mode {
	case modeDetail:
		hints = []hint{{"esc", "back"}, {"?", "help"}, {"q", "quit"}, {"j/k", "scroll"}, {"r", "reload"}, {"a", "acknowledge"}}
	case modeHelp:
		hints = []hint{{"esc", "back"}, {"q", "quit"}}
	case modeHandoff:
		hints = []hint{{"esc", "leave"}, {"ctrl+x", "publish"}, {"ctrl+s", "save"}, {"ctrl+r", "regenerate"}, {"ctrl+o", "preview"}, {"ctrl+e", "$EDITOR"}}
	case modeQuit:
		hints = []hint{{"y", "quit"}, {"n", "stay"}}
	case modeReport:
		hints = []hint{{"esc", "back"}, {"r", "recompute"}, {"?", "help"}, {"q", "quit"}}
	case modeDashboard:
		if m.filtering {
			hints = []hint{{"/" + m.filters[m.focus] + "▏", ""}, {"enter", "keep"}, {"esc", "clear"}}
			break
		}
		hints = []hint{{"?", "help"}, {"q", "quit"}, {"h", "handoff"}, {"enter", "open"}, {"R", "reports"}, {"/", "filter"}, {"tab", "pane"}, {"j/k", "move"}, {"r", "refresh"}}
	}
	right := m.healthText()
	if m.flash != "" && m.opts.Clock().Sub(m.flashAt) < 8*time.Second {
		right = st.Accent.Render(m.flash)
	}
	if m.mode == modeDetail && !m.detail.loading && m.detail.err == nil {
		right = st.Muted.Render(fmt.Sprintf("%3.0f%%  ", m.detail.vp.ScrollPercent()*100)) + right
	}
	// Hints are listed most important first; the least important go when space is short.
	for n := len(hints); n > 0; n-- {
		parts := make([]string, n)
		for i, h := range hints[:n] {
			parts[i] = st.Key.Render(h.key) + " " + st.Muted.Render(h.what)
		}
		left := strings.Join(parts, "  ")
		if lipgloss.Width(left)+lipgloss.Width(right)+2 <= m.width || n == 1 {
			return spread(left, right, m.width)
		}
	}
	return spread("", right, m.width)
}

// healthText sums up the sources: refreshing, failing, or when everything last answered.
func (m *Model) healthText() string {
	st := m.st
	busy, failing := 0, 0
	var oldest time.Time
	for _, id := range m.opts.Backend.Sources() {
		if m.inflight[id] {
			busy++
		}
		h := m.snap.Health[id]
		if h.Failing() {
			failing++
		}
		if !h.LastSuccess.IsZero() && (oldest.IsZero() || h.LastSuccess.Before(oldest)) {
			oldest = h.LastSuccess
		}
	}
	var parts []string
	if failing > 0 {
		parts = append(parts, st.Bad.Render(fmt.Sprintf("⚠ %d failing", failing)))
	}
	switch {
	case busy > 0:
		parts = append(parts, st.Muted.Render("refreshing…"))
	case !oldest.IsZero():
		parts = append(parts, st.Muted.Render("updated "+oldest.In(m.opts.Local).Format("15:04:05")))
	}
	return strings.Join(parts, " ")
}

func (m *Model) detailSize() (int, int) {
	return m.width, max(1, m.height-m.headerHeight()-1)
}
