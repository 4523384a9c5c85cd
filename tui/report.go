package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// reportEvery is how often the week's report (and so the budget gauge) is recomputed: it
// reads every incident's label events, so less often than the dashboard refreshes.
const reportEvery = 10 * time.Minute

type (
	reportMsg struct {
		report model.Report
		err    error
	}
	reportTickMsg struct{}
)

// reportCmd computes the report of the last seven days, which also holds the budget.
func (m *Model) reportCmd() tea.Cmd {
	if m.reportBusy {
		return nil
	}
	m.reportBusy = true
	b, now := m.opts.Backend, m.opts.Clock()
	return func() tea.Msg {
		r, err := b.Report(context.Background(), model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now)
		return reportMsg{report: r, err: err}
	}
}

func reportTick() tea.Cmd {
	return tea.Tick(reportEvery, func(time.Time) tea.Msg { return reportTickMsg{} })
}

// budgetGauge is the header's summary of the error budget: what is left, and a flag when
// it burns faster than the window allows.
func (m *Model) budgetGauge() string {
	st := m.st
	if m.report == nil {
		if m.reportErr != nil {
			return st.Muted.Render("budget ?")
		}
		return ""
	}
	b := m.report.Budget
	left := b.RemainingFraction()
	const cells = 8
	full := int(left*cells + 0.5)
	bar := strings.Repeat("█", full) + strings.Repeat("░", cells-full)
	style := st.OK
	if left < 0.5 {
		style = st.Warn
	}
	if b.Burning {
		style = st.Bad
	}
	text := fmt.Sprintf("budget %s %.0f%%", bar, left*100)
	if b.Burning {
		text += fmt.Sprintf(" ⚠ burn %.1fx", b.BurnRate)
	}
	return style.Render(text)
}

// reportView is the Reports view: the week's figures, a sparkline of incidents per day, and
// the error budget.
func (m *Model) reportView(height int) []string {
	st, w := m.st, m.width
	lines := []string{st.TitleActive.Render("━ Reports: the last 7 days") + st.Rule.Render(" "+strings.Repeat("━", max(0, w-27)))}
	switch {
	case m.report == nil && m.reportErr != nil:
		lines = append(lines, "", st.Bad.Render("  ⚠ "+m.reportErr.Error()), st.Muted.Render("  r to try again"))
	case m.report == nil:
		lines = append(lines, "", st.Muted.Render("  reading the production queue and its label events…"))
	default:
		r := m.report
		lines = append(lines, "", st.Bold.Render(fmt.Sprintf("  %d incidents opened, %d still open", len(r.Incidents), len(r.StillOpen))))
		var days []string
		for i := range r.PerDay {
			days = append(days, r.Window.From.Add(time.Duration(i) * 24 * time.Hour).UTC().Format("Mon")[:2])
		}
		lines = append(lines, "  per day  "+st.Accent.Render(spaced(model.Sparkline(r.PerDay))), st.Muted.Render("           "+strings.Join(days, " ")), "")
		lines = append(lines, st.ColHeader.Render("  SEV  OPENED  OPEN  MITIGATE median / p90   RESOLVE median / p90"))
		for _, s := range r.BySeverity {
			sevStyle := st.Sev[0]
			if s.Severity >= 1 && s.Severity <= 4 {
				sevStyle = st.Sev[s.Severity]
			}
			lines = append(lines, fmt.Sprintf("  %s  %6d  %4d  %-24s %s", sevStyle.Render(s.Severity.String()), s.Opened, s.StillOpen,
				model.Span(s.TimeToMitigate.Median, s.TimeToMitigate.Count)+" / "+model.Span(s.TimeToMitigate.P90, s.TimeToMitigate.Count),
				model.Span(s.TimeToResolve.Median, s.TimeToResolve.Count)+" / "+model.Span(s.TimeToResolve.P90, s.TimeToResolve.Count)))
		}
		c := r.Changes
		lines = append(lines, "", fmt.Sprintf("  changes  completed %d · aborted %d · in progress %d      ~oncall  opened %d · closed %d",
			sum(c.Completed), sum(c.Aborted), sum(c.InProgress), r.OncallOpened, r.OncallClosed))
		b := r.Budget
		lines = append(lines, "", "  "+m.budgetGauge(),
			st.Muted.Render(fmt.Sprintf("  %.2f%% over %d days: %s allowed, %s consumed by %s, %s left; 7-day burn rate %.1fx",
				b.Policy.Target, int(b.Policy.Window.Hours()/24), model.Span(b.Allowed, 1), model.Span(b.Consumed, 1),
				sevList(b.Policy.Severities), model.Span(b.Remaining, 1), b.BurnRate)))
		if m.reportErr != nil {
			lines = append(lines, st.Bad.Render("  ⚠ the last update failed: "+m.reportErr.Error()))
		}
	}
	for i := range lines {
		lines[i] = fit(lines[i], w)
	}
	return lines[:min(len(lines), height)]
}

func spaced(s string) string { return strings.Join(strings.Split(s, ""), "  ") }

func sum(n [5]int) int { return n[0] + n[1] + n[2] + n[3] + n[4] }

func sevList(ss []model.Severity) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.String())
	}
	return strings.Join(out, "/")
}
