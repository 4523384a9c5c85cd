package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
	"github.com/oncall-sre/oncall/tui"
)

// typed is what the typist types, one key every typingInterval.
const (
	typed          = "The replica lag came back twice after the failover; Patroni logs are on patroni-main-v16-03 under /var/log/gitlab/patroni. If it comes back, page the DBRE on call and do not fail over again before they agree. "
	typingInterval = 10 * time.Millisecond
)

// TestTypistChild is the process the SIGKILL test kills: the real dashboard, in the handoff
// editor, with keys typed into it. It runs only when the parent asks for it. It prints
// "ready" once the editor shows the loaded draft, then "typed N" after each key.
func TestTypistChild(t *testing.T) {
	if os.Getenv("ONCALL_TYPIST") != "1" {
		t.Skip("run by TestDraftSurvivesSIGKILL")
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := mustConfig(t)
	h, err := newHub(cfg, endpoint{srv.URL, "gl"}, endpoint{srv.URL, "pd"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	state, err := openState(h, false)
	if err != nil {
		t.Fatal(err)
	}
	m := &readySignal{Model: tui.New(tui.Options{Backend: h, Local: state, Rotation: cfg.Rotation, Refresh: time.Minute, Theme: "mono",
		Clock: func() time.Time { return simNow }, OpenHandoff: true, HandoffProject: cfg.GitLab.HandoffProject}), ready: make(chan struct{})}
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(100, 40), tea.WithoutSignalHandler())
	go func() { _, _ = p.Run() }()
	select {
	case <-m.ready:
	case <-time.After(time.Minute):
		t.Fatal("the editor never showed the draft")
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		r := rune(typed[i%len(typed)])
		p.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		fmt.Printf("typed %d\n", i+1)
		time.Sleep(typingInterval) // the typist's pace, not a synchronisation
	}
}

// readySignal closes ready once the editor shows the draft it loaded (its Context
// section): keys typed from then on land in the human part of the draft.
type readySignal struct {
	tea.Model
	ready chan struct{}
	done  bool
}

func (r *readySignal) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	r.Model, cmd = r.Model.Update(msg)
	if !r.done && strings.Contains(r.Model.View().Content, "## Context") {
		r.done = true
		close(r.ready)
	}
	return r, cmd
}

// TestDraftSurvivesSIGKILL kills a typing dashboard with SIGKILL and checks that the draft
// on disk holds what was typed, but for the last moments. It synchronises on the child's
// ready line and on what reached the disk, and its deadlines are generous: it must pass on
// a 2-core machine with two CPU-bound processes per core beside it.
func TestDraftSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	stateHome := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestTypistChild$", "-test.v")
	child.Env = append(os.Environ(), "ONCALL_TYPIST=1", "XDG_STATE_HOME="+stateHome, "XDG_CACHE_HOME="+t.TempDir())
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	rot := mustRotation(t)
	cur := rot.ShiftAt(simNow)
	key := model.HandoffKey(cur, rot.NextShift(cur))
	draft := filepath.Join(stateHome, "oncall", "drafts", key+".md")

	// Let it type until 250 keys are typed and the first ones are on disk, then kill it
	// mid-sentence. typedAt[n] is when the parent learnt that key n was typed.
	lines := bufio.NewScanner(out)
	typedAt := map[int]time.Time{}
	count, ready := 0, false
	deadline := time.Now().Add(2 * time.Minute)
	for lines.Scan() && time.Now().Before(deadline) {
		line := lines.Text()
		if line == "ready" {
			ready = true
		}
		if n, ok := strings.CutPrefix(line, "typed "); ok {
			count, _ = strconv.Atoi(n)
			typedAt[count] = time.Now()
			if count >= 250 && onDisk(draft, typed[:40]) {
				break
			}
		}
	}
	// What is on disk just before the kill: a kill -9 may lose what was typed after the
	// last autosave, never what an autosave wrote (the atomic write keeps it whole).
	before := 0
	if b, err := os.ReadFile(draft); err == nil {
		before = len(contextLine(t, string(b)))
	}
	killedAt := time.Now()
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if !ready || count < 250 {
		t.Fatalf("ready %v, typed %d keys, draft on disk %v, in 2 minutes", ready, count, onDisk(draft, typed[:40]))
	}

	st, err := store.Open(filepath.Join(stateHome, "oncall"))
	if err != nil {
		t.Fatal(err)
	}
	text, saved, ok, err := st.LoadDraft(key)
	if err != nil || !ok {
		t.Fatalf("no draft after kill -9: %v", err)
	}
	got := contextLine(t, text)
	want := strings.Repeat(typed, 2)[:len(got)]
	if got != want {
		t.Fatalf("the restored text is not what was typed:\n got %q\nwant %q", got, want)
	}
	if len(got) < before {
		t.Fatalf("the restored draft holds %d keys; %d were on disk before the kill", len(got), before)
	}
	// How far behind the autosave was is for the log: timings do not fail a test (the
	// autosave's delay is tested with an injected clock in tui).
	lostSince := killedAt
	if at, ok := typedAt[len(got)+1]; ok {
		lostSince = at
	}
	t.Logf("typed %d, restored %d (saved %s before the kill); the first lost key was typed %s before it",
		count, len(got), killedAt.Sub(saved), killedAt.Sub(lostSince))
}

// onDisk reports whether the draft file holds s.
func onDisk(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// contextLine is the first line of the draft's Context section.
func contextLine(t *testing.T, draft string) string {
	t.Helper()
	human := model.HumanPart(draft)
	i := strings.Index(human, "## Context\n")
	if i < 0 {
		t.Fatalf("the draft lost its Context section:\n%s", human)
	}
	got := human[i+len("## Context\n"):]
	return got[:strings.IndexByte(got+"\n", '\n')]
}

func mustRotation(t *testing.T) model.Rotation {
	cfg, err := config.Parse("", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Rotation
}

func mustConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
