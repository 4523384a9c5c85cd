package main

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// --debug logs every request the clients make, with start and stop, to a private file and
// never to the screen, and no token reaches it.
func TestDebugLogsEveryRequestPrivately(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), nil)
	cfg := writeConfig(t, srv.URL)
	code, out, errs := oncall("status", "--debug", "--config", cfg, "--now", simNow.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	if strings.Contains(out+errs, "msg=") || strings.Contains(out+errs, "level=") {
		t.Errorf("the log reached the screen:\n%s%s", out, errs)
	}
	path := filepath.Join(os.Getenv("XDG_STATE_HOME"), "oncall", "oncall.log")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("log %s: %v %v", path, err, st)
	}
	b, _ := os.ReadFile(path)
	log := string(b)
	for _, re := range []string{
		`level=INFO msg=start command="oncall status" version=`,
		`msg=http method=GET url="` + regexp.QuoteMeta(srv.URL) + `/api/v4/projects/gitlab-com%2Fgl-infra%2Fproduction/issues\?[^"]*labels=incident[^"]*" status=200 duration=\d+m?s bytes=\d{3,}`,
		`msg=http method=GET url="?` + regexp.QuoteMeta(srv.URL) + `/schedules/PEMEA01\?[^ ]* status=200 `,
		`msg=http method=GET url=` + regexp.QuoteMeta(srv.URL) + `/api/v4/user status=200 `,
		`msg=stop exit=0 after=`,
	} {
		if !regexp.MustCompile(re).MatchString(log) {
			t.Errorf("the log lacks %s:\n%s", re, log)
		}
	}
	if strings.Contains(log, "SECRET") {
		t.Error("a token reached the log")
	}
	// Appended, not replaced.
	oncall("status", "--debug", "--config", cfg, "--now", simNow.Format(time.RFC3339))
	b, _ = os.ReadFile(path)
	if strings.Count(string(b), "msg=start") != 2 {
		t.Errorf("the second run did not append")
	}
}

func TestDebugLogIsBoundedAndRedacted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "oncall.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// A full log from an earlier run is moved aside at start; a log made readable by others
	// is made private again.
	if err := os.WriteFile(path, make([]byte, maxLogSize), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := openDebugLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + ".1"); err != nil || st.Size() != maxLogSize {
		t.Errorf("the full log was not moved aside: %v", err)
	}
	l.redact("s3cr3t-token")
	l.Info("http", "url", "https://h.example/s3cr3t-token/x")
	line := strings.Repeat("x", 64<<10)
	for range maxLogSize/len(line) + 10 {
		l.Info("filler", "text", line)
	}
	l.Close(0)
	for _, p := range []string{path, path + ".1"} {
		st, err := os.Stat(p)
		if err != nil || st.Size() > maxLogSize || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %d bytes, mode %v", p, err, st.Size(), st.Mode().Perm())
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b), "s3cr3t") {
			t.Errorf("%s holds the token", p)
		}
	}
}

func TestLogURLHoldsNoCredentials(t *testing.T) {
	for raw, want := range map[string]string{
		"https://gitlab.example.com/api/v4/projects/a%2Fb/issues?labels=incident&page=2": "https://gitlab.example.com/api/v4/projects/a%2Fb/issues?labels=incident&page=2",
		"https://gitlab.example.com/api/v4/user?private_token=glpat-x&a=1":               "https://gitlab.example.com/api/v4/user?a=1&private_token=REDACTED",
		"https://u:pw@api.example.com/incidents?statuses[]=triggered&api_key=abc":        "https://api.example.com/incidents?api_key=REDACTED&statuses%5B%5D=triggered",
	} {
		u, _ := url.Parse(raw)
		if got := logURL(u); got != want {
			t.Errorf("logURL(%s) = %s; want %s", raw, got, want)
		}
	}
}
