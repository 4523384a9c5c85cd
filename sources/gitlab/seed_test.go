package gitlab

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// A refresh that waits for a cache still being read (a slow disk) gives up with its
// context, not when the read ends.
func TestASeedStillBeingReadDoesNotHoldARefreshPastItsDeadline(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, _, mark, err := newSource(t, srv.URL, 100).QueueSynced(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	s := newSource(t, srv.URL, 100)
	s.SeedFrom(map[model.SourceID]model.Sync{model.SourceQueue: mark}, func() (model.Snapshot, bool) {
		<-release // the disk never finishes while the test runs
		return model.Snapshot{}, false
	})
	for name, refresh := range map[string]func(context.Context) error{
		"queue":    func(ctx context.Context) error { _, _, _, err := s.QueueSynced(ctx); return err },
		"handoffs": func(ctx context.Context) error { _, err := s.Handoffs(ctx, 6); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- refresh(ctx) }()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: %v; want the deadline's error", name, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: the refresh waits for the cache past its deadline", name)
		}
		cancel()
	}
}
