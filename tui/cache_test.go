package tui

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/oncall-sre/oncall/model"
)

// jsonLocal writes the cache as the store does: by encoding the snapshot.
type jsonLocal struct {
	LocalState
	mu    sync.Mutex
	bytes int
}

func (l *jsonLocal) LoadSnapshot() (model.Snapshot, bool, error) { return model.Snapshot{}, false, nil }
func (l *jsonLocal) SaveSnapshot(s model.Snapshot) error {
	b, err := json.Marshal(s)
	l.mu.Lock()
	l.bytes += len(b)
	l.mu.Unlock()
	return err
}

// A cache write runs off the UI goroutine while sources go on answering: it must not share
// the snapshot's maps with the model (the race detector, which make test runs, sees it).
func TestACacheWriteSharesNothingTheModelChanges(t *testing.T) {
	f := newFixture()
	f.set(func(w *model.Snapshot) {
		w.Sync = map[model.SourceID]model.Sync{model.SourceQueue: {Since: testNow}, model.SourceOncall: {Since: testNow}}
		w.Notices = map[model.SourceID][]string{model.SourceQueue: {"more than 100 ~incident issues"}}
	})
	local := &jsonLocal{}
	m, _ := testModel(t, f, local, testNow, 120, 40)
	run(t, m, m.refreshAll())
	for range 20 {
		save := m.saveCacheCmd()
		done := make(chan struct{})
		go func() { defer close(done); save() }()
		run(t, m, m.refreshAll()) // every source answers, on this goroutine
		<-done
	}
	if local.bytes == 0 {
		t.Fatal("nothing was written")
	}
}
