package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// pageView shows one PagerDuty incident: its alerts, notes and link. The Pages pane's keys
// act on it.
type pageView struct {
	itemBase
	seq     int
	loading bool
	err     error
	data    model.PageDetail
}

type pageDetailMsg struct {
	seq    int
	detail model.PageDetail
	err    error
}

func openPage(m *Model, spec *paneSpec, r row) tea.Cmd {
	v := &pageView{itemBase: newItemBase(m, spec, r)}
	if p, ok := m.page(r.page); ok {
		v.data.Page = p // shown while the detail loads
	}
	m.push(v)
	return v.load()
}

func (v *pageView) load() tea.Cmd {
	v.m.detailSeq++
	v.seq, v.loading, v.err = v.m.detailSeq, true, nil
	b, ctx, id, seq := v.m.opts.Backend, v.m.opts.Context, v.row.page, v.seq
	return func() tea.Msg {
		d, err := b.PageDetail(ctx, id)
		return pageDetailMsg{seq: seq, detail: d, err: err}
	}
}

func (v *pageView) loaded(msg pageDetailMsg) {
	v.loading, v.err = false, msg.err
	if msg.err == nil {
		v.data = msg.detail
	}
	v.restyle()
}

func (v *pageView) resize(width, height int) {
	v.vp.SetWidth(width)
	v.vp.SetHeight(max(1, height-2))
	v.restyle()
}

func (v *pageView) restyle() {
	if v.loading || v.err != nil {
		return
	}
	v.vp.SetContent(v.content(v.vp.Width()))
}

func (v *pageView) typing() bool { return false }

func (v *pageView) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyPressMsg); ok {
		return v.itemKey(km, v.load)
	}
	return nil
}

func (v *pageView) keys() keyHelp { return v.itemKeys("Page") }

func (v *pageView) render(width, height int) []string {
	st, p := v.m.st, v.data.Page
	title := st.TitleActive.Render(fit(p.Title, max(1, width-2)))
	if p.URL != "" {
		title = st.TitleActive.Hyperlink(p.URL).Render(fit(p.Title, max(1, width-2)))
	}
	var who []string
	for _, a := range p.Assignees {
		who = append(who, a.Display())
	}
	status := p.Status
	if target, ok := v.m.pages.pending[p.ID]; ok {
		status = map[string]string{model.PageAcknowledged: "acking…", model.PageResolved: "resolving…"}[target]
	}
	meta := []string{fmt.Sprintf("#%d", p.Number), status, p.Urgency + " urgency", orDash(p.Service),
		"opened " + model.Ago(v.m.now, p.CreatedAt) + " ago"}
	if len(who) > 0 {
		meta = append(meta, "assigned to "+strings.Join(who, ", "))
	}
	if p.EscalationLevel > 0 {
		meta = append(meta, fmt.Sprintf("escalation level %d", p.EscalationLevel))
	}
	lines := []string{st.Rule.Render("━ ") + title, st.Muted.Render(fit(strings.Join(meta, " · "), width))}
	switch {
	case v.loading:
		lines = append(lines, st.Muted.Render("loading…"))
	case v.err != nil:
		lines = append(lines, st.Bad.Render(fit("⚠ "+v.err.Error(), width)), st.Muted.Render(v.m.tryAgainText()))
	default:
		lines = append(lines, strings.Split(v.vp.View(), "\n")...)
	}
	return lines
}

// content is the alerts, the notes and the link, for the viewport.
func (v *pageView) content(width int) string {
	st, d := v.m.st, v.data
	var b strings.Builder
	if d.URL != "" {
		b.WriteString(st.Accent.Hyperlink(d.URL).Render(fit(d.URL, width)) + "\n")
	}
	fmt.Fprintf(&b, "\n%s\n", st.Title.Render(fmt.Sprintf("Alerts (%d)", len(d.Alerts))))
	if len(d.Alerts) == 0 {
		b.WriteString(st.Muted.Render("  none") + "\n")
	}
	for _, a := range d.Alerts {
		style := st.Bad
		if a.Status == "resolved" {
			style = st.OK
		}
		line := fmt.Sprintf("  %s %s %s  %s", style.Render(fit(a.Status, 9)), st.Muted.Render(fit(a.Severity, 8)),
			st.Muted.Render(a.CreatedAt.UTC().Format("Mon 15:04")), a.Summary)
		b.WriteString(fit(line, width) + "\n")
	}
	if d.MoreAlerts {
		b.WriteString(st.Muted.Render("  … more in PagerDuty") + "\n")
	}
	fmt.Fprintf(&b, "\n%s\n", st.Title.Render(fmt.Sprintf("Notes (%d, newest first)", len(d.Notes))))
	if len(d.Notes) == 0 {
		b.WriteString(st.Muted.Render("  none") + "\n")
	}
	for _, n := range d.Notes {
		b.WriteString("\n" + st.Bold.Render(n.Author.Display()) + st.Muted.Render(" · "+n.CreatedAt.UTC().Format("Mon 02 Jan 15:04 UTC")) + "\n")
		b.WriteString(wrapText("  "+n.Body, width) + "\n")
	}
	return b.String()
}
