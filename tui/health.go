package tui

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// defaultFirstRetry is the wait after a source's first failure; it doubles up to the
// refresh interval.
const defaultFirstRetry = 5 * time.Second

// retryState is a failing source's schedule.
type retryState struct {
	failures int
	next     time.Time // no automatic request before this (backoff, or Retry-After)
	server   time.Time // no request at all before this: the server's Retry-After
}

type retryMsg struct{ id model.SourceID }

// scheduleRetry plans the next attempt of a failed source: exponential backoff with jitter,
// never sooner than the server asked, never later than the refresh interval.
func (m *Model) scheduleRetry(id model.SourceID, err error) tea.Cmd {
	r := m.retry[id]
	if r == nil {
		r = &retryState{}
		m.retry[id] = r
	}
	r.failures++
	wait := m.opts.FirstRetry
	for i := 1; i < r.failures && wait < m.opts.Refresh; i++ {
		wait *= 2
	}
	wait = min(wait, m.opts.Refresh)
	wait = time.Duration(float64(wait) * (0.8 + 0.4*rand.Float64()))
	var ra *model.RetryAfterError
	r.server = time.Time{}
	if errors.As(err, &ra) {
		r.server = m.opts.Clock().Add(ra.After)
		wait = max(wait, ra.After)
	}
	r.next = m.opts.Clock().Add(wait)
	return tea.Tick(wait, func(time.Time) tea.Msg { return retryMsg{id: id} })
}

// due reports whether source id may be asked now: its backoff has passed, or (asked by
// the user) the server's Retry-After has.
func (m *Model) due(id model.SourceID, byUser bool) bool {
	r := m.retry[id]
	if r == nil {
		return true
	}
	if byUser {
		return !m.opts.Clock().Before(r.server)
	}
	return !m.opts.Clock().Before(r.next)
}

// sourceShort names sources in the header's health line.
func sourceShort(id model.SourceID) string {
	switch id {
	case model.SourceQueue:
		return "GitLab queue"
	case model.SourceOncall:
		return "on-call"
	case model.SourceHandoffs:
		return "handoffs"
	case model.SourceRotation:
		return "PagerDuty rotation"
	case model.SourcePages:
		return "pages"
	}
	return string(id)
}

// showHealthLine: on a short screen the health line is left out while every source is
// fresh (the footer's "updated" says so); it comes back as soon as one is not.
func (m *Model) showHealthLine() bool {
	if m.height >= 30 {
		return true
	}
	now := m.opts.Clock()
	for _, id := range m.opts.Backend.Sources() {
		h := m.snap.Health[id]
		if h.Failing() || h.LastSuccess.IsZero() || m.fromCache[id] || now.Sub(h.LastSuccess) > 2*m.opts.Refresh {
			return true
		}
	}
	return false
}

// healthLine shows each source as fresh (✓), stale (◷ with its age) or failing (✗ with the
// reason and the next retry).
func (m *Model) healthLine() string {
	st, now := m.st, m.opts.Clock()
	var parts []string
	for _, id := range m.opts.Backend.Sources() {
		h := m.snap.Health[id]
		name := sourceShort(id)
		switch {
		case h.Failing():
			text := "✗ " + name + ": " + reasonOnly(h.LastError)
			if r := m.retry[id]; r != nil && r.next.After(now) {
				text += ", retry in " + model.Countdown(r.next.Sub(now))
			}
			if !h.LastSuccess.IsZero() {
				text += " (showing data " + model.Ago(now, h.LastSuccess) + " old)"
			}
			parts = append(parts, st.Bad.Render(text))
		case h.LastSuccess.IsZero():
			parts = append(parts, st.Muted.Render("… "+name))
		case now.Sub(h.LastSuccess) > 2*m.opts.Refresh || m.fromCache[id]:
			parts = append(parts, st.Warn.Render(fmt.Sprintf("◷ %s: %s old", name, model.Ago(now, h.LastSuccess))))
		default:
			parts = append(parts, st.OK.Render("✓ ")+st.Muted.Render(name))
		}
	}
	return fit(strings.Join(parts, st.Muted.Render("  ")), m.width)
}

type (
	cacheLoadedMsg struct {
		snap model.Snapshot
		ok   bool
	}
	cacheSaveMsg struct{}
)

func (m *Model) loadCacheCmd() tea.Cmd {
	d := m.opts.Drafts
	return func() tea.Msg {
		snap, ok, _ := d.LoadSnapshot() // a damaged cache is no cache
		return cacheLoadedMsg{snap: snap, ok: ok}
	}
}

// applyCache shows the cached snapshot for every source that has not answered yet, marked
// with its age, so the first frame has data even with no network at all.
func (m *Model) applyCache(msg cacheLoadedMsg) {
	if !msg.ok {
		return
	}
	for id, h := range msg.snap.Health {
		cur := m.snap.Health[id]
		if h.LastSuccess.IsZero() || !cur.LastSuccess.IsZero() {
			continue
		}
		m.snap.CopyPart(&msg.snap, id)
		cur.LastSuccess = h.LastSuccess
		if m.snap.Health == nil {
			m.snap.Health = map[model.SourceID]model.Health{}
		}
		m.snap.Health[id] = cur
		m.fromCache[id] = true
	}
	m.syncSelection()
}

func (m *Model) saveCacheSoon() tea.Cmd {
	if m.opts.Drafts == nil || m.cacheScheduled {
		return nil
	}
	m.cacheScheduled = true
	return tea.Tick(m.opts.CacheDelay, func(time.Time) tea.Msg { return cacheSaveMsg{} })
}

// saveCacheCmd writes a copy of the snapshot: the command runs off the UI goroutine, which
// goes on changing the original's health map.
func (m *Model) saveCacheCmd() tea.Cmd {
	m.cacheScheduled = false
	snap := m.snap
	snap.Health = make(map[model.SourceID]model.Health, len(m.snap.Health))
	for id, h := range m.snap.Health {
		snap.Health[id] = h // LastSuccess dates each part; the next start shows it that old
	}
	d := m.opts.Drafts
	return func() tea.Msg { _ = d.SaveSnapshot(snap); return nil }
}

// reasonOnly drops what failed ("~incident issues: ") and keeps why: the pane says what.
func reasonOnly(err string) string {
	if _, why, ok := strings.Cut(err, ": "); ok && why != "" {
		return why
	}
	return err
}
