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
		status = append(status, st.Bad.Render("facts: "+e.factsErr.Error()+" (ctrl+r retries)"))
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
	preview := k.EdPreview
	if e.phase == phasePreview {
		preview = withDesc(preview, "back to editing")
	}
	all := []key.Binding{k.EdLeave, k.EdPublish, k.EdSave, k.EdRegenerate, preview, k.EdExternal}
	short := []key.Binding{withDesc(k.EdLeave, "leave"), withDesc(k.EdPublish, "publish"), withDesc(k.EdSave, "save"),
		withDesc(k.EdRegenerate, "regenerate"), withDesc(preview, "preview"), withDesc(k.EdExternal, "$EDITOR")}
	return keyHelp{short: short, sections: []keySection{
		{"Handoff editor (keys are text here; ctrl+c quits)", all},
	}}
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
