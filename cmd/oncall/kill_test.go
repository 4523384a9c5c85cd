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
// editor, with keys typed into it. It runs only when the parent asks for it.
func TestTypistChild(t *testing.T) {
	if os.Getenv("ONCALL_TYPIST") != "1" {
		t.Skip("run by TestDraftSurvivesSIGKILL")
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg, err := config.Parse("", nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHub(cfg, srv.URL, srv.URL, "gl", "pd")
	if err != nil {
		t.Fatal(err)
	}
	state, err := openState(h, false)
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(tui.Options{Backend: h, Drafts: state, Rotation: cfg.Rotation, Refresh: time.Minute, Theme: "mono",
		Clock: func() time.Time { return simNow }, OpenHandoff: true, HandoffProject: cfg.GitLab.HandoffProject})
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(100, 40), tea.WithoutSignalHandler())
	go func() { _, _ = p.Run() }()
	time.Sleep(300 * time.Millisecond)
	for i := 0; ; i++ {
		r := rune(typed[i%len(typed)])
		p.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		fmt.Printf("typed %d\n", i+1)
		time.Sleep(typingInterval)
	}
}

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
	// Let it type for a while, then kill it mid-sentence.
	lines := bufio.NewScanner(out)
	count := 0
	deadline := time.Now().Add(30 * time.Second)
	for lines.Scan() && time.Now().Before(deadline) {
		if n, ok := strings.CutPrefix(lines.Text(), "typed "); ok {
			count, _ = strconv.Atoi(n)
			if count >= 250 {
				break
			}
		}
	}
	killedAt := time.Now()
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if count < 250 {
		t.Fatalf("the typist typed only %d keys", count)
	}

	st, err := store.Open(filepath.Join(stateHome, "oncall"))
	if err != nil {
		t.Fatal(err)
	}
	rot := mustRotation(t)
	cur := rot.ShiftAt(simNow)
	text, saved, ok, err := st.LoadDraft(model.HandoffKey(cur, rot.NextShift(cur)))
	if err != nil || !ok {
		t.Fatalf("no draft after kill -9: %v", err)
	}
	human := model.HumanPart(text)
	i := strings.Index(human, "## Context\n")
	if i < 0 {
		t.Fatalf("the draft lost its Context section:\n%s", human)
	}
	got := human[i+len("## Context\n"):]
	got = got[:strings.IndexByte(got+"\n", '\n')]
	want := strings.Repeat(typed, 2)[:len(got)]
	if got != want {
		t.Fatalf("the restored text is not what was typed:\n got %q\nwant %q", got, want)
	}
	// At most the last second (plus the time to print and kill) may be missing.
	lost := count - len(got)
	allowed := int(time.Second/typingInterval) + 20
	t.Logf("typed %d, restored %d, lost %d (allowed %d)", count, len(got), lost, allowed)
	if lost > allowed {
		t.Fatalf("%d of %d keystrokes lost; at most %d (one second) may be", lost, count, allowed)
	}
	if killedAt.Sub(saved) > 2*time.Second {
		t.Errorf("the draft was last saved %s before the kill", killedAt.Sub(saved))
	}
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
