package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// showHealthLine: on a short screen the health line is left out while every source is
// fresh (the footer's "updated" says so); it comes back as soon as one is not.
func (m *Model) showHealthLine() bool {
	if m.height >= 30 || len(m.warnings()) > 0 {
		return true
	}
	now := m.opts.Clock()
	for _, id := range m.opts.Backend.Sources() {
		h := m.snap.Health[id]
		if h.Failing() || h.LastSuccess.IsZero() || m.source(id).fromCache || now.Sub(h.LastSuccess) > 2*m.opts.Refresh {
			return true
		}
	}
	return false
}

// healthLine shows each source as fresh (✓), stale (◷ with its age) or failing (✗ with the
// reason and the next retry).
func (m *Model) healthLine() string {
	st, now := m.st, m.opts.Clock()
	// Failing sources first, then stale, then the rest: what needs attention is never
	// the part cut off at the right edge.
	var parts [4][]string
	for _, id := range m.opts.Backend.Sources() {
		h := m.snap.Health[id]
		s := m.source(id)
		name := id.Title()
		switch {
		case h.Failing():
			text := "✗ " + name + ": " + reasonOnly(h.LastError)
			if s.next.After(now) {
				text += ", retry in " + model.Countdown(s.next.Sub(now))
			}
			if !h.LastSuccess.IsZero() {
				text += " (showing data " + model.Ago(now, h.LastSuccess) + " old)"
			}
			parts[0] = append(parts[0], st.Bad.Render(text))
		case h.LastSuccess.IsZero():
			parts[2] = append(parts[2], st.Muted.Render("… "+name))
		case now.Sub(h.LastSuccess) > 2*m.opts.Refresh || s.fromCache:
			parts[1] = append(parts[1], st.Warn.Render(fmt.Sprintf("◷ %s: %s old", name, model.Ago(now, h.LastSuccess))))
		default:
			parts[3] = append(parts[3], st.OK.Render("✓ ")+st.Muted.Render(name))
		}
	}
	var warns []string
	for _, w := range m.warnings() {
		warns = append(warns, st.Warn.Render("⚠ "+w))
	}
	all := append(append(append(append(parts[0], warns...), parts[1]...), parts[2]...), parts[3]...)
	return fit(strings.Join(all, st.Muted.Render("  ")), m.width)
}

// warnings are what is wrong although every source answers: a configured label that does
// not exist, a gap in the rotation.
func (m *Model) warnings() []string {
	out := append(append([]string(nil), m.opts.Warnings...), m.labelWarnings...)
	out = append(out, m.outboxWarnings...)
	for _, id := range m.opts.Backend.Sources() {
		out = append(out, m.snap.Notices[id]...) // e.g. more than 10,000 issues: the newest shown
	}
	for _, r := range m.opts.Rotation {
		if w := model.OnCallFor(m.snap.OnCall, r, m.now).Warning(m.now); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// healthText sums up the sources for the footer: refreshing, failing, or when everything
// last answered.
func (m *Model) healthText() string {
	st := m.st
	busy, failing := 0, 0
	var oldest time.Time
	for _, id := range m.opts.Backend.Sources() {
		if m.source(id).inflight {
			busy++
		}
		h := m.snap.Health[id]
		if h.Failing() {
			failing++
		}
		if !h.LastSuccess.IsZero() && (oldest.IsZero() || h.LastSuccess.Before(oldest)) {
			oldest = h.LastSuccess
		}
	}
	var parts []string
	if failing > 0 {
		parts = append(parts, st.Bad.Render(fmt.Sprintf("⚠ %d failing", failing)))
	}
	switch {
	case busy > 0:
		parts = append(parts, st.Muted.Render("refreshing…"))
	case !oldest.IsZero():
		parts = append(parts, st.Muted.Render("updated "+oldest.In(m.opts.Zone).Format("15:04:05")))
	}
	return strings.Join(parts, " ")
}

// reasonOnly drops what failed ("~incident issues: ") and keeps why: the pane says what.
func reasonOnly(err string) string {
	if _, why, ok := strings.Cut(err, ": "); ok && why != "" {
		return why
	}
	return err
}
