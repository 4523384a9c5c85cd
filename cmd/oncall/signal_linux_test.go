//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
	"github.com/oncall-sre/oncall/tui"
)

// The real dashboard in a real process on a real terminal (a pseudo-terminal), with keys
// typed into it, gets a real signal: the draft on disk holds every key it took, the
// process exits 128+n, and the terminal is left as it was found.

// signalAt is the instant the child pretends it is: the EMEA shift's last hour.
var signalAt = simNow.Add(50 * time.Minute)

// TestSignalChild is the process the signal tests send signals to: `oncall handoff --sim`,
// the real command, with its model watched. On fd 3 it reports "ready" once the editor
// shows the draft, "typed N" after the model has taken each key, and "shutdown N" when
// the shutdown reaches the model. It runs only when the parent asks for it.
func TestSignalChild(t *testing.T) {
	if os.Getenv("ONCALL_SIGNAL_CHILD") != "1" {
		t.Skip("run by TestSignalsSaveTheDraftAndRestoreTheTerminal")
	}
	report := os.NewFile(3, "report")
	wrapModel = func(m tea.Model) tea.Model { return &keyReporter{Model: m, out: report} }
	os.Exit(run([]string{"handoff", "--sim", "--theme", "mono", "--now", signalAt.Format(time.RFC3339)}, os.Stdout, os.Stderr))
}

// keyReporter reports what the model takes (see TestSignalChild).
type keyReporter struct {
	tea.Model
	out   io.Writer
	ready bool
	typed int
}

func (r *keyReporter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	r.Model, cmd = r.Model.Update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg:
		if r.ready {
			r.typed++
			fmt.Fprintf(r.out, "typed %d\n", r.typed)
		}
	case tui.ShutdownMsg:
		fmt.Fprintf(r.out, "shutdown %d\n", r.typed)
	}
	if !r.ready && strings.Contains(r.Model.View().Content, "## Context") {
		r.ready = true
		fmt.Fprintln(r.out, "ready")
	}
	return r, cmd
}

func TestSignalsSaveTheDraftAndRestoreTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) { signalCase(t, sig) })
	}
}

// signalCase types into a dashboard until it has taken at least 40 keys, sends sig while
// keys are still coming, and checks the draft, the exit code and the terminal.
func signalCase(t *testing.T, sig syscall.Signal) {
	const minTyped = 40
	master, slave := openPTY(t, 100, 40)
	defer master.Close()
	slavePath := slave.Name()
	if !cooked(t, slavePath) {
		t.Fatal("the new terminal is not in cooked mode")
	}
	reports, reportW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer reports.Close()
	stateHome := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestSignalChild$")
	child.Env = append(os.Environ(), "ONCALL_SIGNAL_CHILD=1", "TERM=xterm-256color", "ONCALL_CONFIG=",
		"XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+stateHome, "XDG_CACHE_HOME="+t.TempDir())
	child.Stdin, child.Stdout, child.Stderr = slave, slave, slave
	child.ExtraFiles = []*os.File{reportW}
	child.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	_ = slave.Close()
	_ = reportW.Close()
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	defer func() {
		_ = child.Process.Kill()
		<-exited
	}()
	screen := drain(master)

	// Reports, in order: ready, typed 1, typed 2, ..., shutdown N, until the child exits.
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(reports)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func(within time.Duration) (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(within):
			return "", false
		}
	}
	if l, ok := next(2 * time.Minute); l != "ready" {
		t.Fatalf("the editor never showed the draft (%q, %v); the screen:\n%q", l, ok, screen.String())
	}

	// Type, a key every 5 ms, while the child reports what it took; past minTyped keys,
	// send the signal with keys still coming.
	stopTyping := make(chan struct{})
	typingDone := make(chan struct{})
	go func() {
		defer close(typingDone)
		for i := 0; ; i++ {
			select {
			case <-stopTyping:
				return
			case <-time.After(5 * time.Millisecond): // the typist's pace, not a synchronisation
			}
			if _, err := master.Write([]byte{typed[i%len(typed)]}); err != nil {
				return
			}
		}
	}()
	taken := 0
	for taken < minTyped {
		l, ok := next(time.Minute)
		if !ok {
			t.Fatalf("the child took %d keys, then stopped reporting", taken)
		}
		if n, found := strings.CutPrefix(l, "typed "); found {
			taken, _ = strconv.Atoi(n)
		}
	}
	if err := child.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	close(stopTyping)
	<-typingDone

	// The child reports the shutdown and how many keys the model had taken then.
	atShutdown, last := -1, taken
	for l := range lines {
		if n, ok := strings.CutPrefix(l, "typed "); ok {
			last, _ = strconv.Atoi(n)
		}
		if n, ok := strings.CutPrefix(l, "shutdown "); ok {
			atShutdown, _ = strconv.Atoi(n)
		}
	}
	var code int
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("the child exited with %v; want exit %d", err, 128+int(sig))
		}
		code = ee.ExitCode()
		exited <- err // for the deferred cleanup
	case <-time.After(time.Minute):
		t.Fatalf("the child did not exit within a minute of %s", sig)
	}
	if code != 128+int(sig) {
		t.Errorf("exit %d; want %d (128+%d)", code, 128+int(sig), int(sig))
	}
	if atShutdown < taken {
		t.Errorf("the shutdown reached the model after %d keys (-1: never), but it had taken %d before the signal", atShutdown, taken)
	}

	// The draft holds every key the model took before the signal (and before the shutdown
	// reached it), and nothing else.
	got := draftContext(t, stateHome)
	if len(got) < max(taken, atShutdown) || len(got) > last || got != strings.Repeat(typed, 2)[:len(got)] {
		t.Errorf("the draft holds %d characters (%q); the model had taken %d keys before the signal, %d at the shutdown and %d in all", len(got), got, taken, atShutdown, last)
	}
	t.Logf("%s: %d keys taken before the signal, %d at the shutdown, %d in the draft", sig, taken, atShutdown, len(got))

	// The terminal: the alternate screen left and the cursor shown, after the last time
	// they were entered and hidden, and echo and line mode back on.
	out := screen.wait(t)
	if i, j := bytes.LastIndex(out, []byte("\x1b[?1049h")), bytes.LastIndex(out, []byte("\x1b[?1049l")); i < 0 || j < i {
		t.Errorf("the alternate screen was not left (entered at %d, left at %d); the output ends %q", i, j, tail(out))
	}
	if i, j := bytes.LastIndex(out, []byte("\x1b[?25l")), bytes.LastIndex(out, []byte("\x1b[?25h")); j < i {
		t.Errorf("the cursor was left hidden; the output ends %q", tail(out))
	}
	if !cooked(t, slavePath) {
		t.Error("the terminal was left in raw mode (no echo)")
	}
}

// draftContext is the first line of the Context section of the simulator's draft.
func draftContext(t *testing.T, stateHome string) string {
	t.Helper()
	rot := mustRotation(t)
	cur := rot.ShiftAt(signalAt)
	key := model.HandoffKey(cur, rot.NextShift(cur))
	st, err := store.Open(filepath.Join(stateHome, "oncall", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	text, _, ok, err := st.LoadDraft(key)
	if err != nil || !ok {
		t.Errorf("no draft after the signal: %v", err)
		return ""
	}
	return contextLine(t, text)
}

// screenOutput is everything the program wrote to its terminal.
type screenOutput struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

// drain reads the terminal's output until the program's side is closed (EIO).
func drain(master *os.File) *screenOutput {
	s := &screenOutput{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 32<<10)
		for {
			n, err := master.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *screenOutput) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// wait returns the whole output once the program's side of the terminal is closed.
func (s *screenOutput) wait(t *testing.T) []byte {
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Error("the terminal's output did not end")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.buf.Bytes())
}

func tail(b []byte) []byte { return b[max(0, len(b)-300):] }
