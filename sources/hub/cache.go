package hub

import (
	"context"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// SnapshotFrom is Snapshot for a command that starts from the cached snapshot of its last
// run: it seeds the hub with cached (see Seed), refreshes every source, and returns the new
// snapshot, in which a source that failed keeps cached's part, with its error in Health, as
// the dashboard shows it. Save the result as the next cache.
func (h *Hub) SnapshotFrom(ctx context.Context, cached model.Snapshot, now time.Time) model.Snapshot {
	h.Seed(cached)
	return keepCached(h.Snapshot(ctx, now), cached, h.Sources())
}

// SnapshotCache is the snapshot cache as the store keeps it (*store.Store).
type SnapshotCache interface {
	LoadSnapshotHead() (store.SnapshotHead, bool)
	LoadSnapshot() (model.Snapshot, bool, error)
}

// SnapshotFromCache is SnapshotFrom for a cache still on disk (`oncall status`): the
// requests start from the head of the cache (its Sync and pages, store.LoadSnapshotHead)
// while the rest of it is read, which the answers are merged into as they come. A cache
// without a head (written by an older version) is read first, then used as SnapshotFrom
// does; a damaged one is no cache.
func (h *Hub) SnapshotFromCache(ctx context.Context, cache SnapshotCache, now time.Time) model.Snapshot {
	load := h.SeedFromCache(cache)
	snap := h.Snapshot(ctx, now)
	cached, _ := load()
	return keepCached(snap, cached, h.Sources())
}

// SeedFromCache seeds the hub from a cache still on disk, as SnapshotFromCache does, without
// waiting for more than its head; load gives the cached snapshot once it is read. The
// dashboard calls it before its first refresh, which then asks only for what changed.
func (h *Hub) SeedFromCache(cache SnapshotCache) (load func() (model.Snapshot, bool)) {
	load = sync.OnceValues(func() (model.Snapshot, bool) {
		snap, ok, err := cache.LoadSnapshot()
		return snap, ok && err == nil
	})
	if head, ok := cache.LoadSnapshotHead(); ok {
		h.gl.SeedFrom(head.Sync, load)
		h.pd.SeedPolicies(head.Pages.Open)
	} else if cached, ok := load(); ok {
		h.Seed(cached)
	}
	return load
}

// keepCached gives each source of snap that failed its part of cached, keeping the error.
func keepCached(snap, cached model.Snapshot, sources []model.SourceID) model.Snapshot {
	for _, id := range sources {
		if snap.Health[id].Failing() {
			health := snap.Health[id]
			snap.CopyPart(&cached, id)
			if last := cached.Health[id].LastSuccess; !last.IsZero() {
				health.LastSuccess = last
			}
			snap.Health[id] = health
		}
	}
	return snap
}
