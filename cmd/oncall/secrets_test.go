package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/tui"
)

// echoTokens is a hostile server: some answers carry back the token it was sent.
func echoTokens(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("Private-Token") + r.Header.Get("Authorization")
		switch {
		case r.URL.Path == "/incidents":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":{"code":2000,"message":"bad key ` + tok + `"}}`))
		case r.Method == http.MethodPost || strings.Contains(r.URL.Path, "infrastructure"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"token ` + tok + ` is not allowed here"}`))
		default:
			h.ServeHTTP(w, r)
		}
	})
}

func TestTokensAreNeverWrittenOrPrinted(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), echoTokens)
	cfgPath := writeConfig(t, srv.URL)
	state, cache := t.TempDir(), t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("XDG_CACHE_HOME", cache)
	now := simNow.Add(50 * time.Minute).Format(time.RFC3339)

	var printed strings.Builder
	for _, args := range [][]string{
		{"status", "--config", cfgPath, "--now", now},
		{"status", "--json", "--config", cfgPath, "--now", now},
		{"handoff", "--print", "--config", cfgPath, "--now", now},
	} {
		_, out, errs := oncall(args...)
		printed.WriteString(out + errs)
	}
	draft := filepath.Join(t.TempDir(), "h.md")
	_ = os.WriteFile(draft, []byte("# handoff\n"), 0o600)
	_, out, errs := oncall("handoff", "--publish", draft, "--config", cfgPath, "--now", now)
	printed.WriteString(out + errs)
	if !strings.Contains(printed.String(), "[token]") {
		t.Fatalf("the hostile server's echo did not reach an error, so this test proves nothing:\n%s", printed.String())
	}

	// The dashboard: refresh, cache, write and publish a handoff (which fails and waits).
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	h, err := realHub(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	local, err := openState(h, false)
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(tui.Options{Backend: h, Local: local, Rotation: cfg.Rotation, Theme: "mono",
		Clock: func() time.Time { return simNow.Add(50 * time.Minute) }, AutosaveDelay: time.Millisecond, CacheDelay: time.Millisecond})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drive := func(msg tea.Msg) {
		_, cmd := m.Update(msg)
		for i := 0; cmd != nil && i < 20; i++ {
			next := cmd()
			if next == nil {
				break
			}
			if b, ok := next.(tea.BatchMsg); ok {
				for _, c := range b {
					if c != nil {
						if mm := c(); mm != nil {
							m.Update(mm)
						}
					}
				}
				break
			}
			_, cmd = m.Update(next)
		}
		printed.WriteString(ansi.Strip(m.View().Content))
	}
	for _, id := range h.Sources() {
		patch, err := h.Fetch(t.Context(), id, simNow)
		_ = patch
		if err != nil {
			printed.WriteString(err.Error())
		}
	}
	drive(tea.KeyPressMsg{Code: 'r', Text: "r"})
	drive(tea.KeyPressMsg{Code: 'h', Text: "h"})
	for _, r := range "context" {
		drive(tea.KeyPressMsg{Code: r, Text: string(r)})
	}

	for _, secret := range []string{glToken, pdToken, "SECRET"} {
		if strings.Contains(printed.String(), secret) {
			t.Errorf("%q was printed", secret)
		}
	}
	files := 0
	for _, dir := range []string{state, cache} {
		_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			files++
			b, _ := os.ReadFile(path)
			if strings.Contains(string(b), "SECRET") {
				t.Errorf("%s holds a token", path)
			}
			return nil
		})
	}
	if files < 2 {
		t.Fatalf("only %d files were written; the test should see the outbox and drafts", files)
	}
}
