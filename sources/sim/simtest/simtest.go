// Package simtest serves the simulator to tests.
package simtest

import (
	"net/http"
	"net/http/httptest"
	"testing"

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
