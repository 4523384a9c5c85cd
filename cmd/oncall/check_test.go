package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// checkOut runs oncall config check with the config at path.
func checkOut(t *testing.T, path string) (int, string, string) {
	t.Helper()
	return oncall("config", "check", "--config", path, "--now", simNow.Format(time.RFC3339))
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("the checklist lacks %q:\n%s", l, out)
		}
	}
}

func TestConfigCheckAllGood(t *testing.T) {
	srv, s := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	path := writeConfig(t, srv.URL)
	code, out, errs := checkOut(t, path)
	if code != 0 {
		t.Fatalf("exit %d %s\n%s", code, errs, out)
	}
	wantLines(t, out,
		"Config\n  ✓ "+path+" is valid",
		"GitLab "+srv.URL+"\n  ✓ token: signed in as @pnowak (Piotr Nowak)",
		"  ✓ dashboard, status, report (need read_api): the token has api",
		"  ✓ publishing and acknowledging handoffs (need api): the token has api",
		"  ✓ labels: every configured label exists in its project",
		"PagerDuty "+srv.URL+"\n  ✓ rotation: the schedules PEMEA01, PAMER01 answer",
		"  ✓ pages: 1 triggered, 3 acknowledged",
		// An account-level key and no pagerduty.from: looking works, acting does not.
		"  ⚠ acknowledging and resolving pages: ",
		"set pagerduty.from",
		"Everything needed works; 1 thing to look at (⚠)",
	)
	if strings.Contains(out+errs, "SECRET") {
		t.Error("a token was printed")
	}

	// With pagerduty.from naming a PagerDuty user, pages are acted on as them.
	var email string
	for e := range s.People() {
		email = e
	}
	editConfig(t, path, "  token_env: TEST_PD_TOKEN\n", "  token_env: TEST_PD_TOKEN\n  from: "+email+"\n")
	code, out, _ = checkOut(t, path)
	if code != 0 || !strings.Contains(out, "<"+email+"> (pagerduty.from)") || !strings.Contains(out, "All good.") {
		t.Errorf("with pagerduty.from: exit %d\n%s", code, out)
	}
}

func TestConfigCheckSaysWhatATokenLacks(t *testing.T) {
	opts := sim.DefaultOptions(simNow)
	opts.ReadOnlyTokens = []string{glToken}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	path := writeConfig(t, srv.URL)
	appendConfig(t, path, "labels:\n  incident: Incident\n")
	code, out, _ := checkOut(t, path)
	if code != 0 {
		t.Fatalf("a read_api token and a label typo are warnings, not failures: exit %d\n%s", code, out)
	}
	wantLines(t, out,
		"  ✓ dashboard, status, report (need read_api): the token has read_api",
		"  ⚠ publishing and acknowledging handoffs need the api scope: the token has read_api",
		"  ⚠ label 'Incident' does not exist in gitlab-com/gl-infra/production; did you mean 'incident'?",
	)

	// A token about to expire, one GitLab cannot describe, one without read_api.
	for _, c := range []struct {
		body string
		code int
		mark string
		says string
	}{
		{`{"id":1,"name":"laptop","scopes":["api"],"active":true,"revoked":false,"expires_at":"2026-11-30"}`, 200, "⚠", `the token "laptop" expires on 2026-11-30, in 6 days`},
		{`{"id":1,"name":"old","scopes":["api"],"active":false,"revoked":false,"expires_at":"2026-11-01"}`, 200, "✗", `the token "old" expired on 2026-11-01`},
		{`{"id":1,"name":"user","scopes":["read_user"],"active":true,"revoked":false,"expires_at":null}`, 200, "✗", "dashboard, status, report need the read_api scope: the token has read_user"},
		{`{"message":"400 Bad request - This endpoint requires token type to be a personal access token"}`, 400, "⚠", "it is not a personal, project or group access token"},
		{`{"message":"404 Not Found"}`, 404, "⚠", "GitLab before 15.5 cannot tell"},
	} {
		srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), answer("/api/v4/personal_access_tokens/self", c.code, c.body))
		code, out, _ := checkOut(t, writeConfig(t, srv.URL))
		wantMarked(t, out, c.mark, c.says)
		if want := map[string]int{"⚠": 0, "✗": 1}[c.mark]; code != want {
			t.Errorf("%s: exit %d; want %d", c.says, code, want)
		}
	}
}

func TestConfigCheckFailures(t *testing.T) {
	// A GitLab that refuses the token, a PagerDuty that is down.
	mw := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasPrefix(r.URL.Path, "/api/v4/"):
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"message":"401 Unauthorized"}`))
			case strings.HasPrefix(r.URL.Path, "/schedules/"):
				http.Error(w, "down", http.StatusBadGateway)
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), mw)
	path := writeConfig(t, srv.URL)
	code, out, _ := checkOut(t, path)
	if code != exitFailed {
		t.Fatalf("exit %d; want 1\n%s", code, out)
	}
	wantLines(t, out, "  ✗ token: current user: 401", "  ✗ rotation: ", "502 Bad Gateway", "2 checks failed (✗)")
	if strings.Count(out, "✗") != 3 { // the two lines, and the summary
		t.Errorf("a refused token is said once, not for every GitLab check:\n%s", out)
	}

	// A token that cannot be read is bad input: exit 2, the other service still checked.
	t.Setenv("TEST_GL_TOKEN", "")
	srv, _ = simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	path = writeConfig(t, srv.URL)
	t.Setenv("TEST_GL_TOKEN", "")
	code, out, _ = checkOut(t, path)
	if code != exitBadInput {
		t.Errorf("a missing token: exit %d; want 2", code)
	}
	wantLines(t, out, "  ✗ token: "+path+": gitlab.token_env: the environment variable TEST_GL_TOKEN is empty or unset", "  ✓ pages: ")

	// A bad config is refused as loading refuses it.
	appendConfig(t, path, "theme: neon\n")
	if code, _, errs := checkOut(t, path); code != exitBadInput || !strings.Contains(errs, "theme: \"neon\" is not a theme") {
		t.Errorf("a bad config: exit %d %q", code, errs)
	}
}

func TestConfigCheckOnTheSimulatorScenarios(t *testing.T) {
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	code, out, _ := oncall("config", "check", "--sim", "--scenario", "read-only", "--scenario", "gap", "--now", simNow.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	wantLines(t, out, "⚠ publishing and acknowledging handoffs need the api scope", "⚠ nobody is scheduled for AMER from 16:00 to 19:00 UTC",
		"✓ acknowledging and resolving pages: as ")
}

// wantMarked wants a line of the checklist with mark that says says.
func wantMarked(t *testing.T, out, mark, says string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, says) {
			if !strings.HasPrefix(l, "  "+mark+" ") {
				t.Errorf("%q is not marked %s", l, mark)
			}
			return
		}
	}
	t.Errorf("the checklist lacks %q:\n%s", says, out)
}

// answer makes path answer code with body (JSON).
func answer(path string, code int, body string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				h.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(body))
		})
	}
}
