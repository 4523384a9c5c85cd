package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

const glToken, pdToken = "glpat-SECRET-test-token", "pd-SECRET-test-token"

var simNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

// writeConfig points a config at url and returns its path.
func writeConfig(t *testing.T, url string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	doc := "gitlab:\n  url: " + url + "\n  token_env: TEST_GL_TOKEN\npagerduty:\n  url: " + url + "\n  token_env: TEST_PD_TOKEN\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_GL_TOKEN", glToken)
	t.Setenv("TEST_PD_TOKEN", pdToken)
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // never the user's own state
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return path
}

func oncall(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestStatusPrintsTheSnapshot(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := writeConfig(t, srv.URL)
	code, out, errs := oncall("status", "--config", cfg, "--now", simNow.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d; stderr %s", code, errs)
	}
	for _, want := range []string{"On call: EMEA until 16:00 UTC; handoff EMEA -> AMER in 1h29m", "Incidents (", "S1", "[data loss]", "Changes (", "in-progress", "On-call issues (", "[ready to hand off]", "Handoffs (latest", "Pages: 1 triggered, 3 acknowledged", "PagerDuty rotation  ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errs, "SECRET") {
		t.Error("a token was printed")
	}
}

func TestStatusJSON(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	code, out, errs := oncall("status", "--json", "--config", writeConfig(t, srv.URL), "--now", simNow.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Shift struct {
			Region string    `json:"region"`
			End    time.Time `json:"end"`
		} `json:"shift"`
		SchemaVersion int `json:"schema_version"`
		Incidents     []struct {
			Severity string `json:"severity"`
			Status   string `json:"status"`
			Title    string `json:"title"`
		} `json:"incidents"`
		OnCall []struct {
			Region string `json:"region"`
			Now    *struct {
				Name string `json:"name"`
			} `json:"now"`
		} `json:"oncall"`
		Sources []struct {
			ID string `json:"id"`
			OK bool   `json:"ok"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Shift.Region != "EMEA" || !doc.Shift.End.Equal(time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("shift %+v", doc.Shift)
	}
	if doc.SchemaVersion != 1 || len(doc.Incidents) == 0 || doc.Incidents[0].Severity != "S1" || doc.Incidents[0].Status == "" || len(doc.OnCall) != 2 || doc.OnCall[0].Now == nil {
		t.Errorf("document: %+v", doc)
	}
	if len(doc.Sources) != 5 || !doc.Sources[0].OK {
		t.Errorf("sources: %+v", doc.Sources)
	}
	assertSchema(t, []byte(out))
}

func TestStatusExitsOneWhenASourceFailsAndStillPrints(t *testing.T) {
	breakPD := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/schedules/") {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), breakPD)
	code, out, _ := oncall("status", "--config", writeConfig(t, srv.URL), "--now", simNow.Format(time.RFC3339))
	if code != 1 {
		t.Fatalf("exit %d; want 1", code)
	}
	// Either region's request may fail first; both say where and why.
	if !strings.Contains(out, "PagerDuty rotation  FAILED: on-call for ") || !strings.Contains(out, "01): 502 Bad Gateway") {
		t.Errorf("failure not reported:\n%s", out)
	}
	if !strings.Contains(out, "[data loss]") {
		t.Error("the sources that answered were not printed")
	}
}

func TestBadInputExitsTwoWithWhereAndWhat(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("rotation:\n  - {region: EMEA, start: \"04:00\", end: \"15:00\", schedule: A}\n  - {region: AMER, start: \"16:00\", end: \"04:00\", schedule: B}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"status", "--config", bad}, bad + ":2: rotation[0].end: gap"},
		{[]string{"status", "--config", filepath.Join(dir, "none.yaml")}, "none.yaml: cannot read the config"},
		{[]string{"status", "--now", "yesterday"}, "--now \"yesterday\": want RFC 3339"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"status", "--bogus"}, "unknown flag"},
	}
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", dir)
	for _, c := range cases {
		code, _, errs := oncall(c.args...)
		if code != 2 || !strings.Contains(errs, c.says) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.says)
		}
	}
}

// A first run (no config, no token) names both missing tokens, where each comes from, and
// the way on: the simulator, and a config to write.
func TestMissingTokensNameTheVariablesAndTheWayOn(t *testing.T) {
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GITLAB_TOKEN", "")
	t.Setenv("PAGERDUTY_TOKEN", "")
	for _, args := range [][]string{{"status"}, {}} {
		code, _, errs := oncall(args...)
		for _, want := range []string{
			"gitlab.token_env: the environment variable GITLAB_TOKEN is empty or unset; export it with your GitLab token, or name a file holding it in gitlab.token_file",
			"pagerduty.token_env: the environment variable PAGERDUTY_TOKEN is empty or unset",
			"run `oncall demo` (the embedded simulator); `oncall config init` writes a commented config",
		} {
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("oncall %v: exit %d, want 2 and %q in:\n%s", args, code, want, errs)
			}
		}
	}
	t.Setenv("GITLAB_TOKEN", "glpat-x")
	code, _, errs := oncall("status")
	if code != 2 || strings.Contains(errs, "GITLAB_TOKEN") || !strings.Contains(errs, "PAGERDUTY_TOKEN is empty") {
		t.Errorf("one token missing: exit %d\n%s", code, errs)
	}
}

func TestHandoffPrintAndPublish(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := writeConfig(t, srv.URL)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	now := simNow.Add(50 * time.Minute).Format(time.RFC3339) // 15:20, the EMEA shift's last hour

	code, out, errs := oncall("handoff", "--print", "--config", cfg, "--now", now)
	if code != 0 || !strings.HasPrefix(out, "# On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER") || !strings.Contains(out, "## Needs a new lead") {
		t.Fatalf("--print: exit %d, stderr %s\n%s", code, errs, out)
	}

	file := filepath.Join(t.TempDir(), "handoff.md")
	if err := os.WriteFile(file, []byte(out+"\nAll good, nothing to add.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, url, errs := oncall("handoff", "--publish", file, "--config", cfg, "--now", now)
	if code != 0 || !strings.Contains(url, "/gitlab-com/gl-infra/on-call-handovers/-/issues/") {
		t.Fatalf("--publish: exit %d, stderr %s, stdout %s", code, errs, url)
	}
	code, status, _ := oncall("status", "--config", cfg, "--now", now)
	if code != 0 || !strings.Contains(status, "On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER  opened") {
		t.Fatalf("the published handoff is not listed:\n%s", status)
	}

	for _, bad := range [][]string{{"--publish", filepath.Join(t.TempDir(), "none.md")}, {"--print", "--publish", file}} {
		if code, _, errs := oncall(append([]string{"handoff", "--config", cfg}, bad...)...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d %q", bad, code, errs)
		}
	}
}

func TestReportCommand(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := writeConfig(t, srv.URL)
	at := simNow.Format(time.RFC3339)
	code, out, errs := oncall("report", "--since", "7d", "--config", cfg, "--now", at)
	if code != 0 || !strings.Contains(out, "# Incident report 2026-11-16 14:30 – 2026-11-23 14:30 UTC") || !strings.Contains(out, "## Error budget") {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
	code, out, _ = oncall("report", "--json", "--from", "2026-11-01", "--to", "2026-11-23", "--config", cfg, "--now", at)
	var r struct {
		Window struct{ From, To time.Time } `json:"window"`
		Budget struct {
			Allowed float64 `json:"allowed_seconds"`
		} `json:"budget"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !r.Window.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || r.Budget.Allowed != 1209.6 {
		t.Fatalf("--json: exit %d %+v", code, r)
	}
	assertSchema(t, []byte(out))
	if code, out, _ = oncall("report", "--shift", "--config", cfg, "--now", at); code != 0 || !strings.Contains(out, "2026-11-23 04:00 – 2026-11-23 14:30") {
		t.Fatalf("--shift: %d\n%s", code, out)
	}
	for _, bad := range [][]string{{"--since", "a week"}, {"--since", "7d", "--shift"}, {"--from", "yesterday"}, {"--from", "2026-11-23", "--to", "2026-11-01"}} {
		if code, _, errs := oncall(append([]string{"report", "--config", cfg}, bad...)...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d %q", bad, code, errs)
		}
	}
}

// A second `oncall status` starts from the cache the first one left: GitLab's lists are
// asked for only what changed since, and what it prints is the same.
func TestStatusStartsFromItsCache(t *testing.T) {
	var mu sync.Mutex
	var lists []string
	logLists := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/issues") {
				mu.Lock()
				lists = append(lists, r.URL.RawQuery)
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), logLists)
	cfg := writeConfig(t, srv.URL)
	at := simNow.Format(time.RFC3339)
	code, first, errs := oncall("status", "--config", cfg, "--now", at)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	mu.Lock()
	lists = nil
	mu.Unlock()
	code, second, errs := oncall("status", "--config", cfg, "--now", at)
	if code != 0 || second != first {
		t.Fatalf("the second run (exit %d, %s) prints otherwise:\n%s\nthan the first:\n%s", code, errs, second, first)
	}
	mu.Lock()
	defer mu.Unlock()
	incremental := 0
	for _, q := range lists {
		if strings.Contains(q, "updated_after") {
			incremental++
		}
	}
	if incremental < 2 { // the production queue and the ~oncall issues
		t.Fatalf("the second run read its lists whole: %v", lists)
	}
	// It keeps a cache, and nothing else: no state directory (drafts, outbox) is made.
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_STATE_HOME"), "oncall")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("status made the state directory: %v", err)
	}
}
