package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

type ackMsg struct {
	ref model.IssueRef
	ack model.Acknowledgement
	err error
}

// acknowledge notes on a handoff that the user read it, once, after asking: the note is
// public. Your own handoff is not yours to acknowledge.
func (m *Model) acknowledge(ref model.IssueRef) tea.Cmd {
	me := m.me()
	for _, h := range m.snap.Handoffs {
		if h.IssueRef != ref {
			continue
		}
		switch {
		case h.Ack != nil && strings.EqualFold(h.Ack.Username, me):
			m.say("you already acknowledged this handoff")
			return nil
		case me != "" && strings.EqualFold(h.Author.Username, me):
			m.say("you wrote this handoff: the incoming engineer acknowledges it")
			return nil
		}
		lines := []string{m.st.Bold.Render(fmt.Sprintf("Acknowledge #%d?", ref.IID)), "", h.Title,
			fmt.Sprintf("A note on the issue: %q", model.AckNoteBody(orDash(me), m.opts.Clock()))}
		if me != "" && !h.AddressedTo(me) {
			lines = append(lines, m.st.Warn.Render("⚠ this handoff is not addressed to you"))
		}
		m.push(&dialog{m: m, lines: lines, choices: []choice{
			{withDesc(m.keys.Yes, "acknowledge"), func() tea.Cmd { return m.acknowledgeCmd(ref) }},
			{withDesc(m.keys.No, "cancel"), nil},
		}})
		return nil
	}
	m.say(keyOf(m.keys.Acknowledge) + " is for handoffs: select one in the Handoffs pane")
	return nil
}

func (m *Model) acknowledgeCmd(ref model.IssueRef) tea.Cmd {
	m.say(fmt.Sprintf("acknowledging #%d…", ref.IID))
	b, ctx, now := m.opts.Backend, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		ack, err := b.Acknowledge(ctx, ref, now)
		return ackMsg{ref: ref, ack: ack, err: err}
	}
}

// applyAck shows the acknowledgement in the Handoffs pane, or why it failed, and says
// whether it was made.
func (m *Model) applyAck(msg ackMsg) bool {
	if msg.err != nil {
		m.sayFailed("acknowledge failed: " + explain(msg.err))
		return false
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
	m.changed()
	m.say(fmt.Sprintf("acknowledged #%d", msg.ref.IID))
	return true
}
