package hub_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// slowCache reads the cache only once the queue's question has reached GitLab: a run that
// waited for the whole cache before asking would never get there (10s, then it fails).
type slowCache struct {
	*store.Store
	asked <-chan struct{}
	t     *testing.T
}

func (c slowCache) LoadSnapshot() (model.Snapshot, bool, error) {
	select {
	case <-c.asked:
	case <-time.After(10 * time.Second):
		c.t.Error("the cache was read whole before anything was asked")
	}
	return c.Store.LoadSnapshot()
}

func openCache(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UseCacheDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	return st
}

// `oncall status` from its cache: the questions start from the head of the cache while the
// rest is read; one request per list; the same lists as a whole read.
func TestSnapshotFromCacheAsksWhileTheCacheIsRead(t *testing.T) {
	opts := bulk()
	var log requestLog
	asked := make(chan struct{})
	var once sync.Once
	notice := func(next http.Handler) http.Handler {
		return log.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, opts.ProductionProject+"/issues") && r.URL.Query().Get("updated_after") != "" {
				once.Do(func() { close(asked) })
			}
			next.ServeHTTP(w, r)
		}))
	}
	srv, s := simtest.NewTestServer(t, opts, notice)
	st := openCache(t)
	first := newHub(t, hubConfig(srv.URL, opts)).SnapshotFromCache(context.Background(), st, now) // no cache yet
	if err := st.SaveSnapshot(first); err != nil {
		t.Fatal(err)
	}
	change(t, s, opts)
	log.take()
	snap := newHub(t, hubConfig(srv.URL, opts)).SnapshotFromCache(context.Background(), slowCache{st, asked, t}, now)
	onlyChangesRead(t, log.take(), snap, srv.URL, opts)
}

// A cache written by an older version (no head) is read first and used all the same.
func TestSnapshotFromACacheWithoutHead(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, _ := simtest.NewTestServer(t, opts, log.wrap)
	st := openCache(t)
	cached := newHub(t, hubConfig(srv.URL, opts)).Snapshot(context.Background(), now)
	snap := newHub(t, hubConfig(srv.URL, opts)).SnapshotFromCache(context.Background(), headless{st, cached}, now)
	if lists := matching(log.take(), "production/issues?"); !strings.Contains(lists[len(lists)-1], "updated_after") {
		t.Fatalf("the cache was not used: %v", lists)
	}
	sameAsCold(t, srv.URL, opts, snap)
}

type headless struct {
	*store.Store
	snap model.Snapshot
}

func (h headless) LoadSnapshotHead() (store.SnapshotHead, bool) { return store.SnapshotHead{}, false }
func (h headless) LoadSnapshot() (model.Snapshot, bool, error)  { return h.snap, true, nil }
