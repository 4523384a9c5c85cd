package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// paneKind is one of the four lists of the dashboard.
type paneKind int

const (
	paneIncidents paneKind = iota
	paneChanges
	paneOncall
	paneHandoffs
	paneCount
)

// pane is a list's scroll state. The selection follows the issue, not the row number,
// so a refresh that reorders the list does not move the cursor to another item.
type pane struct {
	kind     paneKind
	cursor   int
	offset   int
	selected model.IssueRef
}

func (k paneKind) title() string {
	return [...]string{"Incidents", "Changes", "On-call issues", "Handoffs"}[k]
}

// source is the source whose data the pane shows.
func (k paneKind) source() model.SourceID {
	return [...]model.SourceID{model.SourceQueue, model.SourceQueue, model.SourceOncall, model.SourceHandoffs}[k]
}

// newFor is how long an incident that appeared during the session is marked [new].
const newFor = 30 * time.Minute

// table returns pane k's columns and the rows its filter (/) lets through, and a short
// summary for its title.
func (m *Model) table(k paneKind) ([]column, []row, string) {
	cols, rows, summary := m.allRows(k)
	f := strings.ToLower(m.filters[k])
	if f == "" {
		return cols, rows, summary
	}
	var kept []row
	for _, r := range rows {
		for _, c := range r.cells {
			if strings.Contains(strings.ToLower(c.text), f) {
				kept = append(kept, r)
				break
			}
		}
	}
	return cols, kept, fmt.Sprintf("/%s: %d of %d · %s", m.filters[k], len(kept), len(rows), summary)
}

func (m *Model) allRows(k paneKind) ([]column, []row, string) {
	snap, st, now := &m.snap, m.st, m.now
	switch k {
	case paneIncidents:
		isNew := func(ref model.IssueRef) bool {
			t, ok := m.arrived[ref]
			return ok && now.Sub(t) < newFor
		}
		return incidentTable(snap.Incidents, st, now, isNew)
	case paneChanges:
		return changeTable(snap.Changes, st, now)
	case paneOncall:
		return oncallTable(snap.OncallIssues, st, now)
	}
	me := ""
	if snap.Me != nil {
		me = snap.Me.Username
	}
	return handoffTable(pinForMe(snap.Handoffs, me), st, now, me)
}

// pinForMe moves the latest open handoff addressed to me (as its incoming engineer) to the top.
func pinForMe(in []model.HandoffNote, me string) []model.HandoffNote {
	for i, h := range in {
		if h.State != "closed" && h.AssignedTo(me) && !strings.EqualFold(h.Author.Username, me) {
			out := append([]model.HandoffNote{h}, in[:i]...)
			return append(out, in[i+1:]...)
		}
	}
	return in
}

func incidentTable(in []model.Incident, st themes.Styles, now time.Time, isNew func(model.IssueRef) bool) ([]column, []row, string) {
	cols := []column{
		{title: "SEV", width: 3},
		{title: "STATUS", width: 9},
		{title: "TITLE", min: 16},
		{title: "AGE", width: 4},
		{title: "LEAD", width: 16, drop: 70},
	}
	rows := make([]row, 0, len(in))
	bySev := map[model.Severity]int{}
	for _, i := range in {
		bySev[i.Severity]++
		sevStyle := st.Sev[0]
		if i.Severity >= 1 && i.Severity <= 4 {
			sevStyle = st.Sev[i.Severity]
		}
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
		if isNew(i.IssueRef) {
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
		rows = append(rows, row{ref: i.IssueRef, cells: []cell{
			{i.Severity.String(), sevStyle},
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
	return cols, rows, countSummary(len(in), "open", sum)
}

func changeTable(in []model.Change, st themes.Styles, now time.Time) ([]column, []row, string) {
	cols := []column{
		{title: "STATE", width: 11},
		{title: "C", width: 2},
		{title: "WHEN", width: 11},
		{title: "TITLE", min: 16},
		{title: "OWNER", width: 16, drop: 70},
	}
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
			crit, critStyle = fmt.Sprintf("C%d", c.Criticality), st.Sev[c.Criticality]
		}
		rows = append(rows, row{ref: c.IssueRef, cells: []cell{
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
	return cols, rows, countSummary(len(in), "open", sum)
}

func oncallTable(in []model.OncallIssue, st themes.Styles, now time.Time) ([]column, []row, string) {
	cols := []column{
		{title: "", width: 5},
		{title: "TITLE", min: 12},
		{title: "AGE", width: 4, drop: 50},
		{title: "ASSIGNEE", width: 14, drop: 70},
	}
	rows := make([]row, 0, len(in))
	ready := 0
	for _, o := range in {
		mark := ""
		if o.ReadyToHandoff {
			mark = "ready"
			ready++
		}
		rows = append(rows, row{ref: o.IssueRef, cells: []cell{
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
	return cols, rows, countSummary(len(in), "open", sum)
}

func handoffTable(in []model.HandoffNote, st themes.Styles, now time.Time, me string) ([]column, []row, string) {
	cols := []column{
		{title: "", width: 1},
		{title: "TITLE", min: 12},
		{title: "AGE", width: 4, drop: 60},
		{title: "BY", width: 14, drop: 80},
		{title: "READ", width: 16, drop: 44},
	}
	rows := make([]row, 0, len(in))
	unread := 0
	for i, h := range in {
		style := st.Text
		if h.State == "closed" {
			style = st.Muted
		}
		pin := ""
		if i == 0 && h.AssignedTo(me) && !strings.EqualFold(h.Author.Username, me) && h.State != "closed" {
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
		rows = append(rows, row{ref: h.IssueRef, cells: []cell{
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
	return cols, rows, countSummary(len(in), "recent", extra)
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
