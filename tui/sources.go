package tui

import (
	"errors"
	"math/rand/v2"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// sourceState is what the TUI knows of one source's requests.
type sourceState struct {
	seq       int  // the latest request issued; older answers are dropped
	inflight  bool // at most one request at a time
	fromCache bool // its part of the snapshot came from the cache, not yet refreshed
	failures  int  // consecutive failures, for the backoff
	// next: no automatic request before this (backoff, or the server's Retry-After);
	// server: no request at all before this, not even r (the server's Retry-After).
	next, server time.Time
}

func (m *Model) source(id model.SourceID) *sourceState {
	s := m.sources[id]
	if s == nil {
		s = &sourceState{}
		m.sources[id] = s
	}
	return s
}

// handleSources handles fetches, retries, the refresh timer and the cache.
func (m *Model) handleSources(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case refreshTickMsg:
		return tea.Batch(m.refreshAll(), m.after(m.opts.Refresh, refreshTickMsg{})), true
	case fetchedMsg:
		return m.applyFetch(msg), true
	case retryMsg:
		if m.due(msg.id, false) {
			return m.refreshSource(msg.id), true
		}
		return nil, true
	case cacheLoadedMsg:
		m.applyCache(msg)
		return nil, true
	case cacheSaveMsg:
		return m.saveCacheCmd(), true
	case nothingMsg:
		return nil, true
	case labelWarningsMsg:
		if msg.err != nil {
			// GitLab is failing, which its sources' health shows; check again later.
			return m.after(m.opts.Refresh, labelCheckMsg{}), true
		}
		m.labelWarnings = msg.warnings
		return nil, true
	case labelCheckMsg:
		return m.labelWarningsCmd(), true
	}
	return nil, false
}

type (
	labelWarningsMsg struct {
		warnings []string
		err      error
	}
	labelCheckMsg struct{}
)

// labelWarningsCmd checks once that the configured labels exist: GitLab's labels= filter
// is exact, so a misspelt label shows an empty pane, not an error.
func (m *Model) labelWarningsCmd() tea.Cmd {
	b, ctx := m.opts.Backend, m.opts.Context
	return func() tea.Msg {
		w, err := b.LabelWarnings(ctx)
		return labelWarningsMsg{warnings: w, err: err}
	}
}

// refreshAll asks every source that is not busy, nor waiting out a backoff, for fresh data.
func (m *Model) refreshAll() tea.Cmd { return m.refresh(false) }

// refreshNow is r: the user's ask skips the backoff; only the server's Retry-After holds a
// source back.
func (m *Model) refreshNow() tea.Cmd { return m.refresh(true) }

func (m *Model) refresh(byUser bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range m.opts.Backend.Sources() {
		if m.due(id, byUser) {
			cmds = append(cmds, m.refreshSource(id))
		}
	}
	return tea.Batch(cmds...)
}

// refreshSource asks one source for fresh data unless a request is already in flight.
func (m *Model) refreshSource(id model.SourceID) tea.Cmd {
	s := m.source(id)
	if s.inflight {
		return nil
	}
	s.inflight = true
	s.seq++
	return m.fetchCmd(id, s.seq)
}

// refetch asks a source again now, even with a request in flight: that request started
// before a change of ours (a published handoff) and its answer, older, will be dropped.
func (m *Model) refetch(id model.SourceID) tea.Cmd {
	m.source(id).inflight = false
	return m.refreshSource(id)
}

// applyFetch merges one source's answer. A failure keeps the data already shown and
// schedules a retry.
func (m *Model) applyFetch(msg fetchedMsg) tea.Cmd {
	s := m.source(msg.id)
	if msg.seq != s.seq {
		return nil // an answer to a request that a newer one replaced
	}
	s.inflight = false
	m.snap.Record(msg.id, m.opts.Clock(), msg.err)
	if msg.err != nil {
		return m.scheduleRetry(msg.id, msg.err)
	}
	s.failures, s.next, s.server, s.fromCache = 0, time.Time{}, time.Time{}, false
	var news []string
	if msg.patch != nil {
		msg.patch(&m.snap)
		switch msg.id {
		case model.SourceQueue:
			news = m.incidentNews()
		case model.SourcePages:
			news = m.pageNews()
		}
	}
	m.changed()
	m.dash.follow()
	return tea.Batch(m.saveCacheSoon(), m.announce(news))
}

// scheduleRetry plans the next attempt of a failed source: exponential backoff with jitter,
// never sooner than the server asked, never later than the refresh interval.
func (m *Model) scheduleRetry(id model.SourceID, err error) tea.Cmd {
	s := m.source(id)
	s.failures++
	wait := model.Backoff(s.failures, m.opts.FirstRetry, m.opts.Refresh, rand.Float64())
	now := m.opts.Clock()
	s.server = time.Time{}
	var ra *model.RetryAfterError
	if errors.As(err, &ra) {
		s.server = now.Add(ra.After)
		wait = max(wait, ra.After)
	}
	s.next = now.Add(wait)
	return m.after(wait, retryMsg{id: id})
}

// due reports whether source id may be asked now: its backoff has passed, or (asked by
// the user) the server's Retry-After has.
func (m *Model) due(id model.SourceID, byUser bool) bool {
	s := m.source(id)
	if byUser {
		return !m.opts.Clock().Before(s.server)
	}
	return !m.opts.Clock().Before(s.next)
}
