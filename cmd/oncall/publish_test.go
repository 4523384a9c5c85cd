package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// lastHour is 15:20 UTC on the simulator's day: the EMEA shift's last hour.
var lastHour = simNow.Add(50 * time.Minute).Format(time.RFC3339)

func handoffFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "handoff.md")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func publishArgs(cfg, file string, more ...string) []string {
	return append([]string{"handoff", "--publish", file, "--config", cfg, "--now", lastHour}, more...)
}

func TestASecondHandoffOfTheShiftIsRefusedUnlessTheEngineerInsists(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := writeConfig(t, srv.URL)
	code, first, errs := oncall(publishArgs(cfg, handoffFile(t, "# Handoff\n\nAll quiet.\n"))...)
	first = strings.TrimSpace(first)
	if code != 0 || !strings.Contains(first, "/on-call-handovers/-/issues/") {
		t.Fatalf("first publish: exit %d %q %s", code, first, errs)
	}
	second := handoffFile(t, "# Handoff\n\nOne more thing.\n")
	code, out, errs := oncall(publishArgs(cfg, second)...)
	if code != exitExists || strings.TrimSpace(out) != first || !strings.Contains(errs, "this shift already has a handoff") || !strings.Contains(errs, "--again") {
		t.Fatalf("second publish: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	// GitLab knows it too: with another machine's (empty) state, GitLab's answer refuses it.
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if code, out, _ := oncall(publishArgs(cfg, second)...); code != exitExists || strings.TrimSpace(out) != first {
		t.Fatalf("from GitLab: exit %d %q", code, out)
	}
	code, note, errs := oncall(publishArgs(cfg, second, "--as-note")...)
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(note), first+"#note_") {
		t.Fatalf("--as-note: exit %d %q %s", code, note, errs)
	}
	code, another, errs := oncall(publishArgs(cfg, second, "--again")...)
	if code != 0 || strings.TrimSpace(another) == first || !strings.Contains(another, "/-/issues/") {
		t.Fatalf("--again: exit %d %q %s", code, another, errs)
	}
	for _, bad := range [][]string{{"--again", "--as-note"}, {"--retry"}} {
		if code, _, _ := oncall(publishArgs(cfg, second, bad...)...); code != exitBadInput {
			t.Errorf("%v: exit %d", bad, code)
		}
	}
	if code, _, _ := oncall("handoff", "--again", "--config", cfg); code != exitBadInput {
		t.Errorf("--again alone: exit %d", code)
	}
}

// postsFail answers every POST with a 503 while down is set.
func postsFail(down *atomic.Bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && down.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestAHandoffWaitingInTheOutboxIsNotPublishedTwice(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), postsFail(&down))
	cfg := writeConfig(t, srv.URL)
	code, _, errs := oncall(publishArgs(cfg, handoffFile(t, "# Handoff\n\nFirst words.\n"))...)
	if code != exitFailed || !strings.Contains(errs, "not published yet") || !strings.Contains(errs, "next attempt at") {
		t.Fatalf("GitLab down: exit %d %s", code, errs)
	}
	code, _, errs = oncall(publishArgs(cfg, handoffFile(t, "# Handoff\n\nSecond words.\n"))...)
	if code != exitExists || !strings.Contains(errs, "already waits in the outbox") || !strings.Contains(errs, "oncall handoff --retry") {
		t.Fatalf("while one waits: exit %d %s", code, errs)
	}
	down.Store(false)
	code, out, errs := oncall("handoff", "--retry", "--config", cfg, "--now", lastHour)
	if code != 0 || !strings.Contains(out, "/-/issues/") {
		t.Fatalf("--retry: exit %d %q %s", code, out, errs)
	}
	if code, _, errs := oncall("handoff", "--retry", "--config", cfg, "--now", lastHour); code != 0 || !strings.Contains(errs, "nothing waits in the outbox") {
		t.Fatalf("--retry again: exit %d %s", code, errs)
	}
}

func TestThePublishFileIsBoundedAndChecked(t *testing.T) {
	var requests atomic.Int32
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); h.ServeHTTP(w, r) })
	})
	cfg := writeConfig(t, srv.URL)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "handoff.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		fifo:        "a named pipe (FIFO), not a regular file",
		"/dev/zero": "a character device, not a regular file",
		handoffFile(t, strings.Repeat("x", 2<<20)):                   "larger than 1023 KB, the most a handoff can hold",
		handoffFile(t, "# Handoff\n\xff\xfe\x00binary"):              "not UTF-8 text",
		handoffFile(t, "# Handoff\x00\x00"):                          "not UTF-8 text",
		handoffFile(t, "\x1b[2J\x1b]52;c;aGk=\x07\x1b[0m\r\n\u202e"): "the file is empty",
		filepath.Join(dir, "none.md"):                                "no such file",
	}
	for file, says := range files {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if code, _, errs := oncall(publishArgs(cfg, file)...); code != exitBadInput || !strings.Contains(errs, says) {
				t.Errorf("%s: exit %d %q; want 2 and %q", file, code, errs, says)
			}
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: still reading after 30s", file)
		}
	}
	if requests.Load() != 0 {
		t.Errorf("%d requests were sent for files that were refused", requests.Load())
	}
}

func TestOutOfRangeValuesAreRefusedNotClamped(t *testing.T) {
	cfg := writeConfig(t, "http://127.0.0.1:9")
	cases := map[string][]string{
		"--since 300000d is out of range":            {"report", "--since", "300000d"},
		"--since 4000d is out of range":              {"report", "--since", "4000d"},
		"--now 9999-12-31T00:00:00Z is out of range": {"status", "--now", "9999-12-31T00:00:00Z"},
		"--from 0001-01-01 is out of range":          {"report", "--from", "0001-01-01"},
		"--to 2999-01-01 is out of range":            {"report", "--from", "2026-11-01", "--to", "2999-01-01"},
	}
	for says, args := range cases {
		code, _, errs := oncall(append(args, "--config", cfg)...)
		if code != exitBadInput || !strings.Contains(errs, says) {
			t.Errorf("%v: exit %d %q; want 2 and %q", args, code, errs, says)
		}
	}
}

// rateLimitOnce answers the first request to path with a 429 and Retry-After: after.
func rateLimitOnce(path, after string) func(http.Handler) http.Handler {
	var seen atomic.Int32
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == path && seen.Add(1) == 1 {
				w.Header().Set("Retry-After", after)
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestOneShotCommandsWaitOutAShortRateLimit(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), rateLimitOnce("/schedules/PEMEA01", "1"))
	cfg := writeConfig(t, srv.URL)
	if code, out, errs := oncall("status", "--config", cfg, "--now", simNow.Format(time.RFC3339)); code != 0 || !strings.Contains(out, "PagerDuty rotation  ok") {
		t.Fatalf("status after a 429 with Retry-After: 1: exit %d %s\n%s", code, errs, out)
	}
	srv, _ = simtest.NewTestServer(t, sim.DefaultOptions(simNow), rateLimitOnce("/schedules/PEMEA01", "60"))
	cfg = writeConfig(t, srv.URL)
	code, out, _ := oncall("status", "--config", cfg, "--now", simNow.Format(time.RFC3339))
	if code != exitFailed || !strings.Contains(out, "asked to wait 1m0s, which does not fit in the 10s deadline") {
		t.Fatalf("status after a 429 with Retry-After: 60: exit %d\n%s", code, out)
	}
}

func TestAnUnwritableCacheTurnsTheCacheOffNotTheState(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	_ = writeConfig(t, srv.URL)
	blocker := filepath.Join(t.TempDir(), "file")
	_ = os.WriteFile(blocker, nil, 0o600)
	t.Setenv("XDG_CACHE_HOME", blocker) // a file where a directory should be: works as root too
	h, err := newHub(mustConfig(t), endpoint{srv.URL, "gl"}, endpoint{srv.URL, "pd"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	state, err := openState(h, false)
	if err != nil {
		t.Fatalf("a broken cache stopped the state: %v", err)
	}
	if len(state.Warnings) != 1 || !strings.HasPrefix(state.Warnings[0], "cache off: not a directory") {
		t.Fatalf("warnings %q", state.Warnings)
	}
	if err := state.SaveDraft("k", "words"); err != nil {
		t.Fatalf("drafts: %v", err)
	}
}

// countCreates counts the issues created.
func countCreates(n *atomic.Int32) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/issues") {
				n.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
}

// gitlabClassifies: the GitLab source returns a *model.PermanentError for 403
// insufficient_scope (brief H1, another branch). The lead sets it to true after the merge.
const gitlabClassifies = true

// readOnlyToken answers writes as GitLab does for a read_api token while on is set.
func readOnlyToken(on *atomic.Bool) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && on.Load() {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestAReadOnlyTokenHoldsTheHandoffUntilRetry(t *testing.T) {
	if !gitlabClassifies {
		t.Skip("the GitLab source does not classify 403 insufficient_scope as permanent on this branch yet")
	}
	var readOnly atomic.Bool
	readOnly.Store(true)
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), readOnlyToken(&readOnly))
	cfg := writeConfig(t, srv.URL)
	code, _, errs := oncall(publishArgs(cfg, handoffFile(t, "# Handoff\n\nAll quiet.\n"))...)
	for _, want := range []string{"not published: held: ", "403", "your handoff is kept", "oncall handoff --retry"} {
		if code != exitHeld || !strings.Contains(errs, want) {
			t.Fatalf("exit %d, stderr %s; want 4 and %q", code, errs, want)
		}
	}
	if code, _, _ := oncall("handoff", "--retry", "--config", cfg, "--now", lastHour); code != exitHeld {
		t.Fatalf("--retry with the token still read-only: exit %d", code)
	}
	readOnly.Store(false)
	if code, out, errs := oncall("handoff", "--retry", "--config", cfg, "--now", lastHour); code != 0 || !strings.Contains(out, "/-/issues/") {
		t.Fatalf("--retry once the token is fixed: exit %d %q %s", code, out, errs)
	}
}

// --discard sets the shift's draft aside, where it can still be read, and says so; with no
// draft it says there is none.
func TestDiscardSetsTheDraftAside(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	at := simNow.Format(time.RFC3339)
	st, err := store.Open(stateDir(true))
	if err != nil {
		t.Fatal(err)
	}
	rot := sim.DefaultOptions(simNow).Rotation
	cur := rot.ShiftAt(simNow)
	key := model.HandoffKey(cur, rot.NextShift(cur))
	if err := st.SaveDraft(key, "# my notes at 3 a.m.\n"); err != nil {
		t.Fatal(err)
	}
	code, out, errs := oncall("handoff", "--sim", "--discard", "--now", at)
	if code != 0 || !strings.Contains(out, "is set aside in ") {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
	if _, _, ok, _ := st.LoadDraft(key); ok {
		t.Fatal("the draft is still the shift's")
	}
	moved := strings.TrimSpace(out[strings.Index(out, "set aside in ")+len("set aside in "):])
	if b, err := os.ReadFile(moved); err != nil || string(b) != "# my notes at 3 a.m.\n" {
		t.Fatalf("the set-aside draft %s: %q, %v", moved, b, err)
	}
	if code, out, _ := oncall("handoff", "--sim", "--discard", "--now", at); code != 0 || !strings.Contains(out, "no draft for the handoff "+key) {
		t.Fatalf("a second --discard: exit %d\n%s", code, out)
	}
	if code, _, errs := oncall("handoff", "--sim", "--discard", "--retry"); code != exitBadInput || !strings.Contains(errs, "give one of") {
		t.Fatalf("--discard --retry: exit %d %s", code, errs)
	}
}
