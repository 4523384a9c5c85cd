package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// render draws the title, a status line and the text (or its preview).
func (e *editor) render(width, height int) []string {
	st := e.m.st
	head := st.Rule.Render("━ ") + st.TitleActive.Render("Handoff: "+e.title)
	lines := []string{fit(head, width), st.Muted.Render(fit(strings.Join(e.statusParts(), " · "), width))}
	if e.phase == phasePreview {
		e.syncPreview()
		lines = append(lines, strings.Split(e.vp.View(), "\n")...)
	} else {
		lines = append(lines, strings.Split(e.ta.View(), "\n")...)
	}
	return lines
}

// statusParts say where the draft stands: restored, saved or not, the facts, publishing.
func (e *editor) statusParts() []string {
	st, now := e.m.st, e.m.opts.Clock()
	var status []string
	if age := e.factsAge(now); age != "" && e.loaded() {
		status = append(status, st.Warn.Render(age)) // first: the one thing not to miss
	}
	switch {
	case !e.loaded():
		status = append(status, "loading the draft…")
	case !e.restored.IsZero():
		status = append(status, "restored your draft, last saved "+model.Ago(now, e.restored)+" ago")
	}
	switch {
	case e.saveErr != nil:
		status = append(status, st.Bad.Render("not saved: "+e.saveErr.Error()))
	case e.dirty:
		status = append(status, "editing…")
	case !e.savedAt.IsZero():
		status = append(status, "saved "+e.savedAt.In(e.m.opts.Zone).Format("15:04:05"))
	}
	switch {
	case e.factsErr != nil:
		status = append(status, st.Bad.Render("facts: "+e.factsErr.Error()+" ("+keyOf(e.m.keys.EdRegenerate)+" retries)"))
	case e.facts == nil:
		status = append(status, "gathering the shift's facts…")
	}
	switch e.phase {
	case phasePublishing:
		status = append(status, st.Warn.Render("publishing…"))
	case phaseExternal:
		status = append(status, "in $EDITOR…")
	}
	for _, w := range e.m.outbox {
		if w.Post.Key == e.key {
			status = append(status, st.Warn.Render("a version of this handoff waits in the outbox"))
			break
		}
	}
	return status
}

func (e *editor) keys() keyHelp {
	k := &e.m.keys
	if e.phase == phasePreview {
		return e.previewKeys()
	}
	all := []key.Binding{k.EdLeave, k.EdPublish, k.EdSave, k.EdRegenerate, k.EdPreview, k.EdExternal}
	short := []key.Binding{withDesc(k.EdLeave, "leave"), withDesc(k.EdPublish, "publish"), withDesc(k.EdSave, "save"),
		withDesc(k.EdRegenerate, "regenerate"), withDesc(k.EdPreview, "preview"), withDesc(k.EdExternal, "$EDITOR")}
	return keyHelp{short: short, sections: []keySection{
		{"Handoff editor (keys are text here; ctrl+c quits)", all},
	}}
}

// previewKeys: the preview scrolls; esc or the preview key go back to the text.
func (e *editor) previewKeys() keyHelp {
	k := &e.m.keys
	back := withDesc(k.EdPreview, "back to editing")
	leave := withDesc(k.EdLeave, "back to editing")
	short := []key.Binding{withDesc(leave, "edit"), scrollHint(k), withDesc(k.EdPublish, "publish"), withDesc(k.Help, "help"), shortQuit(k),
		withDesc(k.EdRegenerate, "regenerate")}
	return keyHelp{short: short, sections: []keySection{
		{"Handoff preview", []key.Binding{leave, back, k.EdPublish, k.EdSave, k.EdRegenerate, k.Help, k.Quit}},
		{"Scroll", scrollBindings(k)},
	}}
}

// status is how far the preview is scrolled, for the footer.
func (e *editor) status() string {
	if e.phase != phasePreview {
		return ""
	}
	return scrollStatus(e.m.st, e.vp)
}

// wheel scrolls the preview (the text scrolls with its cursor).
func (e *editor) wheel(n int) {
	if e.phase == phasePreview {
		scrollBy(&e.vp, n)
	}
}

// syncPreview lays the draft out as Markdown when the text or the width changed since it
// was last (restyle forces it), keeping the scroll position as far as the text allows.
func (e *editor) syncPreview() {
	if e.phase != phasePreview {
		return
	}
	text, w := e.ta.Value(), e.vp.Width()
	if text == e.previewText && w == e.previewWidth {
		return
	}
	e.previewText, e.previewWidth = text, w
	e.vp.SetContent(markdown(text, e.m.st, w))
}

// cursor places the terminal's cursor in the textarea, below the editor's title and status.
func (e *editor) cursor() *tea.Cursor {
	if !e.typing() {
		return nil
	}
	c := e.ta.Cursor()
	if c != nil {
		c.Y += 2
	}
	return c
}
