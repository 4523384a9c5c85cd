package hub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
)

// What a server puts in an error (here the host of a redirect, with C1 controls that a
// terminal obeys) leaves the hub as clean text, like any other text from a server.
func TestAnErrorsTextIsCleaned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://evil\u009b2J\u009d8;;x\u009c.example/api/v4/user")
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	h := newHub(t, hubtest.Config(srv.URL, sim.DefaultOptions(now)))
	_, err := h.Fetch(context.Background(), model.SourceQueue, now)
	if err == nil {
		t.Fatal("a redirect to another host was followed")
	}
	if msg := err.Error(); msg != model.CleanLine(msg) || !strings.Contains(msg, "redirected") {
		t.Fatalf("the error's text is not clean: %q", msg)
	}
}
