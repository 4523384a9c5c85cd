package hub_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
)

// together holds each request to one of paths until all of them have arrived (or 10s have
// passed, which marks the test failed): they pass only when the client sends them at once.
func together(t *testing.T, paths ...string) func(http.Handler) http.Handler {
	var mu sync.Mutex
	arrived := map[string]bool{}
	all := make(chan struct{})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, p := range paths {
				if r.URL.Path != p {
					continue
				}
				mu.Lock()
				if !arrived[p] {
					arrived[p] = true
					if len(arrived) == len(paths) {
						close(all)
					}
				}
				mu.Unlock()
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					t.Errorf("%s was answered before the others of %v were asked", p, paths)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// The token's user and the handoff list do not depend on each other: one round trip.
func TestTheUserAndTheHandoffsAreReadAtOnce(t *testing.T) {
	opts := sim.DefaultOptions(now)
	h, _ := simHub(t, opts, together(t, "/api/v4/user", "/api/v4/projects/"+opts.HandoffProject+"/issues"), nil)
	if _, err := h.Fetch(context.Background(), model.SourceHandoffs, now); err != nil {
		t.Fatal(err)
	}
}
