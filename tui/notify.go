package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/model"
)

// Being told: a new S1/S2 incident (or one raised to S1/S2) or a new triggered page while
// the dashboard is open rings the bell and, if the terminal can, raises a desktop
// notification. What was there at the first answer is nobody's news.

// incidentNews compares the incidents with what was known before this answer, and
// remembers them; it says nothing on the first answer.
func (m *Model) incidentNews() []string {
	first := m.known == nil
	if first {
		m.known, m.arrived = map[model.IssueRef]model.Severity{}, map[model.IssueRef]time.Time{}
	}
	var news []string
	for _, in := range m.snap.Incidents {
		before, seen := m.known[in.IssueRef]
		switch {
		case first:
		case !seen:
			m.arrived[in.IssueRef] = m.opts.Clock()
			if in.Severity.High() {
				news = append(news, fmt.Sprintf("new %s incident #%d: %s", in.Severity, in.IID, in.Title))
			}
		case in.Severity.High() && (before == 0 || before > in.Severity):
			news = append(news, fmt.Sprintf("#%d is now %s: %s", in.IID, in.Severity, in.Title))
		}
		m.known[in.IssueRef] = in.Severity
	}
	return news
}

// pageNews says which pages are newly triggered, and remembers every page's status.
func (m *Model) pageNews() []string {
	first := m.pageStatus == nil
	if first {
		m.pageStatus = map[string]string{}
	}
	var news []string
	for _, p := range m.snap.Pages.Open {
		if !first && p.Status == model.PageTriggered && m.pageStatus[p.ID] != model.PageTriggered {
			news = append(news, fmt.Sprintf("page #%d triggered: %s", p.Number, p.Title))
		}
		m.pageStatus[p.ID] = p.Status
	}
	return news
}

// announce rings the bell and raises a desktop notification for news, as configured.
func (m *Model) announce(news []string) tea.Cmd {
	if len(news) == 0 {
		return nil
	}
	m.say(news[0])
	var out strings.Builder
	if m.opts.Notify.Bell {
		out.WriteString("\a")
	}
	// The text is sanitised already; a notification is one short line.
	text := ansi.Truncate(strings.Join(news, "; "), 200, "…")
	switch m.opts.Notify.Desktop {
	case "osc9":
		out.WriteString("\x1b]9;oncall: " + text + "\x07")
	case "osc777":
		out.WriteString("\x1b]777;notify;oncall;" + text + "\x07")
	}
	if out.Len() == 0 {
		return nil
	}
	return tea.Raw(out.String())
}
