package tui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// patience bounds every wait on a real program: generous, because CI is a busy 2-core
// machine; a test that passes waits far less.
const patience = 20 * time.Second

// live is the model inside a real tea.Program, with the program's own goroutines and
// command runner. The test looks at the model only on the program's goroutine (do).
type live struct {
	t    *testing.T
	p    *tea.Program
	done chan struct{}
}

// probeMsg runs fn on the program's goroutine; the filter takes it before the model sees it.
type probeMsg struct {
	fn   func(*Model)
	done chan struct{}
}

func startLive(t *testing.T, m *Model, w, h int) *live {
	t.Helper()
	return startLiveTo(t, m, w, h, io.Discard)
}

// output is what a live program wrote to its terminal, safe to read while it writes.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// startLiveTo is startLive with the program's output kept in out.
func startLiveTo(t *testing.T, m *Model, w, h int, out io.Writer) *live {
	t.Helper()
	filter := func(model tea.Model, msg tea.Msg) tea.Msg {
		if p, ok := msg.(probeMsg); ok {
			p.fn(model.(*Model))
			close(p.done)
			return nil
		}
		return msg
	}
	l := &live{t: t, done: make(chan struct{})}
	l.p = tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(out), tea.WithWindowSize(w, h),
		tea.WithoutSignalHandler(), tea.WithFilter(filter), tea.WithContext(t.Context()))
	go func() { _, _ = l.p.Run(); close(l.done) }()
	t.Cleanup(func() { l.p.Kill(); <-l.done })
	return l
}

func (l *live) send(msg tea.Msg) { l.p.Send(msg) }

// do runs fn on the program's goroutine and waits for it.
func (l *live) do(fn func(*Model)) {
	l.t.Helper()
	done := make(chan struct{})
	go l.p.Send(probeMsg{fn: fn, done: done})
	select {
	case <-done:
	case <-l.done:
		l.t.Fatal("the program ended")
	case <-time.After(patience):
		l.t.Fatal("the program did not answer within the patience")
	}
}

// waitFor waits until cond holds on the model, looking after each message.
func (l *live) waitFor(what string, cond func(*Model) bool) {
	l.t.Helper()
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		ok := false
		l.do(func(m *Model) { ok = cond(m) })
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond) // polling for a condition, not proving a duration
	}
	l.t.Fatalf("waited %s for %s", patience, what)
}

// waitOutput waits until the program has written want.
func (l *live) waitOutput(out *output, what, want string) {
	l.t.Helper()
	l.waitFor(what, func(*Model) bool { return strings.Contains(out.String(), want) })
}
