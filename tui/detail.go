package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// detailView shows one issue: its description, rendered as Markdown, and its latest notes.
// The keys of the pane it was opened from act on it (a acknowledges a handoff). The Markdown
// is rendered in a command, never in Update: glamour takes a tenth of a second for a busy
// issue, more for a long description.
type detailView struct {
	itemBase
	seq     int // the latest request; older answers are dropped
	ref     model.IssueRef
	title   string // from the list, shown while the issue loads
	loading bool
	err     error
	data    model.Detail
	// shown is the layout of the content on screen; asked, the one last asked for
	shown, asked layout
}

// layout is what rendered content depends on besides the issue.
type layout struct {
	width int
	theme string
}

// detailMsg is an issue fetched (and rendered for lay), or an issue rendered again for lay.
type detailMsg struct {
	seq     int
	detail  model.Detail
	err     error
	content string
	lay     layout
}

// openDetail shows the item of r, from pane spec, and asks for its description and notes.
func (m *Model) openDetail(spec *paneSpec, r row) tea.Cmd {
	d := &detailView{itemBase: newItemBase(m, spec, r), ref: r.ref, title: r.title}
	m.push(d)
	return d.load()
}

func (d *detailView) load() tea.Cmd {
	d.m.detailSeq++
	d.seq, d.loading, d.err = d.m.detailSeq, true, nil
	b, ctx, ref, seq, st, lay := d.m.opts.Backend, d.m.opts.Context, d.ref, d.seq, d.m.st, d.want()
	d.asked = lay
	return func() tea.Msg {
		det, err := b.Detail(ctx, ref)
		msg := detailMsg{seq: seq, detail: det, err: err}
		if err == nil {
			msg.content, msg.lay = renderDetail(det, st, lay.width), lay
		}
		return msg
	}
}

func (d *detailView) want() layout { return layout{d.vp.Width(), d.m.st.Palette.Name} }

// layoutCmd renders the issue again when the width or the theme changed since it was (or
// is being) rendered.
func (d *detailView) layoutCmd() tea.Cmd {
	lay := d.want()
	if d.loading || d.err != nil || d.asked == lay {
		return nil
	}
	d.asked = lay
	det, st, seq := d.data, d.m.st, d.seq
	return func() tea.Msg {
		return detailMsg{seq: seq, detail: det, content: renderDetail(det, st, lay.width), lay: lay}
	}
}

// handleDetail gives a detail answer to the view that asked for it, wherever it is.
func (m *Model) handleDetail(msg tea.Msg) (tea.Cmd, bool) {
	dm, ok := msg.(detailMsg)
	if !ok {
		return nil, false
	}
	var cmds []tea.Cmd
	for _, v := range m.stack {
		if d, ok := v.(*detailView); ok && d.seq == dm.seq {
			cmds = append(cmds, d.loaded(dm))
		}
	}
	return tea.Batch(cmds...), true
}

// loaded shows what came, if it was rendered for the layout on screen now; else it asks
// for the issue rendered again.
func (d *detailView) loaded(msg detailMsg) tea.Cmd {
	d.loading, d.err = false, msg.err
	if msg.err != nil {
		return nil
	}
	d.data, d.title = msg.detail, msg.detail.Title
	if msg.lay == d.want() {
		d.vp.SetContent(msg.content)
		d.shown = msg.lay
	}
	return d.layoutCmd()
}

func (d *detailView) resize(width, height int) {
	d.vp.SetWidth(width)
	d.vp.SetHeight(max(1, height-2))
}

func (d *detailView) typing() bool { return false }

func (d *detailView) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyPressMsg); ok {
		return d.itemKey(km, d.load)
	}
	return nil
}

func (d *detailView) keys() keyHelp { return d.itemKeys("Detail") }

// status is how far the text is scrolled, for the footer.
func (d *detailView) status() string {
	if d.loading || d.err != nil {
		return ""
	}
	return scrollStatus(d.m.st, d.vp)
}

func (d *detailView) render(width, height int) []string {
	st := d.m.st
	ref := fmt.Sprintf("%s#%d", d.ref.Project, d.ref.IID)
	title := st.TitleActive
	if d.row.url != "" {
		title = title.Hyperlink(d.row.url) // OSC 8, where the terminal supports it; the address is cleaned text
	}
	lines := []string{
		st.Rule.Render("━ ") + title.Render(fit(d.title, max(1, width-2))),
		st.Muted.Render(fit(ref+d.meta(d.m.now), width)),
	}
	switch {
	case d.loading:
		lines = append(lines, st.Muted.Render("loading…"))
	case d.err != nil:
		lines = append(lines, st.Bad.Render(fit("⚠ "+d.err.Error(), width)), st.Muted.Render(d.m.tryAgainText()))
	default:
		lines = append(lines, strings.Split(d.vp.View(), "\n")...)
	}
	return lines
}

func (d *detailView) meta(now time.Time) string {
	if d.loading || d.err != nil {
		return ""
	}
	is := d.data
	var who []string
	for _, a := range is.Assignees {
		who = append(who, a.Display())
	}
	state := "open"
	if is.State == "closed" {
		state = "closed"
	}
	parts := []string{"", state, "created " + model.Ago(now, is.CreatedAt) + " ago by " + orDash(is.Author.Display())}
	if len(who) > 0 {
		parts = append(parts, "assigned to "+strings.Join(who, ", "))
	}
	return strings.Join(parts, " · ")
}

// renderDetail lays out labels, link, description and notes for a viewport of width cells.
func renderDetail(d model.Detail, st themes.Styles, width int) string {
	var b strings.Builder
	if len(d.Labels) > 0 {
		b.WriteString(st.Muted.Render(wrapText("labels: "+strings.Join(d.Labels, ", "), width)) + "\n")
	}
	if d.WebURL != "" {
		b.WriteString(st.Accent.Render(fit(d.WebURL, width)) + "\n")
	}
	b.WriteString(markdown(d.Description, st, width))
	b.WriteString("\n" + st.Title.Render(fmt.Sprintf("Latest notes (%d, newest first)", len(d.Notes))) + "\n")
	if len(d.Notes) == 0 {
		b.WriteString(st.Muted.Render("  none") + "\n")
	}
	for _, n := range d.Notes {
		stamp := n.CreatedAt.UTC().Format("Mon 02 Jan 15:04 UTC")
		if n.System {
			b.WriteString(st.Muted.Render(wrapText("· "+n.Author.Display()+" "+n.Body+" ("+stamp+")", width)) + "\n")
			continue
		}
		b.WriteString("\n" + st.Bold.Render(n.Author.Display()) + st.Muted.Render(" · "+stamp) + "\n")
		b.WriteString(markdown(n.Body, st, width))
	}
	return b.String()
}

// maxMarkdown is the most of one text (a description, a note) rendered: GitLab allows a
// megabyte, which glamour would take seconds over.
const maxMarkdown = 64 << 10

// markdown renders sanitised Markdown for the terminal; on failure it shows the text as is.
func markdown(src string, st themes.Styles, width int) string {
	if strings.TrimSpace(src) == "" {
		return st.Muted.Render("  (no description)") + "\n"
	}
	if len(src) > maxMarkdown {
		src = strings.ToValidUTF8(src[:maxMarkdown], "") + "\n\n… (cut at 64 KB: o opens the whole text in the browser)"
	}
	style := "dark"
	switch st.Palette.Name {
	case "light":
		style = "light"
	case "mono":
		style = "notty"
	}
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(max(20, width-4)))
	if err == nil {
		if out, err := r.Render(src); err == nil {
			return out
		}
	}
	return wrapText(src, width) + "\n"
}

func wrapText(s string, width int) string {
	return lipgloss.NewStyle().Width(max(10, width)).Render(s)
}

// tryAgainText is what a view that failed to load offers.
func (m *Model) tryAgainText() string {
	return keyOf(m.keys.Refresh) + " to try again, " + keyOf(m.keys.Back) + " to go back"
}
