package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// ShutdownMsg asks the program to stop now, as on a signal: the draft is written as it is
// on screen, to the last keystroke, before the program quits.
type ShutdownMsg struct{}

// messages of the handoff flow outside the editor
type (
	outboxMsg struct {
		report model.OutboxReport
		err    error
		// unchecked: why an earlier handoff of the shift could not be looked for
		unchecked error
	}
	flushTickMsg struct{ seq int } // only the latest scheduled one flushes
)

// currentHandoff is the rotation boundary the on-call engineer writes for now.
func (m *Model) currentHandoff() (key, title string) {
	cur := m.opts.Rotation.ShiftAt(m.now)
	next := m.opts.Rotation.NextShift(cur)
	return model.HandoffKey(cur, next), model.HandoffTitle(cur, next)
}

// openEditor shows the editor for the current shift: the saved draft if there is one,
// else a new draft that fills in as soon as GitLab answers.
func (m *Model) openEditor() tea.Cmd {
	k, title := m.currentHandoff()
	if m.editor != nil && m.editor.key == k {
		m.remove(m.editor)
		m.push(m.editor) // already open for this shift: keep everything as it is
		return nil
	}
	if m.editor != nil {
		m.remove(m.editor)
	}
	m.editor = newEditor(m, k, title)
	m.push(m.editor)
	return tea.Batch(m.loadDraftCmd(k), m.factsCmd())
}

func (m *Model) factsCmd() tea.Cmd {
	b, ctx, now := m.opts.Backend, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		f, err := b.HandoffFacts(ctx, now)
		return factsMsg{facts: f, at: now, err: err}
	}
}

func (m *Model) loadDraftCmd(k string) tea.Cmd {
	l := m.opts.Local
	return func() tea.Msg {
		text, saved, ok, err := l.LoadDraft(k)
		return draftLoadedMsg{key: k, text: text, saved: saved, ok: ok, err: err}
	}
}

func (m *Model) flushCmd() tea.Cmd {
	l, ctx, now := m.opts.Local, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		rep, err := l.Flush(ctx, now)
		return outboxMsg{report: rep, err: err}
	}
}

// handleHandoff handles the outbox, acknowledgements, and the draft found at start.
func (m *Model) handleHandoff(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case draftLoadedMsg:
		if m.editor != nil && m.editor.key == msg.key {
			return nil, false // the editor's
		}
		if k, _ := m.currentHandoff(); msg.ok && msg.key == k {
			m.hasDraft = true
		}
		return nil, true
	case outboxMsg:
		return m.applyOutbox(msg), true
	case existingHandoffMsg:
		m.askAboutExisting(msg)
		return nil, true
	case flushTickMsg:
		if msg.seq != m.flushSeq {
			return nil, true // replaced by an earlier one
		}
		m.flushAt = time.Time{}
		return m.flushCmd(), true
	case ackMsg:
		if m.applyAck(msg) {
			// as after a page's acknowledgement: a refresh in flight would undo it
			return m.refetch(model.SourceHandoffs), true
		}
		return nil, true
	}
	return nil, false
}

// publishDialog asks before publishing, and says where the handoff goes and to whom.
func (m *Model) publishDialog(e *editor) *dialog {
	st := m.st
	var assignees []string
	if e.facts != nil {
		for _, p := range []*model.Person{e.facts.Outgoing, e.facts.Incoming} {
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
	lines := []string{
		st.Bold.Render("Publish this handoff?"),
		"",
		"project       " + m.opts.HandoffProject,
		"title         " + e.title,
		"assigned to   " + strings.Join(assignees, ", "),
		"confidential  " + conf,
		"",
		"It goes through the outbox: if GitLab is down it waits on disk and is retried.",
	}
	var warn []string
	if e.factsErr != nil {
		warn = append(warn, "the facts could not be read ("+reasonOnly(e.factsErr.Error())+"): the draft says unknown there")
	}
	if !model.HumanWrote(e.ta.Value()) {
		warn = append(warn, "your sections (Context, Time-sensitive tasks, What to watch) are empty")
	}
	if ho := m.opts.Rotation.NextHandoff(m.now); ho.At.Sub(m.now) > time.Hour {
		warn = append(warn, fmt.Sprintf("the handoff is at %s UTC, in %s", ho.At.UTC().Format("15:04"), model.Countdown(ho.At.Sub(m.now))))
	}
	for _, w := range warn {
		lines = append(lines, st.Warn.Render("⚠ "+w))
	}
	return &dialog{m: m, lines: lines, choices: []choice{
		{withDesc(m.keys.Yes, "publish"), func() tea.Cmd { return e.publish(nil, true) }},
		{withDesc(m.keys.No, "back to the draft"), nil},
	}}
}

// existingHandoffMsg: the shift already has a handoff; the engineer decides.
type existingHandoffMsg struct {
	existing model.HandoffNote
	post     model.HandoffPost
}

// publish saves the draft, looks for a handoff of this shift already published (unless
// the engineer said to publish another), queues the handoff in the outbox (on disk) and
// tries to send it, in one command: each step only after the one before. A post with a
// target becomes a note on that issue.
func (e *editor) publish(target *model.IssueRef, check bool) tea.Cmd {
	m := e.m
	post := m.opts.Backend.NewHandoffPost(e.factsOrPlaceholder(), e.ta.Value(), m.opts.Clock())
	post.Target = target
	l, ctx, now, k, text := m.opts.Local, m.opts.Context, m.opts.Clock(), e.key, e.ta.Value()
	e.phase, e.dirty = phasePublishing, false
	return func() tea.Msg {
		if err := l.SaveDraft(k, text); err != nil {
			return savedMsg{key: k, err: err}
		}
		var unchecked error
		if check {
			existing, found, err := l.ExistingHandoff(ctx, post)
			if found {
				return existingHandoffMsg{existing: existing, post: post}
			}
			// Not knowing is no reason to keep the handoff from the outbox (the marker still
			// keeps a retry from posting twice): it is queued, and the engineer told.
			unchecked = err
		}
		if err := l.Submit(post); err != nil {
			return outboxMsg{err: err}
		}
		rep, err := l.Flush(ctx, now)
		return outboxMsg{report: rep, err: err, unchecked: unchecked}
	}
}

// askAboutExisting: the shift already has a handoff. Publish another, add this one as a
// note to it, or go back to the draft.
func (m *Model) askAboutExisting(msg existingHandoffMsg) {
	e := m.editor
	if e == nil {
		return
	}
	e.phase = phaseEditing
	h := m.opts.Rotation.NextHandoff(m.now)
	ex := msg.existing
	m.push(&dialog{m: m, lines: []string{
		m.st.Bold.Render(fmt.Sprintf("#%d already hands over %s → %s at %s.", ex.IID, h.From.Name, h.To.Name, h.At.UTC().Format("15:04"))),
		"",
		ex.Title,
		ex.WebURL,
	}, choices: []choice{
		{m.keys.Another, func() tea.Cmd { return e.publish(nil, false) }},
		{m.keys.AsNote, func() tea.Cmd { ref := ex.IssueRef; return e.publish(&ref, false) }},
		{withDesc(m.keys.No, "cancel"), nil},
	}})
}

// held is the first handoff held after a refusal that retrying would not mend, if any.
func (m *Model) held() *model.WaitingPost {
	for i := range m.outbox {
		if m.outbox[i].Held {
			return &m.outbox[i]
		}
	}
	return nil
}

// retryHeldCmd re-arms the held handoffs and tries the outbox now (P).
func (m *Model) retryHeldCmd() tea.Cmd {
	l, ctx, now := m.opts.Local, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		rep, err := l.Retry(ctx, now)
		return outboxMsg{report: rep, err: err}
	}
}

// applyOutbox shows what the outbox did and schedules the next retry.
func (m *Model) applyOutbox(msg outboxMsg) tea.Cmd {
	e := m.editor
	if msg.err != nil {
		m.sayFailed("outbox: " + msg.err.Error())
		if e != nil && e.phase == phasePublishing {
			e.phase = phaseEditing
		}
		return nil
	}
	var cmds []tea.Cmd
	m.outbox = msg.report.Waiting
	m.outboxWarnings = msg.report.Warnings
	if msg.unchecked != nil {
		m.outboxWarnings = append(m.outboxWarnings, "published without looking for an earlier handoff of this shift ("+reasonOnly(msg.unchecked.Error())+")")
	}
	if msg.report.Busy {
		m.say("another oncall is publishing the outbox; it is left to that one")
	}
	for _, p := range msg.report.Published {
		m.say("published " + p.Issue.WebURL)
		m.snap.Handoffs = append([]model.HandoffNote{p.Issue}, m.snap.Handoffs...)
		m.changed()
		if e != nil && e.key == p.Post.Key {
			m.closeEditor()
		}
		if k, _ := m.currentHandoff(); p.Post.Key == k {
			m.hasDraft = false
		}
		l, key := m.opts.Local, p.Post.Key
		cmds = append(cmds, func() tea.Msg { _ = l.DeleteDraft(key); return nothingMsg{} })
	}
	m.dash.follow()
	for _, w := range m.outbox {
		if e := m.editor; e != nil && e.phase == phasePublishing && w.Post.Key == e.key {
			// Queued on disk: the outbox owns this version now; the banner follows it.
			m.closeEditor()
			m.say("GitLab did not take the handoff; it waits in the outbox and is retried")
			if w.Held {
				m.sayFailed("GitLab refused the handoff: " + w.Hint)
			}
		}
	}
	if e := m.editor; e != nil && e.phase == phasePublishing {
		e.phase = phaseEditing
	}
	var next time.Time
	for _, w := range m.outbox {
		if !w.Held && (next.IsZero() || w.NextAttempt.Before(next)) { // a held post waits for P
			next = w.NextAttempt
		}
	}
	// One retry timer at a time: every answer of the outbox (at start, a publish, P) would
	// otherwise start a chain of its own.
	if at := m.opts.Clock().Add(max(time.Second, next.Sub(m.opts.Clock()))); !next.IsZero() && (m.flushAt.IsZero() || at.Before(m.flushAt)) {
		m.flushSeq++
		m.flushAt = at
		cmds = append(cmds, m.after(at.Sub(m.opts.Clock()), flushTickMsg{seq: m.flushSeq}))
	}
	if len(msg.report.Published) > 0 {
		cmds = append(cmds, m.refetch(model.SourceHandoffs))
	}
	return tea.Batch(cmds...)
}

// closeEditor drops the editor: its handoff is published or owned by the outbox.
func (m *Model) closeEditor() {
	if m.editor != nil {
		m.remove(m.editor)
		m.editor = nil
	}
}

// quitting reports whether the quit question is showing.
func (m *Model) quitting() bool {
	d, ok := m.top().(*dialog)
	return ok && d.quit
}

// quit leaves, unless an unpublished handoff draft would be left behind: then it asks.
func (m *Model) quit() tea.Cmd {
	e := m.editor
	if !m.hasDraft && (e == nil || !e.typed) {
		return m.leave()
	}
	what, then := "Your handoff draft for this shift is not published.", "The draft is saved, and oncall offers it again next time."
	if m.publishedThisShift() {
		what = "You have a second handoff draft for this shift, not published (the shift's handoff is)."
	}
	k, _ := m.currentHandoff()
	for _, w := range m.outbox {
		if w.Post.Key == k {
			what = "Your handoff for this shift is NOT delivered: it waits in the outbox."
			then = "Keep oncall open, or run `oncall handoff --retry`, so that it is sent."
		}
	}
	d := &dialog{m: m, quit: true, lines: []string{
		m.st.Bold.Render(what), "", then,
	}, choices: []choice{
		{withDesc(m.keys.Yes, "quit anyway"), m.leave},
		{withDesc(m.keys.No, "stay"), nil},
	}}
	m.push(d)
	if e != nil && e.dirty && e.loaded() {
		return e.saveCmd(nil)
	}
	return nil
}

// shutdown writes the draft as it is on screen, on the UI goroutine (the program is about
// to end: there is no later), and quits.
func (m *Model) shutdown() tea.Cmd {
	if m.editor != nil {
		m.editor.saveNow()
	}
	return m.leave()
}
