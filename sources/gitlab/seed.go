package gitlab

import (
	"sync"

	"github.com/oncall-sre/oncall/model"
)

// A run that starts from its cache (`oncall status`) need not wait for the whole cache to
// be read before it asks GitLab anything: what it asks depends only on the cache's Sync,
// which the store keeps at the head of the file. SeedFrom takes those marks at once and the
// rest of the snapshot as it comes: a refresh asks for what changed since the marks
// straight away, and waits for the cached lists only to merge the answer into them.

// pendingSeed is a snapshot still being read, and the marks read ahead of it. apply waits
// for it and seeds the source with it, once: every caller of settle returns only when the
// seed is in.
type pendingSeed struct {
	marks map[model.SourceID]model.Sync
	apply func()
}

// SeedFrom seeds the source with a snapshot being read: marks are its Sync, load reads the
// whole of it (once; it is started now). A snapshot whose Sync turns out not to be marks is
// not merged into: the part is read whole.
func (s *Source) SeedFrom(marks map[model.SourceID]model.Sync, load func() (model.Snapshot, bool)) {
	once := sync.OnceValues(load)
	go once()
	p := &pendingSeed{marks: marks}
	p.apply = sync.OnceFunc(func() {
		snap, ok := once()
		if ok {
			s.seed(snap, true) // a part read meanwhile is newer than the cache's
		}
		s.partsMu.Lock()
		if s.pending == p {
			s.pending = nil
		}
		s.partsMu.Unlock()
	})
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	s.pending = p
}

// settle waits for a pending seed, if any, to be in.
func (s *Source) settle() {
	s.partsMu.Lock()
	p := s.pending
	s.partsMu.Unlock()
	if p != nil {
		p.apply()
	}
}

// pendingMark is source id's mark while a seed is being read and the part was not read
// since.
func (s *Source) pendingMark(id model.SourceID, read bool) (model.Sync, bool) {
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	if s.pending == nil || read {
		return model.Sync{}, false
	}
	m, ok := s.pending.marks[id]
	return m, ok && !m.Since.IsZero() && m.Scope == s.scope
}

func sameSync(a, b model.Sync) bool {
	return a.Since.Equal(b.Since) && a.Full.Equal(b.Full) && a.Reads == b.Reads && a.Scope == b.Scope
}
