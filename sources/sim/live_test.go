package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
)

// A server started with Live plays the story on its own, and Close stops it.
func TestStartPlaysTheLiveStory(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Live = time.Millisecond
	srv, _, err := sim.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// Synchronised on what the server answers, not on time: a busy machine only waits longer.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, body := get(t, srv.URL+"/incidents?statuses[]=triggered&statuses[]=acknowledged&statuses[]=resolved", "Authorization", "Token token=live"); strings.Contains(string(body), "web-canary") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no live page within 30s")
		}
	}
}
