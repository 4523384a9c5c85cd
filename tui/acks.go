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

// acknowledge notes on a handoff that the user read it, once.
func (m *Model) acknowledge(ref model.IssueRef) tea.Cmd {
	for _, h := range m.snap.Handoffs {
		if h.IssueRef != ref {
			continue
		}
		if h.Ack != nil && strings.EqualFold(h.Ack.Username, m.me()) {
			m.say("you already acknowledged this handoff")
			return nil
		}
		m.say(fmt.Sprintf("acknowledging #%d…", ref.IID))
		b, ctx, now := m.opts.Backend, m.opts.Context, m.opts.Clock()
		return func() tea.Msg {
			ack, err := b.Acknowledge(ctx, ref, now)
			return ackMsg{ref: ref, ack: ack, err: err}
		}
	}
	m.say("a is for handoffs: select one in the Handoffs pane")
	return nil
}

// applyAck shows the acknowledgement in the Handoffs pane, or why it failed.
func (m *Model) applyAck(msg ackMsg) {
	if msg.err != nil {
		m.sayFailed("acknowledge failed: " + explain(msg.err))
		return
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
}
