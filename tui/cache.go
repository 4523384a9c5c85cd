package tui

import (
	"maps"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

func (m *Model) loadCacheCmd() tea.Cmd {
	l := m.opts.Local
	return func() tea.Msg {
		snap, ok, _ := l.LoadSnapshot() // a damaged cache is no cache
		return cacheLoadedMsg{snap: snap, ok: ok}
	}
}

// applyCache shows the cached snapshot for every source that has not answered yet, marked
// with its age, so the first frame has data even with no network at all.
func (m *Model) applyCache(msg cacheLoadedMsg) {
	if !msg.ok {
		return
	}
	if !m.since.known {
		m.since.remember(msg.snap)
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
		m.source(id).fromCache = true
	}
	m.changed()
	m.dash.follow()
}

func (m *Model) saveCacheSoon() tea.Cmd {
	if m.opts.Local == nil || m.cacheScheduled {
		return nil
	}
	m.cacheScheduled = true
	return m.after(m.opts.CacheDelay, cacheSaveMsg{})
}

// saveCacheCmd writes a copy of the snapshot: the command runs off the UI goroutine, which
// goes on changing the original's maps (health, sync points, notices) as sources answer.
// Its lists are never changed in place, only replaced. LastSuccess dates each part: the
// next start shows it that old.
func (m *Model) saveCacheCmd() tea.Cmd {
	m.cacheScheduled = false
	snap := m.snap
	snap.Health, snap.Sync, snap.Notices = maps.Clone(m.snap.Health), maps.Clone(m.snap.Sync), maps.Clone(m.snap.Notices)
	l := m.opts.Local
	return func() tea.Msg { _ = l.SaveSnapshot(snap); return nothingMsg{} }
}
