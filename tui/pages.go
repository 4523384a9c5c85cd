package tui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
)

// The Pages pane: PagerDuty's open incidents, triggered first, and acknowledging and
// resolving them from the dashboard.

var pageColumns = []column{
	{title: "", width: 1},
	{title: "STATUS", width: 12},
	{title: "URG", width: 4, drop: 60},
	{title: "TITLE", min: 16},
	{title: "SERVICE", width: 20, drop: 100, shrink: true},
	{title: "AGE", width: 4},
	{title: "ASSIGNEE", width: 18, drop: 80, shrink: true},
	{title: "LVL", width: 3, drop: 110},
}

// pagesState is what the TUI knows beyond the snapshot: who it acts as in PagerDuty, and
// the actions on their way.
type pagesState struct {
	me      *model.Person // the PagerDuty user oncall acts as, once known
	meErr   error         // why it is not known (a permanent error says what to configure)
	pending map[string]string
}

type (
	pagerDutyMeMsg struct {
		me  model.Person
		err error
	}
	pagerDutyMeRetryMsg struct{}
	pageActionMsg       struct {
		id, status string
		page       model.Page
		err        error
	}
)

func (m *Model) pagerDutyMeCmd() tea.Cmd {
	b, ctx := m.opts.Backend, m.opts.Context
	return func() tea.Msg {
		me, err := b.PagerDutyMe(ctx)
		return pagerDutyMeMsg{me: me, err: err}
	}
}

func (m *Model) handlePages(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pagerDutyMeMsg:
		m.pages.meErr = msg.err
		if msg.err == nil {
			me := msg.me
			m.pages.me = &me
			m.changed()
		} else if !model.IsPermanent(msg.err) {
			// PagerDuty is failing, which the pages' health shows; ask again later.
			return m.after(m.opts.Refresh, pagerDutyMeRetryMsg{}), true
		}
		return nil, true
	case pagerDutyMeRetryMsg:
		return m.pagerDutyMeCmd(), true
	case pageActionMsg:
		delete(m.pages.pending, msg.id)
		m.changed()
		verb := map[string]string{model.PageAcknowledged: "acknowledge", model.PageResolved: "resolve"}[msg.status]
		if msg.err != nil {
			m.sayFailed(verb + " failed: " + explain(msg.err))
			return nil, true
		}
		m.replacePage(msg.page)
		for _, v := range m.stack {
			if pv, ok := v.(*pageView); ok && pv.data.ID == msg.page.ID {
				pv.data.Page = msg.page // the open detail shows what PagerDuty said
			}
		}
		m.say(fmt.Sprintf("%sd #%d", verb, msg.page.Number))
		// A refresh asked before PagerDuty took the action would show the old status
		// again: ask anew, which drops its answer.
		return m.refetch(model.SourcePages), true
	case pageDetailMsg:
		for _, v := range m.stack {
			if d, ok := v.(*pageView); ok && d.seq == msg.seq {
				d.loaded(msg)
			}
		}
		return nil, true
	}
	return nil, false
}

// explain is an error as the engineer needs it: what to do, when the source knows.
func explain(err error) string {
	if h := model.HintOf(err); h != "" {
		return h
	}
	return err.Error()
}

// replacePage puts PagerDuty's answer about a page in the snapshot, and counts again.
func (m *Model) replacePage(p model.Page) {
	open := append([]model.Page(nil), m.snap.Pages.Open...) // a cache write may read the old one
	for i := range open {
		if open[i].ID == p.ID {
			open[i] = p
		}
	}
	m.snap.Pages.Open = open
	m.snap.Pages.Triggered, m.snap.Pages.Acknowledged = 0, 0
	for _, p := range open {
		switch p.Status {
		case model.PageTriggered:
			m.snap.Pages.Triggered++
		case model.PageAcknowledged:
			m.snap.Pages.Acknowledged++
		}
	}
	m.changed()
}

func (m *Model) page(id string) (model.Page, bool) {
	for _, p := range m.snap.Pages.Open {
		if p.ID == id {
			return p, true
		}
	}
	return model.Page{}, false
}

func pageRows(m *Model) ([]row, string) {
	st, now := &m.st, m.now
	ps := append([]model.Page(nil), m.snap.Pages.Open...)
	model.SortPages(ps)
	rows := make([]row, 0, len(ps))
	mine, open := 0, 0
	for _, p := range ps {
		if p.Status != model.PageResolved {
			open++
		}
		status, statusStyle := p.Status, &st.Muted
		switch p.Status {
		case model.PageTriggered:
			statusStyle = &st.Bad
		case model.PageAcknowledged:
			statusStyle = &st.Warn
		case model.PageResolved:
			statusStyle = &st.OK
		}
		if target, ok := m.pages.pending[p.ID]; ok {
			status, statusStyle = map[string]string{model.PageAcknowledged: "acking…", model.PageResolved: "resolving…"}[target], &st.Accent
		}
		mark, titleStyle := "", &st.Text
		if m.pages.me != nil && p.AssignedTo(*m.pages.me) {
			mark, titleStyle = "●", &st.Bold
			mine++
		}
		urgency := &st.Muted
		if p.Urgency == "high" {
			urgency = &st.Text
		}
		var who []string
		for _, a := range p.Assignees {
			who = append(who, a.Display())
		}
		level := "—"
		if p.EscalationLevel > 0 {
			level = fmt.Sprintf("L%d", p.EscalationLevel)
		}
		rows = append(rows, row{page: p.ID, title: p.Title, url: p.URL, created: p.CreatedAt, updated: p.CreatedAt,
			mine: mark != "", cells: []cell{
				txt(mark, &st.Accent),
				txt(status, statusStyle),
				txt(orDash(p.Urgency), urgency),
				pageTitle(p, titleStyle, m),
				txt(orDash(p.Service), &st.Muted),
				txt(model.Ago(now, p.CreatedAt), &st.Muted),
				txt(orDash(strings.Join(who, ", ")), &st.Muted),
				txt(level, &st.Muted),
			}})
	}
	var extra []string
	if n := m.snap.Pages.Triggered; n > 0 {
		extra = append(extra, fmt.Sprintf("%d triggered", n))
	}
	if mine > 0 {
		extra = append(extra, fmt.Sprintf("%d assigned to you", mine))
	}
	if m.snap.Pages.Truncated {
		extra = append(extra, fmt.Sprintf("showing the first %d", len(ps)))
	}
	if resolved := len(ps) - open; resolved > 0 {
		extra = append(extra, fmt.Sprintf("%d resolved just now", resolved))
	}
	return rows, countSummary(open, "open", extra)
}

// pageTitle is a page's title, marked when it is new since the last session.
func pageTitle(p model.Page, style *lipgloss.Style, m *Model) cell {
	c := txt(p.Title, style)
	if m.since.pageIsNew(p) {
		c.tail, c.tailShort, c.tailStyle = "[new]", "[new]", &m.st.Badge
	}
	return c
}

// pageAction asks before acknowledging or resolving a page, unless there is nothing to
// do or oncall cannot act (then it says why).
func (m *Model) pageAction(r row, target string) tea.Cmd {
	p, ok := m.page(r.page)
	if !ok {
		return nil
	}
	verb := map[string]string{model.PageAcknowledged: "Acknowledge", model.PageResolved: "Resolve"}[target]
	switch {
	case p.Status == target:
		m.say(fmt.Sprintf("#%d is already %s", p.Number, target))
		return nil
	case p.Status == model.PageResolved:
		m.say(fmt.Sprintf("#%d is resolved; acknowledging it would reopen it", p.Number))
		return nil
	case m.pages.pending[p.ID] != "":
		m.say(fmt.Sprintf("#%d: PagerDuty has not answered the last action yet", p.Number))
		return nil
	case m.pages.meErr != nil && model.IsPermanent(m.pages.meErr):
		m.say(strings.ToLower(verb) + ": " + explain(m.pages.meErr))
		return nil
	}
	as := "as the owner of the API key"
	if m.pages.me != nil && m.pages.me.Email != "" {
		as = "as " + m.pages.me.Email
	}
	m.push(&dialog{m: m, lines: []string{
		m.st.Bold.Render(fmt.Sprintf("%s page #%d?", verb, p.Number)),
		"",
		p.Title,
		fmt.Sprintf("%s · %s · %s", p.Service, p.Status, as),
	}, choices: []choice{
		{withDesc(m.keys.Yes, strings.ToLower(verb)), func() tea.Cmd { return m.setPageStatus(p, target) }},
		{withDesc(m.keys.No, "cancel"), nil},
	}})
	return nil
}

// setPageStatus shows the change at once, marked pending until PagerDuty confirms; a
// refusal takes the mark away and says why.
func (m *Model) setPageStatus(p model.Page, target string) tea.Cmd {
	if m.pages.pending == nil {
		m.pages.pending = map[string]string{}
	}
	m.pages.pending[p.ID] = target
	m.changed()
	b, ctx, id := m.opts.Backend, m.opts.Context, p.ID
	return func() tea.Msg {
		var page model.Page
		var err error
		switch target {
		case model.PageAcknowledged:
			page, err = b.AcknowledgePage(ctx, id)
		case model.PageResolved:
			page, err = b.ResolvePage(ctx, id)
		default:
			err = errors.New("unknown page action")
		}
		return pageActionMsg{id: id, status: target, page: page, err: err}
	}
}
