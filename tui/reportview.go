package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/model"
)

// reportView is the Reports view: the week's figures, a sparkline of incidents per day, and
// the error budget, in a viewport that scrolls when the screen is short. Prose wraps to the
// width; the table keeps its columns.
type reportView struct {
	m  *Model
	vp viewport.Model
}

func (m *Model) openReports() tea.Cmd {
	v := &reportView{m: m, vp: viewport.New()}
	v.resize(m.bodySize())
	m.push(v)
	if m.report.last == nil {
		return m.reportCmd()
	}
	return nil
}

func (v *reportView) typing() bool { return false }

// resize fits the viewport below the title line.
func (v *reportView) resize(width, height int) {
	v.vp.SetWidth(width)
	v.vp.SetHeight(max(1, height-1))
}

func (v *reportView) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := &v.m.keys
	switch {
	case key.Matches(km, k.Back, k.Reports):
		v.m.pop()
	case key.Matches(km, k.Refresh):
		return v.m.reportCmd()
	default:
		scrollKey(&v.vp, km, k) // the content the last frame laid out (render)
	}
	return nil
}

func (v *reportView) wheel(n int) { scrollBy(&v.vp, n) }

func (v *reportView) keys() keyHelp {
	k := &v.m.keys
	recompute := withDesc(k.Refresh, "recompute")
	return keyHelp{short: []key.Binding{k.Back, recompute, scrollHint(k), withDesc(k.Help, "help"), shortQuit(k)},
		sections: []keySection{{"Reports", []key.Binding{k.Back, recompute, k.Help, k.Quit}}, {"Scroll", scrollBindings(k)}}}
}

func (v *reportView) status() string { return scrollStatus(v.m.st, v.vp) }

// render draws the title and the viewport; the content is laid out again each time the
// body is drawn (a new report, a new minute, a new size), keeping the scroll position.
func (v *reportView) render(w, height int) []string {
	st := v.m.st
	v.resize(w, height)
	v.vp.SetContent(v.content(w))
	lines := []string{fit(st.TitleActive.Render("━ Reports: the last 7 days")+st.Rule.Render(" "+strings.Repeat("━", max(0, w-27))), w)}
	for _, l := range strings.Split(v.vp.View(), "\n") {
		lines = append(lines, fit(l, w))
	}
	return lines
}

// content is the report laid out for w cells.
func (v *reportView) content(w int) string {
	m, st := v.m, v.m.st
	para := func(style func(...string) string, text string) []string { return wrapIndented(style, text, w, "  ") }
	var lines []string
	switch r := m.report.last; {
	case r == nil && m.report.err != nil:
		lines = append(lines, "")
		lines = append(lines, para(st.Bad.Render, "⚠ "+m.report.err.Error())...)
		lines = append(lines, para(st.Muted.Render, keyOf(m.keys.Refresh)+" to try again")...)
	case r == nil:
		lines = append(lines, "")
		lines = append(lines, para(st.Muted.Render, "reading the production queue and its label events…")...)
	default:
		lines = append(lines, "")
		for _, n := range r.Notices {
			lines = append(lines, para(st.Warn.Render, "⚠ incomplete: "+n)...)
		}
		lines = append(lines, para(st.Bold.Render, fmt.Sprintf("%d incidents opened, %d of them not resolved yet", len(r.Incidents), len(r.StillOpen)))...)
		lines = append(lines, para(st.Muted.Render, "now: "+model.OpenCounts(m.snap.Incidents))...)
		counts, days := calendarDays(r, m.now)
		lines = append(lines, "  per day  "+st.Accent.Render(spaced(model.Sparkline(counts))), st.Muted.Render("           "+strings.Join(days, " ")), "")
		lines = append(lines, fit(st.ColHeader.Render("  SEV  OPENED  NOT RESOLVED  MITIGATE median / p90   RESOLVE median / p90"), w))
		for _, s := range r.BySeverity {
			lines = append(lines, fit(fmt.Sprintf("  %s  %6d  %12d  %-24s %s", sevStyle(&m.st, int(s.Severity)).Render(s.Severity.String()), s.Opened, s.StillOpen,
				model.Span(s.TimeToMitigate.Median, s.TimeToMitigate.Count)+" / "+model.Span(s.TimeToMitigate.P90, s.TimeToMitigate.Count),
				model.Span(s.TimeToResolve.Median, s.TimeToResolve.Count)+" / "+model.Span(s.TimeToResolve.P90, s.TimeToResolve.Count)), w))
		}
		c := r.Changes
		lines = append(lines, "")
		lines = append(lines, para(plain, fmt.Sprintf("changes  completed %d · aborted %d · in progress %d", sum(c.Completed), sum(c.Aborted), sum(c.InProgress)))...)
		lines = append(lines, para(plain, fmt.Sprintf("~oncall  opened %d · closed %d", r.OncallOpened, r.OncallClosed))...)
		b := r.Budget
		lines = append(lines, "", "  "+m.budgetGauge())
		lines = append(lines, para(st.Muted.Render, fmt.Sprintf("%.2f%% over %d days: %s allowed, %s consumed by %s, %s left; 7-day burn rate %.1fx",
			b.Policy.Target, int(b.Policy.Window.Hours()/24), model.Span(b.Allowed, 1), model.Span(b.Consumed, 1),
			sevList(b.Policy.Severities), model.Span(b.Remaining, 1), b.BurnRate))...)
		if m.report.err != nil {
			lines = append(lines, para(st.Bad.Render, "⚠ the last update failed: "+m.report.err.Error())...)
		}
	}
	return strings.Join(lines, "\n")
}

func plain(s ...string) string { return strings.Join(s, "") }

// wrapIndented wraps text to width cells at its spaces, styles each line and indents it.
// A word longer than a line is cut into pieces (nothing is lost). Hyphens never break a
// line: "-5h 07m left" stays whole.
func wrapIndented(style func(...string) string, text string, width int, indent string) []string {
	inner := max(10, width-ansi.StringWidth(indent))
	var out []string
	line := ""
	flush := func() {
		out = append(out, indent+style(line))
		line = ""
	}
	for i, word := range strings.Split(text, " ") {
		switch {
		case i == 0:
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= inner:
			line += " " + word
		default:
			flush()
			line = word
		}
		for ansi.StringWidth(line) > inner {
			cut := ansi.Truncate(line, inner, "")
			line = strings.TrimPrefix(line, cut)
			out = append(out, indent+style(cut))
		}
	}
	flush()
	return out
}
