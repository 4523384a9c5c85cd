package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// defaultAutosaveDelay bounds how far the file on disk lags behind the editor: the first
// unsaved edit schedules a save this much later, and edits meanwhile ride along with it.
const defaultAutosaveDelay = 800 * time.Millisecond

// editor is the handoff editor: a textarea holding the Markdown draft, autosaved.
type editor struct {
	key      string // model.HandoffKey of the shift being handed over
	title    string
	facts    *model.HandoffFacts // nil until GitLab answered
	factsErr error
	loaded   bool // the saved draft (if any) has been read
	ta       textarea.Model
	preview  bool
	vp       viewport.Model

	dirty       bool // edits not yet on disk
	saving      bool // an autosave is scheduled
	savedAt     time.Time
	saveErr     error
	restored    time.Time     // when the restored draft was saved
	restoredAgo time.Duration // how long before opening
	typed       bool          // the human edited the text since the editor opened
	reloading   bool          // reading the draft back after $EDITOR
	regenerate  bool          // the facts on their way replace the generated part
	confirm     bool          // the publish confirmation is showing
	publishing  bool
}

// messages of the handoff flow
type (
	factsMsg struct {
		facts model.HandoffFacts
		err   error
	}
	draftLoadedMsg struct {
		key   string
		text  string
		saved time.Time
		ok    bool
		err   error
	}
	autosaveMsg   struct{}
	savedMsg      struct{ err error }
	editorDoneMsg struct{ err error }
	outboxMsg     struct {
		report model.OutboxReport
		err    error
	}
	flushTickMsg struct{}
	ackMsg       struct {
		ref model.IssueRef
		ack model.Acknowledgement
		err error
	}
)

func newTextarea() textarea.Model {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.CharLimit = 0 // no limit: a handoff after a long shift is long
	ta.MaxHeight = 0
	ta.KeyMap.LineEnd = key.NewBinding(key.WithKeys("end")) // ctrl+e opens $EDITOR
	ta.SetVirtualCursor(false)                              // the terminal's own cursor: no blink timers
	ta.Focus()
	return ta
}

// currentHandoff is the rotation boundary the on-call engineer writes for now.
func (m *Model) currentHandoff() (key, title string) {
	cur := m.opts.Rotation.ShiftAt(m.now)
	next := m.opts.Rotation.NextShift(cur)
	return model.HandoffKey(cur, next), model.HandoffTitle(cur, next)
}

// openEditor shows the editor for the current shift: the saved draft if there is one,
// else a new draft that fills in as soon as GitLab answers.
func (m *Model) openEditor() tea.Cmd {
	m.mode = modeHandoff
	k, title := m.currentHandoff()
	if m.ed != nil && m.ed.key == k {
		return nil // already open for this shift: keep everything as it is
	}
	m.ed = &editor{key: k, title: title, ta: newTextarea()}
	m.layoutEditor()
	return tea.Batch(m.loadDraftCmd(k), m.factsCmd())
}

func (m *Model) factsCmd() tea.Cmd {
	b, now := m.opts.Backend, m.opts.Clock()
	return func() tea.Msg {
		f, err := b.HandoffFacts(context.Background(), now)
		return factsMsg{facts: f, err: err}
	}
}

func (m *Model) loadDraftCmd(k string) tea.Cmd {
	d := m.opts.Drafts
	return func() tea.Msg {
		text, saved, ok, err := d.LoadDraft(k)
		return draftLoadedMsg{key: k, text: text, saved: saved, ok: ok, err: err}
	}
}

func (m *Model) saveCmd() tea.Cmd {
	d, k, text := m.opts.Drafts, m.ed.key, m.ed.ta.Value()
	m.ed.dirty = false
	return func() tea.Msg { return savedMsg{err: d.SaveDraft(k, text)} }
}

func (m *Model) flushCmd() tea.Cmd {
	d, now := m.opts.Drafts, m.opts.Clock()
	return func() tea.Msg {
		rep, err := d.Flush(context.Background(), now)
		return outboxMsg{report: rep, err: err}
	}
}

// layoutEditor sizes the textarea and preview to the body.
func (m *Model) layoutEditor() {
	if m.ed == nil {
		return
	}
	w, h := m.detailSize()
	m.ed.ta.SetWidth(w)
	m.ed.ta.SetHeight(max(1, h-2))
	m.ed.vp.SetWidth(w)
	m.ed.vp.SetHeight(max(1, h-2))
	m.ed.ta, _ = m.ed.ta.Update(nil) // re-scroll to the cursor at the new size
}

// updateHandoff handles the messages of the handoff flow; ok is false for other messages.
func (m *Model) updateHandoff(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	ed := m.ed
	switch msg := msg.(type) {
	case draftLoadedMsg:
		if ed == nil || msg.key != ed.key {
			return nil, true
		}
		ed.loaded = true
		if msg.err != nil {
			ed.saveErr = msg.err
		}
		typed := ed.ta.Value() // keys pressed before the draft was read are text too
		switch {
		case msg.ok && ed.typed:
			ed.ta.SetValue(strings.TrimRight(msg.text, "\n") + "\n\n" + typed)
			ed.ta.MoveToEnd()
		case msg.ok:
			ed.ta.SetValue(msg.text)
			toHumanPart(&ed.ta)
		case ed.typed:
			setKeepingCursor(&ed.ta, model.RegenerateHandoff(m.factsOrPlaceholder(), typed))
		default:
			ed.ta.SetValue(model.DraftHandoff(m.factsOrPlaceholder()))
			toHumanPart(&ed.ta)
		}
		if msg.ok && ed.reloading {
			ed.reloading = false
			m.say("reloaded the draft from $EDITOR")
		} else if msg.ok {
			ed.restored = msg.saved
			ed.restoredAgo = time.Since(msg.saved) // the file's time is the wall clock's, not --now's
			m.hasDraft = true
		}
		if ed.typed {
			return m.markEdited(), true
		}
		return nil, true
	case factsMsg:
		if ed == nil {
			return nil, true
		}
		regenerate := ed.regenerate
		ed.regenerate = false
		if msg.err != nil {
			ed.factsErr = msg.err
			return nil, true
		}
		f := msg.facts
		f.Local = m.opts.Local
		ed.facts, ed.factsErr = &f, nil
		// A draft restored from disk is the human's: only ctrl+r changes it. A new draft
		// (shown with placeholders while GitLab answered) gets the facts now, keeping
		// whatever the human already typed below the marker.
		if ed.loaded && (ed.restored.IsZero() || regenerate) {
			next := model.RegenerateHandoff(f, ed.ta.Value())
			if ed.typed || !ed.restored.IsZero() {
				setKeepingCursor(&ed.ta, next) // the human may be mid-sentence
				return m.markEdited(), true
			}
			ed.ta.SetValue(next)
			toHumanPart(&ed.ta)
		}
		return nil, true
	case autosaveMsg:
		if ed == nil {
			return nil, true
		}
		if !ed.loaded {
			// Saving now would overwrite a draft on disk that is not read yet.
			return tea.Tick(m.opts.AutosaveDelay, func(time.Time) tea.Msg { return autosaveMsg{} }), true
		}
		ed.saving = false
		if ed.dirty {
			return m.saveCmd(), true
		}
		return nil, true
	case savedMsg:
		if ed != nil {
			ed.saveErr = msg.err
			if msg.err == nil {
				ed.savedAt = m.opts.Clock()
				m.hasDraft = true
			} else {
				ed.dirty = true // try again with the next edit or ctrl+s
			}
		}
		return nil, true
	case editorDoneMsg:
		if ed == nil {
			return nil, true
		}
		if msg.err != nil {
			m.say("$EDITOR failed: " + msg.err.Error())
		}
		ed.reloading, ed.typed = true, false
		return m.loadDraftCmd(ed.key), true
	case outboxMsg:
		return m.applyOutbox(msg), true
	case flushTickMsg:
		return m.flushCmd(), true
	case ackMsg:
		if msg.err != nil {
			m.say("acknowledge failed: " + msg.err.Error())
			return nil, true
		}
		// A new slice: a cache write may be reading the old one.
		hs := append([]model.HandoffNote(nil), m.snap.Handoffs...)
		for i := range hs {
			if hs[i].IssueRef == msg.ref {
				ack := msg.ack
				hs[i].Ack = &ack
			}
		}
		m.snap.Handoffs = hs
		m.say(fmt.Sprintf("acknowledged #%d", msg.ref.IID))
		return nil, true
	}
	return nil, false
}

// toHumanPart puts the cursor where the human writes: the line after the first heading
// below the marker (Context), or the top when there is no marker.
func toHumanPart(ta *textarea.Model) {
	lines := strings.Split(ta.Value(), "\n")
	target := 0
	for i, l := range lines {
		if strings.Contains(l, model.HumanMarker) {
			target = i
			for j := i + 1; j < len(lines); j++ {
				if strings.HasPrefix(lines[j], "## ") {
					target = j + 1
					break
				}
			}
			break
		}
	}
	moveToLine(ta, target)
}

// moveToLine puts the cursor on logical line target and scrolls the textarea to it. (The
// textarea refreshes its viewport only in Update, hence the empty update.)
func moveToLine(ta *textarea.Model, target int) {
	ta.MoveToBegin()
	for steps := 0; ta.Line() < target && steps < 100_000; steps++ {
		ta.CursorDown()
	}
	*ta, _ = ta.Update(nil)
}

// setKeepingCursor replaces the text and keeps the cursor on the same line counted from the
// end, and the same column: the generated part above changes, the human's below does not.
func setKeepingCursor(ta *textarea.Model, text string) {
	fromEnd := strings.Count(ta.Value(), "\n") - ta.Line()
	col := ta.Column()
	ta.SetValue(text)
	moveToLine(ta, max(0, strings.Count(text, "\n")-fromEnd))
	ta.SetCursorColumn(col)
}

// factsOrPlaceholder is the facts when known, else an empty shift that says it is waiting.
func (m *Model) factsOrPlaceholder() model.HandoffFacts {
	if m.ed != nil && m.ed.facts != nil {
		return *m.ed.facts
	}
	cur := m.opts.Rotation.ShiftAt(m.now)
	return model.HandoffFacts{Shift: cur, Next: m.opts.Rotation.NextShift(cur), Local: m.opts.Local,
		Warnings: []string{"waiting for GitLab and PagerDuty; the facts fill in when they answer."}}
}

// markEdited notes an edit and schedules an autosave unless one is pending.
func (m *Model) markEdited() tea.Cmd {
	m.ed.dirty = true
	m.ed.typed = true
	if m.ed.saving {
		return nil
	}
	m.ed.saving = true
	return tea.Tick(m.opts.AutosaveDelay, func(time.Time) tea.Msg { return autosaveMsg{} })
}

// applyOutbox shows what the outbox did and schedules the next retry.
func (m *Model) applyOutbox(msg outboxMsg) tea.Cmd {
	var cmds []tea.Cmd
	if msg.err != nil {
		m.say("outbox: " + msg.err.Error())
		return nil
	}
	m.outbox = msg.report.Waiting
	for _, p := range msg.report.Published {
		m.say("published " + p.Issue.WebURL)
		m.snap.Handoffs = append([]model.HandoffNote{p.Issue}, m.snap.Handoffs...)
		m.syncSelection()
		if m.ed != nil && m.ed.key == p.Post.Key {
			m.ed.publishing = false
			m.ed = nil
			if m.mode == modeHandoff {
				m.mode = modeDashboard
			}
		}
		k, _ := m.currentHandoff()
		if p.Post.Key == k {
			m.hasDraft = false
		}
		d, key := m.opts.Drafts, p.Post.Key
		cmds = append(cmds, func() tea.Msg { _ = d.DeleteDraft(key); return nil })
	}
	for _, w := range m.outbox {
		if m.ed != nil && m.ed.publishing && w.Post.Key == m.ed.key {
			// Queued on disk: the outbox owns this version now; the banner follows it.
			m.ed = nil
			if m.mode == modeHandoff {
				m.mode = modeDashboard
			}
			m.say("GitLab did not take the handoff; it waits in the outbox and is retried")
		}
	}
	if m.ed != nil {
		m.ed.publishing = false
	}
	if len(m.outbox) > 0 {
		next := m.outbox[0].NextAttempt
		for _, w := range m.outbox {
			if w.NextAttempt.Before(next) {
				next = w.NextAttempt
			}
		}
		wait := max(time.Second, next.Sub(m.opts.Clock()))
		cmds = append(cmds, tea.Tick(wait, func(time.Time) tea.Msg { return flushTickMsg{} }))
	}
	if len(msg.report.Published) > 0 {
		cmds = append(cmds, m.refetch(model.SourceHandoffs))
	}
	return tea.Batch(cmds...)
}

// handleEditorKey routes keys in the editor: its own bindings, then the textarea.
func (m *Model) handleEditorKey(msg tea.KeyPressMsg) tea.Cmd {
	ed, k := m.ed, m.keys
	if ed.confirm {
		switch msg.String() {
		case "y", "Y":
			ed.confirm, ed.publishing = false, true
			return m.publishCmd()
		case "n", "N", "esc":
			ed.confirm = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.EdLeave):
		m.mode = modeDashboard
		if ed.dirty && ed.loaded {
			return m.saveCmd()
		}
		return nil
	case key.Matches(msg, k.EdSave):
		if !ed.loaded {
			return nil
		}
		return m.saveCmd()
	case key.Matches(msg, k.EdRegenerate):
		ed.regenerate = true
		m.say("regenerating the facts; your notes stay")
		return m.factsCmd()
	case key.Matches(msg, k.EdPreview):
		ed.preview = !ed.preview
		if ed.preview {
			ed.vp.SetContent(markdown(ed.ta.Value(), m.st, ed.vp.Width()))
		}
		return nil
	case key.Matches(msg, k.EdExternal):
		if !ed.loaded {
			return nil
		}
		return m.externalEditorCmd()
	case key.Matches(msg, k.EdPublish):
		if ed.publishing || !ed.loaded {
			return nil
		}
		ed.confirm = true
		return nil
	}
	if ed.preview {
		var cmd tea.Cmd
		ed.vp, cmd = ed.vp.Update(msg)
		return cmd
	}
	return m.editText(msg)
}

// editText gives a key or paste to the textarea and autosaves when the text changed.
func (m *Model) editText(msg tea.Msg) tea.Cmd {
	before := m.ed.ta.Value()
	var cmd tea.Cmd
	m.ed.ta, cmd = m.ed.ta.Update(msg)
	if m.ed.ta.Value() != before {
		return tea.Batch(cmd, m.markEdited())
	}
	return cmd
}

// externalEditorCmd saves the draft, runs $EDITOR on its file, then reloads it.
func (m *Model) externalEditorCmd() tea.Cmd {
	editorCmd := os.Getenv("VISUAL")
	if editorCmd == "" {
		editorCmd = os.Getenv("EDITOR")
	}
	if editorCmd == "" {
		editorCmd = "vi"
	}
	args := strings.Fields(editorCmd)
	args = append(args, m.opts.Drafts.DraftPath(m.ed.key))
	c := exec.Command(args[0], args[1:]...)
	return tea.Sequence(m.saveCmd(), tea.ExecProcess(c, func(err error) tea.Msg { return editorDoneMsg{err: err} }))
}

// publishCmd saves, queues the handoff in the outbox (on disk), and tries to send it.
func (m *Model) publishCmd() tea.Cmd {
	post := m.opts.Backend.NewHandoffPost(m.factsOrPlaceholder(), m.ed.ta.Value(), m.opts.Clock())
	d, now := m.opts.Drafts, m.opts.Clock()
	save := m.saveCmd()
	return tea.Sequence(save, func() tea.Msg {
		if err := d.Submit(post); err != nil {
			return outboxMsg{err: err}
		}
		rep, err := d.Flush(context.Background(), now)
		return outboxMsg{report: rep, err: err}
	})
}

// acknowledgeCmd notes on the selected handoff that the user read it.
func (m *Model) acknowledgeCmd(ref model.IssueRef) tea.Cmd {
	b, now := m.opts.Backend, m.opts.Clock()
	return func() tea.Msg {
		ack, err := b.Acknowledge(context.Background(), ref, now)
		return ackMsg{ref: ref, ack: ack, err: err}
	}
}

// editorView draws the editor, its status line, and the publish confirmation.
func (m *Model) editorView(width, height int) []string {
	st, ed := m.st, m.ed
	head := st.Rule.Render("━ ") + st.TitleActive.Render("Handoff: "+ed.title)
	var status []string
	switch {
	case !ed.loaded:
		status = append(status, "loading the draft…")
	case !ed.restored.IsZero():
		status = append(status, "restored your draft, last saved "+model.Ago(time.Now(), time.Now().Add(-ed.restoredAgo))+" ago")
	}
	switch {
	case ed.saveErr != nil:
		status = append(status, st.Bad.Render("not saved: "+ed.saveErr.Error()))
	case ed.dirty:
		status = append(status, "editing…")
	case !ed.savedAt.IsZero():
		status = append(status, "saved "+ed.savedAt.In(m.opts.Local).Format("15:04:05"))
	}
	switch {
	case ed.factsErr != nil:
		status = append(status, st.Bad.Render("facts: "+ed.factsErr.Error()+" (ctrl+r retries)"))
	case ed.facts == nil:
		status = append(status, "gathering the shift's facts…")
	}
	if ed.publishing {
		status = append(status, st.Warn.Render("publishing…"))
	}
	for _, w := range m.outbox {
		if w.Post.Key == ed.key {
			status = append(status, st.Warn.Render("a version of this handoff waits in the outbox"))
			break
		}
	}
	lines := []string{fit(head, width), st.Muted.Render(fit(strings.Join(status, " · "), width))}
	switch {
	case ed.confirm:
		lines = append(lines, m.confirmView(width)...)
	case ed.preview:
		lines = append(lines, strings.Split(ed.vp.View(), "\n")...)
	default:
		lines = append(lines, strings.Split(ed.ta.View(), "\n")...)
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	return lines
}

func (m *Model) confirmView(width int) []string {
	st, ed := m.st, m.ed
	var assignees []string
	if ed.facts != nil {
		for _, p := range []*model.Person{ed.facts.Outgoing, ed.facts.Incoming} {
			switch {
			case p == nil:
			case p.Username != "":
				assignees = append(assignees, "@"+p.Username)
			default:
				assignees = append(assignees, p.Display()+" (no GitLab user in people:)")
			}
		}
	}
	if len(assignees) == 0 {
		assignees = []string{"nobody (PagerDuty or the people map did not say who)"}
	}
	conf := "no"
	if m.opts.Confidential {
		conf = "yes"
	}
	out := []string{
		"",
		"  " + st.Bold.Render("Publish this handoff?"),
		"",
		"  project       " + m.opts.HandoffProject,
		"  title         " + ed.title,
		"  assigned to   " + strings.Join(assignees, ", "),
		"  confidential  " + conf,
		"",
		"  It goes through the outbox: if GitLab is down it waits on disk and is retried.",
		"",
		"  " + st.Key.Render("y") + " publish   " + st.Key.Render("n") + " back to the draft",
	}
	for i := range out {
		out[i] = fit(out[i], width)
	}
	return out
}

// editorCursor places the terminal's cursor in the textarea, below the header and the
// editor's title and status lines.
func (m *Model) editorCursor() *tea.Cursor {
	if m.mode != modeHandoff || m.ed == nil || m.ed.preview || m.ed.confirm {
		return nil
	}
	c := m.ed.ta.Cursor()
	if c != nil {
		c.Y += m.headerHeight() + 2
	}
	return c
}
