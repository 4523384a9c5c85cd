package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// newFor is how long an incident that appeared during the session is marked [new].
const newFor = 30 * time.Minute

var incidentColumns = []column{
	{title: "SEV", width: 3},
	{title: "STATUS", width: 9},
	{title: "TITLE", min: 16},
	{title: "AGE", width: 4},
	{title: "LEAD", width: 18, drop: 70, shrink: true},
}

func incidentRows(m *Model) ([]row, string) {
	st, me := &m.st, m.me()
	in := m.snap.Incidents
	rows := make([]row, len(in))
	bySev := map[model.Severity]int{}
	for k := range in {
		i := &in[k]
		bySev[i.Severity]++
		r := issueRow(i.Issue)
		r.item, r.shrinkWidth = i, lead(st, i).width()
		r.mine, r.mitigated = i.AssignedTo(me), i.Status == model.StatusMitigated || i.Status == model.StatusResolved
		rows[k] = r
	}
	sum := []string{model.OpenCounts(in)}
	for s := model.Severity(1); s <= 4; s++ {
		if bySev[s] > 0 {
			sum = append(sum, fmt.Sprintf("%d %s", bySev[s], s))
		}
	}
	return rows, strings.Join(sum, " · ")
}

func incidentCells(m *Model, now time.Time, r *row) []cell {
	st, i := &m.st, r.item.(*model.Incident)
	statusStyle := &st.Text
	switch i.Status {
	case model.StatusActive:
		statusStyle = &st.Bad
	case model.StatusMitigated:
		statusStyle = &st.Warn
	case model.StatusResolved:
		statusStyle = &st.OK
	}
	var badges, short []string
	change := m.since.incidentChange(*i).badge()
	if t, ok := m.arrived[i.IssueRef]; (ok && now.Sub(t) < newFor) || change == "new" {
		badges, short = append(badges, "[new]"), append(short, "[new]")
	} else if change != "" {
		badges, short = append(badges, "["+change+"]"), append(short, "[•]")
	}
	if i.DataLoss {
		badges, short = append(badges, "[data loss]"), append(short, "[loss]")
	}
	if i.BlocksDeployments {
		badges, short = append(badges, "[blocks deploys]"), append(short, "[blocks]")
	}
	badgeStyle := &st.Badge
	if i.DataLoss {
		badgeStyle = &st.BadgeBad
	}
	title := cell{text: withoutDate(i.Title), style: &st.Text, tail: strings.Join(badges, " "), tailShort: strings.Join(short, ""), tailStyle: badgeStyle}
	return []cell{
		txt(i.Severity.String(), sevStyle(st, int(i.Severity))),
		txt(i.Status.String(), statusStyle),
		title,
		txt(model.Ago(now, i.CreatedAt), &st.Muted),
		lead(st, i),
	}
}

var changeColumns = []column{
	{title: "STATE", width: 11},
	{title: "C", width: 2},
	{title: "WHEN", width: 11},
	{title: "TITLE", min: 16},
	{title: "OWNER", width: 18, drop: 70, shrink: true},
}

func changeRows(m *Model) ([]row, string) {
	me := m.me()
	in := m.snap.Changes
	rows := make([]row, len(in))
	inProgress := 0
	for k := range in {
		c := &in[k]
		if c.Workflow == model.ChangeInProgress {
			inProgress++
		}
		r := issueRow(c.Issue)
		r.item, r.shrinkWidth = c, textWidth(orDash(c.Owner()))
		r.mine = c.AssignedTo(me) || (len(c.Assignees) == 0 && strings.EqualFold(c.Author.Username, me))
		rows[k] = r
	}
	var sum []string
	if inProgress > 0 {
		sum = append(sum, fmt.Sprintf("%d in progress", inProgress))
	}
	return rows, countSummary(len(in), "open", sum)
}

func changeCells(m *Model, now time.Time, r *row) []cell {
	st, c := &m.st, r.item.(*model.Change)
	stateStyle := &st.Muted
	switch c.Workflow {
	case model.ChangeInProgress:
		stateStyle = &st.AccentBold
	case model.ChangeScheduled:
		stateStyle = &st.Text
	}
	crit, critStyle := "—", &st.Muted
	if c.Criticality > 0 {
		crit, critStyle = fmt.Sprintf("C%d", c.Criticality), sevStyle(st, c.Criticality)
	}
	return []cell{
		txt(c.Workflow.String(), stateStyle),
		txt(crit, critStyle),
		txt(when(now, c.Scheduled), &st.Text),
		sinceCell(c.Title, m.since.changeChange(*c), st),
		txt(orDash(c.Owner()), &st.Muted),
	}
}

var oncallColumns = []column{
	{title: "", width: 5},
	{title: "TITLE", min: 12},
	{title: "AGE", width: 4, drop: 50},
	{title: "ASSIGNEE", width: 18, drop: 70, shrink: true},
}

func oncallRows(m *Model) ([]row, string) {
	me := m.me()
	in := m.snap.OncallIssues
	rows := make([]row, len(in))
	ready := 0
	for k := range in {
		o := &in[k]
		if o.ReadyToHandoff {
			ready++
		}
		r := issueRow(o.Issue)
		r.item, r.shrinkWidth = o, textWidth(orDash(o.Assignee()))
		r.mine = o.AssignedTo(me)
		rows[k] = r
	}
	var sum []string
	if ready > 0 {
		sum = append(sum, fmt.Sprintf("%d ready to hand off", ready))
	}
	return rows, countSummary(len(in), "open", sum)
}

func oncallCells(m *Model, now time.Time, r *row) []cell {
	st, o := &m.st, r.item.(*model.OncallIssue)
	mark := ""
	if o.ReadyToHandoff {
		mark = "ready"
	}
	return []cell{
		txt(mark, &st.Badge),
		sinceCell(o.Title, m.since.oncallChange(*o), st),
		txt(model.Ago(now, o.CreatedAt), &st.Muted),
		txt(orDash(o.Assignee()), &st.Muted),
	}
}

var handoffColumns = []column{
	{title: "", width: 1},
	{title: "TITLE", min: 12},
	{title: "AGE", width: 4, drop: 60},
	{title: "BY", width: 18, drop: 80, shrink: true},
	{title: "READ", width: 26, drop: 44, shrink: true},
}

func handoffRows(m *Model) ([]row, string) {
	st, now := &m.st, m.now
	me := m.me()
	in := pinForMe(m.snap.Handoffs, me)
	rows := make([]row, 0, len(in))
	unread := 0
	for i, h := range in {
		style := &st.Text
		if h.State == "closed" {
			style = &st.Muted
		}
		pin := ""
		if i == 0 && forMe(h, me) {
			pin, style = "★", &st.Bold
		}
		read, readStyle := "", &st.Muted
		switch {
		case h.Ack != nil:
			read, readStyle = "✓ "+h.Ack.At.UTC().Format("15:04")+" @"+h.Ack.Username, &st.OK
		case h.AckChecked:
			read, readStyle = "unread", &st.Warn
			unread++
		}
		rows = append(rows, issueRow(h.Issue,
			txt(pin, &st.Accent),
			txt(strings.TrimPrefix(h.Title, "On-call handoff "), style),
			txt(model.Ago(now, h.CreatedAt), &st.Muted),
			txt(orDash(h.Author.Display()), &st.Muted),
			txt(read, readStyle),
		))
		rows[len(rows)-1].mine = h.AddressedTo(me) || strings.EqualFold(h.Author.Username, me)
	}
	var extra []string
	if unread > 0 {
		extra = append(extra, fmt.Sprintf("%d unread", unread))
	}
	return rows, countSummary(len(in), "recent", extra)
}

// forMe: an open handoff addressed to me, written by someone else.
func forMe(h model.HandoffNote, me string) bool {
	return h.State != "closed" && h.AddressedTo(me) && !strings.EqualFold(h.Author.Username, me)
}

// pinForMe moves the latest open handoff addressed to me (as its incoming engineer) to the top.
func pinForMe(in []model.HandoffNote, me string) []model.HandoffNote {
	for i, h := range in {
		if forMe(h, me) {
			out := append([]model.HandoffNote{h}, in[:i]...)
			return append(out, in[i+1:]...)
		}
	}
	return in
}

// lead is who leads an incident; an open S1/S2 without one is flagged: it needs a named lead.
func lead(st *themes.Styles, i *model.Incident) cell {
	if a := i.Assignee(); a != "" {
		return txt(a, &st.Muted)
	}
	if i.Severity.High() && i.State != "closed" && i.Status != model.StatusResolved {
		return txt("⚠ no lead", &st.Bad)
	}
	return txt("—", &st.Muted)
}

// sinceCell is a title with what changed since the last session as its tail.
func sinceCell(title string, c change, st *themes.Styles) cell {
	out := txt(title, &st.Text)
	if b := c.badge(); b != "" {
		out.tail, out.tailShort, out.tailStyle = "["+b+"]", "[•]", &st.Badge
	}
	return out
}

// txt is a cell of plain styled text.
func txt(text string, style *lipgloss.Style) cell { return cell{text: text, style: style} }

// withoutDate drops the "2026-11-23: " many incident titles start with: the AGE column
// says it.
func withoutDate(title string) string {
	const n = len("2006-01-02")
	if len(title) <= n+1 || title[4] != '-' || title[7] != '-' {
		return title
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if title[i] < '0' || title[i] > '9' {
			return title
		}
	}
	rest := title[n:]
	rest = strings.TrimPrefix(rest, ":")
	if trimmed := strings.TrimLeft(rest, " \t"); trimmed != rest && trimmed != "" {
		return trimmed
	}
	return title
}

func sevStyle(st *themes.Styles, n int) *lipgloss.Style {
	if n >= 1 && n <= 4 {
		return &st.Sev[n]
	}
	return &st.Sev[0]
}

func countSummary(n int, what string, extra []string) string {
	return strings.Join(append([]string{fmt.Sprintf("%d %s", n, what)}, extra...), " · ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
