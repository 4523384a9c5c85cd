package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// reportEvery is how often the week's report (and so the budget gauge) is recomputed: it
// reads every incident's label events, so less often than the dashboard refreshes.
const reportEvery = 10 * time.Minute

// firstReportAfter lets the dashboard's first refresh have the API to itself.
const firstReportAfter = 3 * time.Second

// reportState is the last report of the last seven days, which also holds the budget.
type reportState struct {
	last *model.Report
	err  error
	busy bool
}

type (
	reportMsg struct {
		report model.Report
		err    error
	}
	reportTickMsg struct{}
)

func (m *Model) firstReport() tea.Cmd { return m.after(firstReportAfter, reportTickMsg{}) }

func (m *Model) handleReport(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case reportMsg:
		m.report.busy, m.report.err = false, msg.err
		if msg.err == nil {
			r := msg.report
			m.report.last = &r
		}
		return nil, true
	case reportTickMsg:
		return tea.Batch(m.reportCmd(), m.after(reportEvery, reportTickMsg{})), true
	}
	return nil, false
}

// reportCmd computes the report of the last seven days.
func (m *Model) reportCmd() tea.Cmd {
	if m.report.busy {
		return nil
	}
	m.report.busy = true
	b, ctx, now := m.opts.Backend, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		r, err := b.Report(ctx, model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now)
		return reportMsg{report: r, err: err}
	}
}

// budgetGauge is the header's summary of the error budget: what is left, and a flag when
// it burns faster than the window allows.
func (m *Model) budgetGauge() string {
	st := m.st
	if m.report.last == nil {
		if m.report.err != nil {
			return st.Muted.Render("budget ?")
		}
		return ""
	}
	b := m.report.last.Budget
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

// calendarDays counts the report's incidents by the UTC calendar day they were opened, the
// last seven days with today last, and labels each day with its weekday.
func calendarDays(r *model.Report, now time.Time) (counts []int, labels []string) {
	today := now.UTC().Truncate(24 * time.Hour)
	counts = make([]int, 7)
	for _, in := range r.Incidents {
		d := int(today.Sub(in.CreatedAt.UTC().Truncate(24*time.Hour)).Hours() / 24)
		if d >= 0 && d < 7 {
			counts[6-d]++
		}
	}
	for i := 6; i >= 0; i-- {
		labels = append(labels, today.Add(-time.Duration(i) * 24 * time.Hour).Format("Mon")[:2])
	}
	return counts, labels
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
