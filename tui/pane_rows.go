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
	{title: "LEAD", width: 16, drop: 70},
}

func incidentRows(m *Model) ([]row, string) {
	st, now := m.st, m.now
	in := m.snap.Incidents
	rows := make([]row, 0, len(in))
	bySev := map[model.Severity]int{}
	for _, i := range in {
		bySev[i.Severity]++
		statusStyle := st.Text
		switch i.Status {
		case model.StatusActive:
			statusStyle = st.Bad
		case model.StatusMitigated:
			statusStyle = st.Warn
		case model.StatusResolved:
			statusStyle = st.OK
		}
		title := i.Title
		var badges []string
		if i.DataLoss {
			badges = append(badges, "[data loss]")
		}
		if i.BlocksDeployments {
			badges = append(badges, "[blocks deploys]")
		}
		if t, ok := m.arrived[i.IssueRef]; ok && now.Sub(t) < newFor {
			badges = append([]string{"[new]"}, badges...)
		}
		titleStyle := st.Text
		if len(badges) > 0 {
			title = strings.Join(badges, " ") + " " + title
			titleStyle = st.Badge
			if i.DataLoss {
				titleStyle = st.BadgeBad
			}
		}
		rows = append(rows, row{ref: i.IssueRef, title: i.Title, url: i.WebURL, cells: []cell{
			{i.Severity.String(), sevStyle(st, int(i.Severity))},
			{i.Status.String(), statusStyle},
			{title, titleStyle},
			{model.Ago(now, i.CreatedAt), st.Muted},
			{orDash(i.Assignee()), st.Muted},
		}})
	}
	var sum []string
	for s := model.Severity(1); s <= 4; s++ {
		if bySev[s] > 0 {
			sum = append(sum, fmt.Sprintf("%d %s", bySev[s], s))
		}
	}
	return rows, countSummary(len(in), "open", sum)
}

var changeColumns = []column{
	{title: "STATE", width: 11},
	{title: "C", width: 2},
	{title: "WHEN", width: 11},
	{title: "TITLE", min: 16},
	{title: "OWNER", width: 16, drop: 70},
}

func changeRows(m *Model) ([]row, string) {
	st, now := m.st, m.now
	in := m.snap.Changes
	rows := make([]row, 0, len(in))
	inProgress := 0
	for _, c := range in {
		stateStyle := st.Muted
		switch c.Workflow {
		case model.ChangeInProgress:
			stateStyle = st.Accent.Bold(true)
			inProgress++
		case model.ChangeScheduled:
			stateStyle = st.Text
		}
		crit, critStyle := "—", st.Muted
		if c.Criticality > 0 {
			crit, critStyle = fmt.Sprintf("C%d", c.Criticality), sevStyle(st, c.Criticality)
		}
		rows = append(rows, row{ref: c.IssueRef, title: c.Title, url: c.WebURL, cells: []cell{
			{c.Workflow.String(), stateStyle},
			{crit, critStyle},
			{when(now, c.Scheduled), st.Text},
			{c.Title, st.Text},
			{orDash(c.Owner()), st.Muted},
		}})
	}
	var sum []string
	if inProgress > 0 {
		sum = append(sum, fmt.Sprintf("%d in progress", inProgress))
	}
	return rows, countSummary(len(in), "open", sum)
}

var oncallColumns = []column{
	{title: "", width: 5},
	{title: "TITLE", min: 12},
	{title: "AGE", width: 4, drop: 50},
	{title: "ASSIGNEE", width: 14, drop: 70},
}

func oncallRows(m *Model) ([]row, string) {
	st, now := m.st, m.now
	in := m.snap.OncallIssues
	rows := make([]row, 0, len(in))
	ready := 0
	for _, o := range in {
		mark := ""
		if o.ReadyToHandoff {
			mark = "ready"
			ready++
		}
		rows = append(rows, row{ref: o.IssueRef, title: o.Title, url: o.WebURL, cells: []cell{
			{mark, st.Badge},
			{o.Title, st.Text},
			{model.Ago(now, o.CreatedAt), st.Muted},
			{orDash(o.Assignee()), st.Muted},
		}})
	}
	var sum []string
	if ready > 0 {
		sum = append(sum, fmt.Sprintf("%d ready to hand off", ready))
	}
	return rows, countSummary(len(in), "open", sum)
}

var handoffColumns = []column{
	{title: "", width: 1},
	{title: "TITLE", min: 12},
	{title: "AGE", width: 4, drop: 60},
	{title: "BY", width: 14, drop: 80},
	{title: "READ", width: 16, drop: 44},
}

func handoffRows(m *Model) ([]row, string) {
	st, now := m.st, m.now
	me := m.me()
	in := pinForMe(m.snap.Handoffs, me)
	rows := make([]row, 0, len(in))
	unread := 0
	for i, h := range in {
		style := st.Text
		if h.State == "closed" {
			style = st.Muted
		}
		pin := ""
		if i == 0 && forMe(h, me) {
			pin, style = "★", st.Bold
		}
		read, readStyle := "", st.Muted
		switch {
		case h.Ack != nil:
			read, readStyle = "✓ "+h.Ack.At.UTC().Format("15:04")+" @"+h.Ack.Username, st.OK
		case h.AckChecked:
			read, readStyle = "unread", st.Warn
			unread++
		}
		rows = append(rows, row{ref: h.IssueRef, title: h.Title, url: h.WebURL, cells: []cell{
			{pin, st.Accent},
			{strings.TrimPrefix(h.Title, "On-call handoff "), style},
			{model.Ago(now, h.CreatedAt), st.Muted},
			{orDash(h.Author.Display()), st.Muted},
			{read, readStyle},
		}})
	}
	var extra []string
	if unread > 0 {
		extra = append(extra, fmt.Sprintf("%d unread", unread))
	}
	return rows, countSummary(len(in), "recent", extra)
}

// forMe: an open handoff addressed to me, written by someone else.
func forMe(h model.HandoffNote, me string) bool {
	return h.State != "closed" && h.AssignedTo(me) && !strings.EqualFold(h.Author.Username, me)
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

func sevStyle(st themes.Styles, n int) lipgloss.Style {
	if n >= 1 && n <= 4 {
		return st.Sev[n]
	}
	return st.Sev[0]
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
