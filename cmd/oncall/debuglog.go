package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/sources/store"
)

// maxLogSize bounds --debug's log: past it the file is moved to oncall.log.1 (replacing the
// one before) and a new one is started, so the two never hold more than twice this.
const maxLogSize = 4 << 20

// debugLog is --debug's log file, $XDG_STATE_HOME/oncall/oncall.log: private (0600),
// appended to, bounded, and never a token in it. Nothing of it goes to the screen.
type debugLog struct {
	*slog.Logger

	mu      sync.Mutex
	path    string
	f       *os.File
	size    int64
	secrets [][]byte
	started time.Time
}

// debugLogPath is where --debug writes.
func debugLogPath() string { return filepath.Join(store.DefaultDir(), "oncall.log") }

// openDebugLog opens (or creates) the log at path for appending.
func openDebugLog(path string) (*debugLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("--debug: cannot create %s: %s", filepath.Dir(path), store.Reason(err))
	}
	l := &debugLog{path: path, started: time.Now()}
	if err := l.open(); err != nil {
		return nil, err
	}
	l.Logger = slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return l, nil
}

// open opens the file, first moving it aside when it is already full.
func (l *debugLog) open() error {
	if st, err := os.Stat(l.path); err == nil && st.Size() >= maxLogSize {
		_ = os.Rename(l.path, l.path+".1")
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("--debug: cannot open %s: %s", l.path, store.Reason(err))
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("--debug: %s: %s", l.path, store.Reason(err))
	}
	if st.Mode().Perm() != 0o600 {
		_ = f.Chmod(0o600) // a log of someone's requests is theirs alone
	}
	l.f, l.size = f, st.Size()
	return nil
}

// redact keeps these strings (the tokens) out of every line written from now on.
func (l *debugLog) redact(secrets ...string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range secrets {
		if strings.TrimSpace(s) != "" {
			l.secrets = append(l.secrets, []byte(s))
		}
	}
}

// Write appends one log line, with the tokens replaced, starting a new file past maxLogSize.
func (l *debugLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := p
	for _, s := range l.secrets {
		line = bytes.ReplaceAll(line, s, []byte("[REDACTED]"))
	}
	if l.f == nil {
		return len(p), nil // closed, or a rotation failed: the log is best effort
	}
	if l.size+int64(len(line)) > maxLogSize && l.size > 0 {
		_ = l.f.Close()
		l.f = nil
		_ = os.Rename(l.path, l.path+".1")
		if err := l.open(); err != nil {
			return len(p), nil
		}
	}
	n, err := l.f.Write(line)
	l.size += int64(n)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes the stop line and closes the file.
func (l *debugLog) Close(exitCode int) {
	if l == nil {
		return
	}
	l.Info("stop", "exit", exitCode, "after", time.Since(l.started).Round(time.Millisecond))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}

// transport logs every request made through base: method, URL (no credentials), status,
// duration and bytes of the answer, once its body is closed.
func (l *debugLog) transport(base http.RoundTripper) http.RoundTripper {
	if l == nil {
		return base
	}
	return &logTransport{base: base, log: l}
}

type logTransport struct {
	base http.RoundTripper
	log  *debugLog
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.log.Info("http", "method", req.Method, "url", logURL(req.URL), "error", err.Error(), "duration", time.Since(start).Round(time.Millisecond))
		return nil, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, done: func(n int64) {
		t.log.Info("http", "method", req.Method, "url", logURL(req.URL), "status", resp.StatusCode, "duration", time.Since(start).Round(time.Millisecond), "bytes", n)
	}}
	return resp, nil
}

// countingBody counts what is read of a body and reports it once, when it is closed.
type countingBody struct {
	io.ReadCloser
	n    int64
	once sync.Once
	done func(n int64)
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *countingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() { b.done(b.n) })
	return err
}

// logURL is u without credentials: no user info, and the value of any query parameter
// whose name speaks of a token, key, secret or password replaced. The APIs oncall uses
// carry none there (their tokens travel in headers), but a log must not rely on that.
func logURL(u *url.URL) string {
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		for _, word := range []string{"token", "key", "secret", "password", "auth"} {
			if strings.Contains(lk, word) {
				q[k], changed = []string{"REDACTED"}, true
			}
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}
