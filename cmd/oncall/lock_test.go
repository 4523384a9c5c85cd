package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// TestPublisherChild is one of the processes of TestTwoProcessesPublishAWaitingPostOnce:
// the real command, `oncall handoff --retry`, on the state directory they share.
func TestPublisherChild(t *testing.T) {
	if os.Getenv("ONCALL_PUBLISHER") != "1" {
		t.Skip("run by TestTwoProcessesPublishAWaitingPostOnce")
	}
	code, out, errs := oncall("handoff", "--retry", "--config", os.Getenv("ONCALL_TEST_CONFIG"), "--now", lastHour)
	fmt.Printf("exit=%d\nstdout=%s\nstderr=%s\n", code, strings.TrimSpace(out), strings.TrimSpace(errs))
}

// searchBarrier holds each marker search (GET .../issues?search=) until want searches have
// arrived or wait has passed, so that two publishers that are not serialised both search
// before either creates, as they would by chance on a real network.
func searchBarrier(want int, wait time.Duration, creates *atomic.Int32) func(http.Handler) http.Handler {
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Query().Get("search") != "" {
				mu.Lock()
				if arrived++; arrived == want {
					close(all)
				}
				mu.Unlock()
				select {
				case <-all:
				case <-time.After(wait):
				}
			}
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues") {
				creates.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
}

// Two oncall processes started while a handoff waits in the outbox (issue 9.3: it was
// created twice in 4 tries of 4): the outbox lock lets one publish it, and the other finds
// nothing left to do or says that another oncall is publishing.
func TestTwoProcessesPublishAWaitingPostOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for try := 1; try <= 3; try++ {
		t.Run(fmt.Sprint("try ", try), func(t *testing.T) {
			var creates atomic.Int32
			srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), searchBarrier(2, 2*time.Second, &creates))
			cfg := writeConfig(t, srv.URL)
			st, err := store.Open(filepath.Join(os.Getenv("XDG_STATE_HOME"), "oncall"))
			if err != nil {
				t.Fatal(err)
			}
			post := model.HandoffPost{ID: fmt.Sprintf("oncallhandofftwoprocs%d", try), Key: "2026-11-23T1600Z-EMEA-AMER",
				Project: "gitlab-com/gl-infra/on-call-handovers", Title: "On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER",
				Body: "# Handoff\n\nWritten while GitLab was down.\n", Labels: []string{"oncall-handoff"}, Queued: simNow}
			if err := st.Enqueue(post); err != nil {
				t.Fatal(err)
			}
			children := make([]*exec.Cmd, 2)
			outs := make([]*bytes.Buffer, 2)
			for i := range children {
				c := exec.Command(os.Args[0], "-test.run=^TestPublisherChild$")
				c.Env = append(os.Environ(), "ONCALL_PUBLISHER=1", "ONCALL_TEST_CONFIG="+cfg)
				outs[i] = &bytes.Buffer{}
				c.Stdout, c.Stderr = outs[i], outs[i]
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
				children[i] = c
			}
			waitAll(t, children, 2*time.Minute)
			published := 0
			for i, out := range outs {
				text := out.String()
				switch {
				case strings.Contains(text, "exit=0\nstdout=http"):
					published++
				case strings.Contains(text, "exit=0\nstdout=\n") && strings.Contains(text, "nothing waits in the outbox"):
				case strings.Contains(text, "exit=1") && strings.Contains(text, "another oncall is publishing"):
				default:
					t.Errorf("child %d:\n%s", i, text)
				}
			}
			issues := titled(t, srv.URL, post.Title)
			if creates.Load() != 1 || len(issues) != 1 || published != 1 {
				t.Fatalf("%d creates, %d issues titled %q, %d children printed a URL; want one of each", creates.Load(), len(issues), post.Title, published)
			}
		})
	}
}

func waitAll(t *testing.T, cmds []*exec.Cmd, limit time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		for _, c := range cmds {
			_ = c.Wait()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
		for _, c := range cmds {
			_ = c.Process.Kill()
		}
		t.Fatalf("the children did not finish in %s", limit)
	}
}

// titled lists the handoff project's issues with exactly title, as GitLab sees them.
func titled(t *testing.T, base, title string) []*gl.Issue {
	t.Helper()
	c, _ := gl.NewClient("x", gl.WithBaseURL(base))
	issues, _, err := c.Issues.ListProjectIssues("gitlab-com/gl-infra/on-call-handovers", &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*gl.Issue
	for _, is := range issues {
		if is.Title == title {
			out = append(out, is)
		}
	}
	return out
}
