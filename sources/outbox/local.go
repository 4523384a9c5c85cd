package outbox

import (
	"context"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// Local is the disk side of the handoff, as the dashboard and the commands use it: drafts
// and the snapshot cache from the store, posts through the outbox. It satisfies the TUI's
// LocalState interface.
type Local struct {
	Store  *store.Store
	Outbox *Outbox
	// FindPublished looks in GitLab for a handoff of a post's shift (hub.ExistingHandoff);
	// nil: only the journal is asked.
	FindPublished func(context.Context, model.HandoffPost) (model.HandoffNote, bool, error)
	// Warnings say what works in a degraded way, to show at start ("cache off: read-only
	// file system (/home/me/.cache/oncall)").
	Warnings []string
}

// NewLocal wires the store to an outbox that publishes through publish and looks for
// handoffs already published with find (either may be a hub's method).
func NewLocal(st *store.Store, publish PublishFunc, find func(context.Context, model.HandoffPost) (model.HandoffNote, bool, error)) *Local {
	return &Local{Store: st, Outbox: &Outbox{Store: st, Publish: publish}, FindPublished: find}
}

// SaveDraft writes the draft of the shift key; see store.Store.SaveDraft.
func (l *Local) SaveDraft(key, text string) error { return l.Store.SaveDraft(key, text) }

// LoadDraft reads the draft of the shift key.
func (l *Local) LoadDraft(key string) (string, time.Time, bool, error) { return l.Store.LoadDraft(key) }

// DeleteDraft removes the draft of the shift key.
func (l *Local) DeleteDraft(key string) error { return l.Store.DeleteDraft(key) }

// DraftPath is the draft's file, for $EDITOR.
func (l *Local) DraftPath(key string) string { return l.Store.DraftPath(key) }

// SaveSnapshot caches a snapshot (nothing when the cache is off).
func (l *Local) SaveSnapshot(s model.Snapshot) error { return l.Store.SaveSnapshot(s) }

// LoadSnapshot reads the cached snapshot.
func (l *Local) LoadSnapshot() (model.Snapshot, bool, error) { return l.Store.LoadSnapshot() }

// Submit checks and queues a post; see Outbox.Submit.
func (l *Local) Submit(p model.HandoffPost) error { return l.Outbox.Submit(p) }

// Flush tries the posts that are due; see Outbox.Flush.
func (l *Local) Flush(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	return l.Outbox.Flush(ctx, now)
}

// Retry re-arms held posts and tries everything now; see Outbox.Retry.
func (l *Local) Retry(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	return l.Outbox.Retry(ctx, now)
}

// Waiting returns the post of the shift key that waits (or is held) in the outbox, if any.
func (l *Local) Waiting(key string) (model.WaitingPost, bool, error) {
	all, err := l.Store.Outbox()
	if err != nil {
		return model.WaitingPost{}, false, err
	}
	for _, w := range all {
		if w.Post.Key == key && w.Published == nil {
			return w, true, nil
		}
	}
	return model.WaitingPost{}, false, nil
}

// ExistingHandoff looks for a published handoff of post's shift: first in the journal (what
// this machine published), then in GitLab through FindPublished. Before publishing, a
// found one means: ask the engineer (publish another, add a note to it, or cancel).
func (l *Local) ExistingHandoff(ctx context.Context, post model.HandoffPost) (model.HandoffNote, bool, error) {
	if h, ok, err := l.Store.Journaled(post.Key); err != nil || ok {
		return h, ok, err
	}
	if l.FindPublished == nil {
		return model.HandoffNote{}, false, nil
	}
	return l.FindPublished(ctx, post)
}
