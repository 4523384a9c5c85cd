package gitlab

import (
	"context"
	"fmt"

	"github.com/oncall-sre/oncall/model"
)

// A run that starts from its cache (`oncall status`) need not wait for the whole cache to
// be read before it asks GitLab anything: what it asks depends only on the cache's Sync,
// which the store keeps at the head of the file. SeedFrom takes those marks at once and the
// rest of the snapshot as it comes: a refresh asks for what changed since the marks
// straight away, and waits for the cached lists only to merge the answer into them.

// pendingSeed is a snapshot still being read, and the marks read ahead of it. A goroutine
// seeds the source with it once it is read, and closes done.
type pendingSeed struct {
	marks map[model.SourceID]model.Sync
	done  chan struct{}
}

// SeedFrom seeds the source with a snapshot being read: marks are its Sync, load reads the
// whole of it (once; it is started now). A snapshot whose Sync turns out not to be marks is
// not merged into: the part is read whole.
func (s *Source) SeedFrom(marks map[model.SourceID]model.Sync, load func() (model.Snapshot, bool)) {
	p := &pendingSeed{marks: marks, done: make(chan struct{})}
	s.partsMu.Lock()
	s.pending = p
	s.partsMu.Unlock()
	go func() {
		defer close(p.done)
		if snap, ok := load(); ok {
			s.seed(snap, true) // a part read meanwhile is newer than the cache's
		}
		s.partsMu.Lock()
		if s.pending == p {
			s.pending = nil
		}
		s.partsMu.Unlock()
	}()
}

// settle waits for a pending seed, if any, to be in, or for ctx to end: a cache read from
// a slow disk does not hold a refresh past its deadline.
func (s *Source) settle(ctx context.Context) error {
	s.partsMu.Lock()
	p := s.pending
	s.partsMu.Unlock()
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the cached snapshot is still being read: %w", ctx.Err())
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
