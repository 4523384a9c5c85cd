package tui

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
)

// frameCache keeps the parts of the last frame that have not changed since.
type frameCache struct {
	headerStamp int
	header      []string
	bodyStamp   int
	bodyW       int
	bodyH       int
	body        string
	title       string // the window title
	titleFor    int    // the data version it was counted for
}

// render draws header, body and footer to exactly width x height. The body is drawn again
// only when something but the clock changed: a clock tick redraws the header alone.
func (m *Model) render() string {
	header := m.header()
	w, h := m.bodySize()
	f := &m.frame
	if f.body == "" || f.bodyStamp != m.bodyStamp || f.bodyW != w || f.bodyH != h {
		f.body = strings.Join(pad(m.body(w, h), w, h), "\n")
		f.bodyStamp, f.bodyW, f.bodyH = m.bodyStamp, w, h
	}
	if len(header)+h > m.height-1 { // a screen too short even for the header: cut
		lines := pad(append(append([]string{}, header...), strings.Split(f.body, "\n")...), m.width, m.height-1)
		return strings.Join(append(lines, m.footer()), "\n")
	}
	var b strings.Builder
	for _, l := range header {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString(f.body)
	for i := len(header) + h; i < m.height-1; i++ {
		b.WriteString("\n")
	}
	b.WriteString("\n" + m.footer())
	return b.String()
}

// bodySize is the space between the header and the footer.
func (m *Model) bodySize() (int, int) {
	return m.width, max(1, m.height-m.headerHeight()-1)
}

// headerHeight: the clock line, one line per region, the handoff line, the sources' health
// (when worth showing), and a banner when there is something to say about the handoff.
func (m *Model) headerHeight() int {
	return len(m.header())
}

// header is built once a message: the clock moves it every second.
func (m *Model) header() []string {
	f := &m.frame
	if f.header == nil || f.headerStamp != m.stamp {
		f.header, f.headerStamp = m.buildHeader(), m.stamp
	}
	return f.header
}

func (m *Model) buildHeader() []string {
	lines := append([]string{m.titleLine()}, m.regionLines()...)
	lines = append(lines, m.handoffLine())
	if s := m.sinceSummary(); s != "" {
		lines = append(lines, m.st.Accent.Render(fit("↻ "+s, m.width)))
	}
	if m.showHealthLine() {
		lines = append(lines, m.healthLine())
	}
	if b := m.banner(); b != "" && !m.showing(m.editor) {
		lines = append(lines, b)
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
	utc := st.Bold.Render(now.UTC().Format("Mon 02 Jan 15:04") + " UTC")
	local := st.Muted.Render(" · " + now.In(m.opts.Zone).Format("15:04 MST"))
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

// regionLines shows each region: who is on call now, who takes its next shift, and when.
// A narrow screen loses the shift hours first, then the padding.
func (m *Model) regionLines() []string {
	st, now := m.st, m.now
	cur := m.opts.Rotation.ShiftAt(now)
	nameWidth := 0
	for _, r := range m.opts.Rotation {
		nameWidth = max(nameWidth, lipgloss.Width(r.Name))
	}
	failing := m.snap.Health[model.SourceRotation].Failing()
	type parts struct{ head, hours, now, next string }
	var rows []parts
	nowWidth := 0
	for _, r := range m.opts.Rotation {
		active := r.Name == cur.Region.Name
		marker, regionStyle := "  ", st.Muted
		if active {
			marker, regionStyle = st.Accent.Render("▶ "), st.Bold
		}
		oc := model.OnCallFor(m.snap.OnCall, r, now)
		nowText := st.Muted.Render("off shift")
		if oc.NowCoverage != model.CoverageOffShift {
			nowText = st.Muted.Render("on call ") + m.coverage(oc.Now, oc.NowCoverage, failing, st.Bold)
		}
		nowWidth = max(nowWidth, lipgloss.Width(nowText))
		nextText := st.Muted.Render("next ") + m.coverage(oc.Next, oc.NextCoverage, failing, st.Text) +
			st.Muted.Render(" "+shortTime(now, oc.NextStart))
		rows = append(rows, parts{marker + regionStyle.Render(fitStyled(r.Name, nameWidth)), st.Muted.Render(r.Start.String() + "–" + r.End.String()), nowText, nextText})
	}
	nowWidth = min(max(nowWidth, 30), 40)
	// One form for every region, so their columns line up: the full one if all fit.
	forms := []func(parts) string{
		func(p parts) string {
			return p.head + "  " + p.hours + "  " + fitStyled(p.now, nowWidth) + "  " + p.next
		},
		func(p parts) string { return p.head + "  " + p.now + "  " + p.next },
	}
	form := forms[len(forms)-1]
	for _, f := range forms {
		fits := true
		for _, p := range rows {
			fits = fits && lipgloss.Width(f(p)) <= m.width
		}
		if fits {
			form = f
			break
		}
	}
	var lines []string
	for _, p := range rows {
		lines = append(lines, fit(form(p), m.width))
	}
	return lines
}

// handoffLine is the next handoff with its countdown, and the open pages: on a narrow
// screen the pages are said shorter, and the handoff keeps its place.
func (m *Model) handoffLine() string {
	st, now := m.st, m.now
	h := m.opts.Rotation.NextHandoff(now)
	countStyle := st.Bold
	if h.At.Sub(now) < time.Hour {
		countStyle = st.Warn.Bold(true) // the hour in which the handoff gets written
	}
	handoff := st.Muted.Render("handoff ") + st.Text.Render(h.From.Name+" → "+h.To.Name) +
		st.Muted.Render(" at "+h.At.Format("15:04")+" UTC, in ") + countStyle.Render(model.Countdown(h.At.Sub(now)))
	for _, pages := range m.pagesTexts() {
		if lipgloss.Width(handoff)+1+lipgloss.Width(pages) <= m.width {
			return spread(handoff, pages, m.width)
		}
	}
	return fit(handoff, m.width)
}

// coverage names who is on call, or says why nobody is named: a gap in the schedule
// (nobody would be paged: a warning), or PagerDuty not answering (unknown).
func (m *Model) coverage(p *model.Person, c model.Coverage, failing bool, style lipgloss.Style) string {
	switch {
	case p != nil:
		return style.Render(p.Display())
	case c == model.CoverageGap:
		return m.st.Warn.Bold(true).Render("nobody scheduled")
	case failing:
		return m.st.Bad.Render("unknown")
	}
	return m.st.Muted.Render("…")
}

func shortTime(now, t time.Time) string {
	t = t.UTC()
	if t.YearDay() == now.UTC().YearDay() && t.Year() == now.UTC().Year() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// pagesTexts says how many pages are open, from the longest form to the shortest.
func (m *Model) pagesTexts() []string {
	st := m.st
	h := m.snap.Health[model.SourcePages]
	if h.LastSuccess.IsZero() {
		if h.Failing() {
			return []string{st.Bad.Render("pages: " + reasonOnly(h.LastError)), st.Bad.Render("pages ✗")}
		}
		return []string{st.Muted.Render("pages …")}
	}
	p := m.snap.Pages
	trigStyle, ackStyle := st.Muted, st.Muted
	if p.Triggered > 0 {
		trigStyle = st.Bad
	}
	if p.Acknowledged > 0 {
		ackStyle = st.Warn
	}
	warn := ""
	if h.Failing() {
		warn = st.Bad.Render("⚠ ")
	}
	long := warn + st.Muted.Render("pages ") + trigStyle.Render(fmt.Sprintf("%d triggered", p.Triggered)) +
		st.Muted.Render(" · ") + ackStyle.Render(fmt.Sprintf("%d acknowledged", p.Acknowledged))
	short := warn + trigStyle.Render(fmt.Sprintf("%d trig", p.Triggered)) + st.Muted.Render("·") + ackStyle.Render(fmt.Sprintf("%d ack", p.Acknowledged))
	return []string{long, short, warn + trigStyle.Render(fmt.Sprintf("%d!", p.Triggered))}
}

// banner is one line about the handoff that must not be missed: a handoff stuck in the
// outbox, the last hour of a shift with none published, or a draft waiting to be finished.
func (m *Model) banner() string {
	st := m.st
	if h := m.held(); h != nil {
		return st.Banner.Render(fit(" ⏸ your handoff is held: "+orDash(h.Hint)+"; press "+keyOf(m.keys.RetryHeld)+" once that is fixed ", m.width))
	}
	if len(m.outbox) > 0 {
		w := m.outbox[0]
		what := "a handoff is"
		if len(m.outbox) > 1 {
			what = fmt.Sprintf("%d handoffs are", len(m.outbox))
		}
		return st.Warn.Render(fit(fmt.Sprintf("⏳ %s waiting in the outbox; retry in %s (%s)", what,
			model.Countdown(w.NextAttempt.Sub(m.opts.Clock())), reasonOnly(w.LastError)), m.width))
	}
	if m.opts.Local == nil {
		return ""
	}
	ho := m.opts.Rotation.NextHandoff(m.now)
	published := m.publishedThisShift()
	known := !m.snap.Health[model.SourceHandoffs].LastSuccess.IsZero()
	if left := ho.At.Sub(m.now); left <= time.Hour && known && !published {
		what := "press " + keyOf(m.keys.Handoff) + " to write it"
		if m.hasDraft {
			what = "press " + keyOf(m.keys.Handoff) + " to finish your draft"
		}
		return st.Banner.Render(fit(fmt.Sprintf(" ⚠ The %s shift ends in %s and no handoff is published: %s ", ho.From.Name, model.Countdown(left), what), m.width))
	}
	if m.hasDraft && !published {
		return st.Accent.Render(fit("✎ your handoff draft for this shift is saved, not published: press "+keyOf(m.keys.Handoff)+" to go on", m.width))
	}
	return ""
}

// publishedThisShift reports whether the handoff of the current shift is on GitLab.
func (m *Model) publishedThisShift() bool {
	_, title := m.currentHandoff()
	for _, h := range m.snap.Handoffs {
		if h.Title == title {
			return true
		}
	}
	return false
}

// footer is the bindings in force on the left (most important first, the rest dropped when
// space is short) and the sources' state or the last message on the right.
//
// A message wins over the hints: it is cut to the width if it must be, never dropped.
func (m *Model) footer() string {
	st := m.st
	right := m.healthText()
	if m.flashing() {
		style := st.Accent
		if m.flashErr {
			style = st.Bad
		}
		right = style.Render(ansi.Truncate(m.flash, m.width-1, "…"))
	}
	if s, ok := m.top().(interface{ status() string }); ok && s.status() != "" && !m.flashing() {
		right = s.status() + right
	}
	var parts []string
	if p, ok := m.top().(interface{ prompt() string }); ok && p.prompt() != "" {
		parts = append(parts, p.prompt())
	}
	for _, b := range m.top().keys().short {
		if b.Enabled() {
			parts = append(parts, st.Key.Render(b.Help().Key)+" "+st.Muted.Render(b.Help().Desc))
		}
	}
	for n := len(parts); n > 0; n-- {
		left := strings.Join(parts[:n], "  ")
		if lipgloss.Width(left)+lipgloss.Width(right)+2 <= m.width {
			return spread(left, right, m.width)
		}
	}
	return fitStyled(right, m.width)
}
