package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// detailView shows one issue: its description, rendered as Markdown, and its latest notes.
type detailView struct {
	seq     int // the latest request; older answers are dropped
	ref     model.IssueRef
	title   string // from the list, shown while the issue loads
	loading bool
	err     error
	data    model.Detail
	vp      viewport.Model
	ready   bool
}

func (d *detailView) open(ref model.IssueRef, title string, width, height int) {
	d.seq++
	d.ref, d.title, d.loading, d.err = ref, title, true, nil
	d.vp = viewport.New(viewport.WithWidth(width), viewport.WithHeight(max(1, height-2)))
	d.ready = true
}

func (d *detailView) resize(width, height int) {
	if !d.ready {
		return
	}
	d.vp.SetWidth(width)
	d.vp.SetHeight(max(1, height-2))
}

func (d *detailView) loaded(msg detailMsg, st themes.Styles) {
	if msg.seq != d.seq {
		return
	}
	d.loading, d.err = false, msg.err
	if msg.err == nil {
		d.data = msg.detail
		d.title = msg.detail.Title
	}
	d.restyle(st)
}

// restyle re-renders the content for the current theme and width.
func (d *detailView) restyle(st themes.Styles) {
	if !d.ready || d.loading || d.err != nil {
		return
	}
	d.vp.SetContent(renderDetail(d.data, st, d.vp.Width()))
}

func (d *detailView) scroll(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	switch {
	case key.Matches(msg, k.Top):
		d.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		d.vp.GotoBottom()
	case key.Matches(msg, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		d.vp.PageUp()
	case key.Matches(msg, k.PageDown), msg.String() == "space":
		d.vp.PageDown()
	}
	return nil
}

func (d *detailView) view(st themes.Styles, now time.Time, width, height int) []string {
	ref := fmt.Sprintf("%s#%d", d.ref.Project, d.ref.IID)
	lines := []string{
		st.Rule.Render("━ ") + st.TitleActive.Render(fit(d.title, max(1, width-2))),
		st.Muted.Render(fit(ref+d.meta(now), width)),
	}
	switch {
	case d.loading:
		lines = append(lines, st.Muted.Render("loading…"))
	case d.err != nil:
		lines = append(lines, st.Bad.Render(fit("⚠ "+d.err.Error(), width)), st.Muted.Render("r to try again, esc to go back"))
	default:
		lines = append(lines, strings.Split(d.vp.View(), "\n")...)
	}
	if len(lines) > height {
		lines = lines[:height]
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

// markdown renders sanitised Markdown for the terminal; on failure it shows the text as is.
func markdown(src string, st themes.Styles, width int) string {
	if strings.TrimSpace(src) == "" {
		return st.Muted.Render("  (no description)") + "\n"
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
