// Package simtest serves the simulator to tests.
package simtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
)

// NewTestServer serves a simulator over HTTP for a test, wrapped by mw when given (to
// count or break requests), and closes it when the test ends.
func NewTestServer(t testing.TB, opts sim.Options, mw func(http.Handler) http.Handler) (*httptest.Server, *sim.Sim) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	opts.BaseURL = srv.URL
	s := sim.New(opts)
	var h http.Handler = s.Handler()
	if mw != nil {
		h = mw(h)
	}
	srv.Config.Handler = h
	t.Cleanup(srv.Close)
	return srv, s
}

// Together holds each request to one of paths until all of them have arrived (or 10s have
// passed, which marks the test failed): they pass only when the client sends them at once.
func Together(t testing.TB, paths ...string) func(http.Handler) http.Handler {
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
