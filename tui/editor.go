package tui

import (
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

// editorPhase is what the handoff editor is doing.
type editorPhase int

const (
	phaseLoading    editorPhase = iota // reading the saved draft; keys typed meanwhile are kept
	phaseEditing                       // the human types
	phasePreview                       // the draft rendered as Markdown
	phaseExternal                      // $VISUAL runs on the draft's file, or it is read back
	phasePublishing                    // in the outbox; the first attempt's answer is awaited
)

// editor is the handoff editor: a textarea holding the Markdown draft of one shift's
// handoff, autosaved. It lives on when the human leaves it, until the handoff is published.
type editor struct {
	m     *Model
	key   string // model.HandoffKey of the shift being handed over
	title string
	phase editorPhase
	ta    textarea.Model
	vp    viewport.Model // the preview
	// previewText and previewWidth are what the preview was laid out from
	previewText  string
	previewWidth int

	facts        *model.HandoffFacts // nil until GitLab answered
	factsAt      time.Time           // when facts were gathered
	factsErr     error
	regenerating bool // ctrl+r: the facts on their way replace the generated part
	// textFactsAt is when the facts in the text were gathered (see draft_facts.go); zero
	// while they are placeholders, or for a draft from disk that does not say
	textFactsAt time.Time

	dirty     bool // edits not yet on disk
	scheduled bool // an autosave is scheduled
	savedAt   time.Time
	saveErr   error
	restored  time.Time // when the draft restored from disk was saved; zero for a new draft
	typed     bool      // the human edited the text since the editor opened
}

// messages of the editor
type (
	factsMsg struct {
		facts model.HandoffFacts
		at    time.Time // when they were asked for
		err   error
	}
	draftLoadedMsg struct {
		key   string
		text  string
		saved time.Time
		ok    bool
		err   error
	}
	autosaveMsg struct{ key string }
	savedMsg    struct {
		key  string
		err  error
		then tea.Cmd // what to do once the draft is on disk
	}
	externalDoneMsg struct{ err error }
)

func newEditor(m *Model, key, title string) *editor {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.CharLimit = 0 // no limit: a handoff after a long shift is long
	ta.MaxHeight = 0
	ta.KeyMap.LineEnd = textareaLineEnd // ctrl+e opens $EDITOR
	ta.SetVirtualCursor(false)          // the terminal's own cursor: no blink timers
	ta.Focus()
	e := &editor{m: m, key: key, title: title, ta: ta, vp: viewport.New()}
	e.resize(m.bodySize())
	return e
}

var textareaLineEnd = key.NewBinding(key.WithKeys("end"))

func (e *editor) loaded() bool { return e.phase != phaseLoading }

func (e *editor) typing() bool { return e.phase == phaseLoading || e.phase == phaseEditing }

// resize sizes the textarea and the preview to the body, below the title and status lines,
// and scrolls so that the window is full: as much of the text above the cursor as fits.
func (e *editor) resize(width, height int) {
	e.ta.SetWidth(width)
	e.ta.SetHeight(max(1, height-2))
	e.vp.SetWidth(width)
	e.vp.SetHeight(max(1, height-2))
	fillFromEnd(&e.ta)
	e.syncPreview()
}

// restyle lays the preview out again in the new theme's colours.
func (e *editor) restyle() {
	e.previewText = ""
	e.syncPreview()
}

// handle takes the editor's own messages, wherever the editor is on the stack.
func (e *editor) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case draftLoadedMsg:
		if msg.key != e.key {
			return nil, false
		}
		return e.draftLoaded(msg), true
	case factsMsg:
		return e.factsArrived(msg), true
	case autosaveMsg:
		if msg.key != e.key {
			return nil, true
		}
		e.scheduled = false
		if e.dirty {
			return e.saveCmd(nil), true
		}
		return nil, true
	case savedMsg:
		if msg.key != e.key {
			return nil, true
		}
		e.saveErr = msg.err
		if msg.err != nil {
			e.dirty = true // try again with the next edit or ctrl+s
			if e.phase == phaseExternal {
				e.phase = phaseEditing
			}
			return nil, true
		}
		e.savedAt = e.m.opts.Clock()
		e.m.hasDraft = true
		return msg.then, true
	case externalDoneMsg:
		if msg.err != nil {
			e.m.sayFailed("$EDITOR failed: " + msg.err.Error())
		}
		return e.m.loadDraftCmd(e.key), true
	}
	return nil, false
}

// draftLoaded puts the saved draft (or a new one) in the textarea. Keys typed before the
// draft was read are text too and are kept below it.
func (e *editor) draftLoaded(msg draftLoadedMsg) tea.Cmd {
	if msg.err != nil {
		e.saveErr = msg.err
	}
	if e.phase != phaseLoading && e.phase != phaseExternal {
		return nil // a second read of the draft (the dashboard's, at start): the first is in
	}
	if e.phase == phaseExternal {
		e.phase = phaseEditing
		if msg.ok {
			setKeepingCursor(&e.ta, msg.text)
			e.readFactsDate(msg.text)
			e.typed = true
			e.m.say("reloaded the draft from $EDITOR")
		}
		return nil
	}
	e.phase = phaseEditing
	typed := e.ta.Value()
	switch {
	case msg.ok && e.typed:
		e.ta.SetValue(strings.TrimRight(msg.text, "\n") + "\n\n" + typed)
		e.ta.MoveToEnd()
		e.readFactsDate(msg.text)
	case msg.ok:
		e.ta.SetValue(msg.text)
		toHumanPart(&e.ta)
		e.readFactsDate(msg.text)
	case e.typed:
		setKeepingCursor(&e.ta, e.drafted(typed))
	default:
		e.ta.SetValue(e.drafted(""))
		toHumanPart(&e.ta)
	}
	if msg.ok {
		e.restored = msg.saved
		e.m.hasDraft = true
	}
	if e.typed {
		return e.edited()
	}
	return nil
}

// factsArrived fills the generated part. A draft restored from disk is the human's: only
// ctrl+r changes it. A new draft (shown with placeholders while GitLab answered) gets the
// facts now, keeping whatever the human already typed below the marker. The answer to a
// ctrl+r is said in the footer: refreshed, or why not.
func (e *editor) factsArrived(msg factsMsg) tea.Cmd {
	regenerate := e.regenerating
	e.regenerating = false
	if msg.err != nil {
		e.factsErr = msg.err
		if regenerate {
			e.m.sayFailed("facts not refreshed: " + explain(msg.err))
		}
		return nil
	}
	f := msg.facts
	f.Local = e.m.opts.Zone
	e.facts, e.factsAt, e.factsErr = &f, msg.at, nil
	if regenerate {
		e.m.say("facts refreshed; your notes stay as they were")
	}
	if !e.loaded() || (!e.restored.IsZero() && !regenerate) {
		return nil
	}
	next := e.drafted(e.ta.Value())
	if e.typed || !e.restored.IsZero() {
		setKeepingCursor(&e.ta, next) // the human may be mid-sentence
		return e.edited()
	}
	e.ta.SetValue(next)
	toHumanPart(&e.ta)
	return nil
}

// factsOrPlaceholder is the facts when known, else an empty shift that says it is waiting.
func (e *editor) factsOrPlaceholder() model.HandoffFacts {
	if e.facts != nil {
		return *e.facts
	}
	rot := e.m.opts.Rotation
	cur := rot.ShiftAt(e.m.now)
	return model.HandoffFacts{Shift: cur, Next: rot.NextShift(cur), Local: e.m.opts.Zone, GitLabUnknown: true, PagesUnknown: true,
		Warnings: []string{"waiting for GitLab and PagerDuty; the facts fill in when they answer."}}
}

// edited notes an edit and schedules an autosave unless one is pending: the draft on disk
// is never more than the autosave delay behind.
func (e *editor) edited() tea.Cmd {
	e.dirty, e.typed = true, true
	if e.scheduled || !e.loaded() {
		return nil // a draft not read yet must not be overwritten; it is saved once read
	}
	e.scheduled = true
	return e.m.after(e.m.opts.AutosaveDelay, autosaveMsg{key: e.key})
}

// saveCmd writes the draft as it is now, then runs then.
func (e *editor) saveCmd(then tea.Cmd) tea.Cmd {
	l, k, text := e.m.opts.Local, e.key, e.ta.Value()
	e.dirty = false
	return func() tea.Msg { return savedMsg{key: k, err: l.SaveDraft(k, text), then: then} }
}

// saveNow writes the draft on the UI goroutine. Only for leaving on a signal: the program
// is about to exit and every keystroke must be on disk first.
func (e *editor) saveNow() {
	if e.loaded() && e.dirty {
		if err := e.m.opts.Local.SaveDraft(e.key, e.ta.Value()); err == nil {
			e.dirty = false
		}
	}
}

func (e *editor) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return e.onKey(msg)
	case tea.PasteMsg:
		if e.typing() {
			return e.editText(msg)
		}
		return nil
	}
	if e.typing() {
		var cmd tea.Cmd
		e.ta, cmd = e.ta.Update(msg) // textarea internals
		return cmd
	}
	return nil
}

// key routes keys in the editor: its own bindings, then the textarea (q is text here).
func (e *editor) onKey(msg tea.KeyPressMsg) tea.Cmd {
	m, k := e.m, &e.m.keys
	switch {
	case key.Matches(msg, k.EdLeave):
		if e.phase == phasePreview {
			e.phase = phaseEditing
			return nil
		}
		m.remove(e)
		if e.dirty && e.loaded() {
			return e.saveCmd(nil)
		}
		return nil
	case key.Matches(msg, k.EdSave):
		if !e.loaded() {
			return nil
		}
		return e.saveCmd(nil)
	case key.Matches(msg, k.EdRegenerate):
		if !e.loaded() {
			m.say("the draft is still being read")
			return nil
		}
		e.regenerating = true
		m.say("regenerating the facts; your notes stay")
		return m.factsCmd()
	case key.Matches(msg, k.EdPreview):
		switch e.phase {
		case phaseEditing:
			e.phase = phasePreview
			e.syncPreview()
		case phasePreview:
			e.phase = phaseEditing
		}
		return nil
	case key.Matches(msg, k.EdExternal):
		if e.phase != phaseEditing {
			return nil
		}
		return e.external()
	case key.Matches(msg, k.EdPublish):
		switch {
		case e.phase == phaseLoading:
			m.say("the draft is still being read")
		case e.phase != phaseEditing && e.phase != phasePreview:
		case e.facts == nil && e.factsErr == nil:
			m.say("the shift's facts are still being gathered: publish once they are in (the status line says so)")
		default:
			m.push(m.publishDialog(e))
		}
		return nil
	}
	switch e.phase {
	case phasePreview:
		scrollKey(&e.vp, msg, k)
		return nil
	case phaseLoading, phaseEditing:
		return e.editText(msg)
	}
	return nil
}

// editText gives a key or paste to the textarea and autosaves when the text changed.
func (e *editor) editText(msg tea.Msg) tea.Cmd {
	before := e.ta.Value()
	var cmd tea.Cmd
	e.ta, cmd = e.ta.Update(msg)
	if e.ta.Value() != before {
		return tea.Batch(cmd, e.edited())
	}
	return cmd
}

// external saves the draft, runs $VISUAL (else $EDITOR, else vi) on its file, then reads it
// back.
func (e *editor) external() tea.Cmd {
	cmdline := os.Getenv("VISUAL")
	if cmdline == "" {
		cmdline = os.Getenv("EDITOR")
	}
	if cmdline == "" {
		cmdline = "vi"
	}
	// As git runs it: through the shell, which finds it in $PATH (in the child, not on the
	// UI goroutine) and reads its arguments ("code --wait").
	c := exec.Command("/bin/sh", "-c", cmdline+` "$@"`, "sh", e.m.opts.Local.DraftPath(e.key))
	e.phase = phaseExternal
	return e.saveCmd(tea.ExecProcess(c, func(err error) tea.Msg { return externalDoneMsg{err: err} }))
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

// fillFromEnd scrolls so that the end of the text is at the bottom of the window (no blank
// rows under it after the window grew), keeping the cursor where it was and in view.
func fillFromEnd(ta *textarea.Model) {
	line, col := ta.Line(), ta.Column()
	ta.MoveToBegin() // the textarea scrolls only to follow the cursor: from the top,
	ta.MoveToEnd()   // then to the end, puts the end on the last row
	for steps := 0; ta.Line() > line && steps < 100_000; steps++ {
		ta.CursorUp()
	}
	ta.SetCursorColumn(col)
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
