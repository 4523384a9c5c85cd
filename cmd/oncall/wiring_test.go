package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// max_server_wait caps a server's Retry-After: a one-shot command that would give up on an
// hour's wait tries again after the cap.
func TestMaxServerWaitCapsAServersWait(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), rateLimitOnce("/schedules/PEMEA01", "3600"))
	cfg := writeConfig(t, srv.URL)
	at := simNow.Format(time.RFC3339)
	code, out, _ := oncall("status", "--config", cfg, "--now", at)
	if code != exitFailed || !strings.Contains(out, "asked to wait 15m0s") {
		t.Fatalf("by default the wait is capped at 15m and does not fit: exit %d\n%s", code, out)
	}
	srv, _ = simtest.NewTestServer(t, sim.DefaultOptions(simNow), rateLimitOnce("/schedules/PEMEA01", "3600"))
	cfg = writeConfig(t, srv.URL)
	appendConfig(t, cfg, "max_server_wait: 1s\n")
	if code, out, errs := oncall("status", "--config", cfg, "--now", at); code != 0 || !strings.Contains(out, "PagerDuty rotation  ok") {
		t.Fatalf("max_server_wait: 1s: exit %d %s\n%s", code, errs, out)
	}
}

// gitlab.max_pages bounds how many pages of one list are read, and status says the list
// was cut.
func TestMaxPagesCutsAList(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), claimPages("labels=incident", 3))
	cfg := writeConfig(t, srv.URL)
	at := simNow.Format(time.RFC3339)
	const cut = "GitLab queue: more than 100 ~incident issues in gitlab-com/gl-infra/production: showing the newest 100"
	if code, out, errs := oncall("status", "--config", cfg, "--now", at); code != 0 || strings.Contains(out, cut) {
		t.Fatalf("the default reads 100 pages: exit %d %s\n%s", code, errs, out)
	}
	editConfig(t, cfg, "  token_env: TEST_GL_TOKEN\n", "  token_env: TEST_GL_TOKEN\n  max_pages: 1\n")
	if code, out, errs := oncall("status", "--config", cfg, "--now", at); code != 0 || !strings.Contains(out, "! "+cut) {
		t.Fatalf("max_pages: 1: exit %d %s\n%s", code, errs, out)
	}
}

// claimPages makes the issue lists whose query holds match claim pages pages in their
// headers (the pages past the first are empty).
func claimPages(match string, pages int) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/issues") && strings.Contains(r.URL.RawQuery, match) {
				w = &headerOverride{ResponseWriter: w, set: map[string]string{"X-Total-Pages": itoa(pages), "X-Total": itoa(pages * 100)}}
			}
			h.ServeHTTP(w, r)
		})
	}
}

type headerOverride struct {
	http.ResponseWriter
	set map[string]string
}

func (o *headerOverride) WriteHeader(code int) {
	for k, v := range o.set {
		o.Header().Set(k, v)
	}
	o.ResponseWriter.WriteHeader(code)
}

func (o *headerOverride) Write(b []byte) (int, error) {
	for k, v := range o.set {
		if o.Header().Get(k) != v {
			o.WriteHeader(http.StatusOK)
			break
		}
	}
	return o.ResponseWriter.Write(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// editConfig replaces old with new in the config at path.
func editConfig(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("%s: %v, or no %q in it", path, err, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The dashboard gets the config's notify, mouse and keys; desktop: auto follows the
// terminal; NO_COLOR turns the auto theme to mono; --theme wins over the config.
func TestDashboardOptionsFollowTheConfig(t *testing.T) {
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	path := writeConfig(t, "https://gitlab.example.com")
	appendConfig(t, path, "mouse: true\nnotify: {bell: false}\nkeys: {refresh: [f5]}\n")
	g := &globals{configPath: path}
	cfg, clock, err := g.load()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TERM": "xterm-kitty"}
	opts := dashboardOptions(cfg, clock, context.Background(), func(k string) string { return env[k] })
	if !opts.Mouse || opts.Notify.Bell || opts.Notify.Desktop != "osc9" || len(opts.Keys["refresh"]) != 1 || opts.Theme != "auto" {
		t.Errorf("options %+v", opts)
	}
	env = map[string]string{"TERM": "xterm-kitty", "TMUX": "/tmp/tmux", "NO_COLOR": "1"}
	if opts = dashboardOptions(cfg, clock, context.Background(), func(k string) string { return env[k] }); opts.Notify.Desktop != "" || opts.Theme != "mono" {
		t.Errorf("in tmux with NO_COLOR: desktop %q theme %q", opts.Notify.Desktop, opts.Theme)
	}

	g.theme = "light"
	if cfg, _, err = g.load(); err != nil || cfg.Theme != "light" {
		t.Errorf("--theme light: %v %q", err, cfg.Theme)
	}
	if code, _, errs := oncall("status", "--theme", "neon", "--config", path); code != exitBadInput || !strings.Contains(errs, `--theme "neon" is not a theme; use auto, dark, light, mono`) {
		t.Errorf("--theme neon: exit %d %q", code, errs)
	}
}

// The dashboard starts with the local state's warnings (a cache directory it cannot write)
// and the config's.
func TestTheDashboardShowsTheStatesWarnings(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	path := writeConfig(t, srv.URL)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", blocker) // a file where a directory should be: works as root too
	opts, stop, err := prepareDashboard(context.Background(), &globals{configPath: path}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if len(opts.Warnings) != 1 || !strings.HasPrefix(opts.Warnings[0], "cache off: ") {
		t.Errorf("warnings %q", opts.Warnings)
	}
}

// The demo acts on pages as the simulated engineer on call, with their own PagerDuty user
// key: a and x work without a pagerduty.from (a configured one names nobody there).
func TestTheDemoActsOnPagesAsTheEngineerOnCall(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path := writeConfig(t, "https://gitlab.example.com")
	editConfig(t, path, "  token_env: TEST_PD_TOKEN\n", "  token_env: TEST_PD_TOKEN\n  from: someone@example.com\n")
	opts, stop, err := prepareDashboard(context.Background(), &globals{configPath: path, now: simNow.Format(time.RFC3339)}, &simSetup{seed: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	h := opts.Backend.(*hub.Hub)
	ctx := context.Background()
	me, err := h.PagerDutyMe(ctx)
	if err != nil || me.Name == "" {
		t.Fatalf("who acts: %+v %v", me, err)
	}
	patch, err := h.Fetch(ctx, model.SourcePages, simNow)
	if err != nil {
		t.Fatal(err)
	}
	var snap model.Snapshot
	patch(&snap)
	for _, p := range snap.Pages.Open {
		if p.Status == model.PageTriggered {
			if got, err := h.AcknowledgePage(ctx, p.ID); err != nil || got.Status != model.PageAcknowledged {
				t.Errorf("acknowledging %s: %+v %v", p.ID, got, err)
			}
			return
		}
	}
	t.Fatal("no triggered page in the demo")
}
