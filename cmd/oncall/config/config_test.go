package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const good = `gitlab:
  url: https://gitlab.example.com
  token_env: GL_TOKEN_FOR_TEST
  production_project: ops/production
  oncall_project: ops/infra
  handoff_project: ops/handovers
pagerduty:
  url: https://api.pagerduty.com
  token_env: PD_TOKEN_FOR_TEST
rotation:
  - {region: APAC, start: "23:00", end: "07:00", schedule: PAPAC}
  - {region: EMEA, start: "07:00", end: "15:00", schedule: PEMEA}
  - {region: AMER, start: "15:00", end: "23:00", schedule: PAMER}
labels:
  incident: prod-incident
refresh: 30s
`

func TestParseGood(t *testing.T) {
	c, err := Parse("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rotation) != 3 || c.Rotation[0].Name != "APAC" || c.Rotation[0].Start != 23*60 {
		t.Errorf("rotation %+v", c.Rotation)
	}
	if c.Budget.Window != 28*24*time.Hour || c.Budget.Target != 99.95 || len(c.Budget.Severities) != 2 || c.Budget.UntilResolved {
		t.Errorf("budget defaults %+v", c.Budget)
	}
	if c.Refresh != 30*time.Second || c.Timeout != 10*time.Second {
		t.Errorf("refresh %s timeout %s", c.Refresh, c.Timeout)
	}
	if c.Labels.Incident != "prod-incident" || c.Labels.Change != "change" || c.Labels.Handoff != "oncall-handoff" {
		t.Errorf("a partial labels block must keep the other defaults: %+v", c.Labels)
	}
	if c.GitLab.ProductionProject != "ops/production" {
		t.Errorf("project %q", c.GitLab.ProductionProject)
	}
}

func TestDefaultsWhenNoFile(t *testing.T) {
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "" || len(c.Rotation) != 2 || c.Rotation[0].Name != "EMEA" || c.Refresh != time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml: cannot read") {
		t.Errorf("an explicit missing file must fail: %v", err)
	}
}

func TestOmittedRotationKeepsTheDefault(t *testing.T) {
	c, err := Parse("c.yaml", []byte("refresh: 2m\n"))
	if err != nil || len(c.Rotation) != 2 {
		t.Fatalf("%v %+v", err, c)
	}
}

func TestErrorsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, yaml string
		line       int
		key, says  string
	}{
		{"unknown key", "gitlab:\n  url: https://gitlab.com\n  tokn_env: X\n", 3, "gitlab.tokn_env", "did you mean gitlab.token_env?"},
		{"bad time", "rotation:\n  - {region: EMEA, start: \"04:00\", end: \"16:00\", schedule: A}\n  - {region: AMER, start: \"16:00\", end: \"4am\", schedule: B}\n", 3, "rotation[1].end", "not a time of day"},
		{"gap", "rotation:\n  - region: EMEA\n    start: \"04:00\"\n    end: \"15:00\"\n    schedule: A\n  - region: AMER\n    start: \"16:00\"\n    end: \"04:00\"\n    schedule: B\n", 4, "rotation[0].end", "gap"},
		{"overlap", "rotation:\n  - {region: EMEA, start: \"04:00\", end: \"17:00\", schedule: A}\n  - {region: AMER, start: \"16:00\", end: \"04:00\", schedule: B}\n", 2, "rotation[0].end", "overlap"},
		{"no regions", "rotation: []\n", 1, "rotation", "no regions"},
		{"refresh floor", "refresh: 5s\n", 1, "refresh", "below the 15s floor"},
		{"bad duration", "\n\ntimeout: soon\n", 3, "timeout", "not a duration"},
		{"cleartext url", "pagerduty:\n  url: http://pd.example.com\n", 2, "pagerduty.url", "pagerduty.insecure"},
		{"bad theme", "theme: neon\n", 1, "theme", "not a theme"},
		{"empty project", "gitlab:\n  oncall_project: \"\"\n", 2, "gitlab.oncall_project", "is empty"},
		{"syntax", "gitlab: [\n", 1, "", ""},
		{"token in the config", "gitlab:\n  token_env: glpat-AbCdEf0123456789xyz\n", 2, "gitlab.token_env", "looks like the token itself"},
		{"budget target", "budget:\n  target: 100\n", 2, "budget.target", "not an availability target"},
		{"budget window", "budget:\n  window: a month\n", 2, "budget.window", "not a duration"},
		{"budget severities", "budget:\n  severities: [1, 7]\n", 2, "budget.severities", "7 is not a severity"},
		{"budget until", "budget:\n  until: closed\n", 2, "budget.until", "until mitigated or until resolved"},
		{"bad env name", "pagerduty:\n  token_env: PD-TOKEN\n", 2, "pagerduty.token_env", "not an environment variable name"},
		{"wrong type", "refresh: [1, 2]\n", 1, "", ""},
	}
	for _, c := range cases {
		_, err := Parse("/etc/oncall.yaml", []byte(c.yaml))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want a config.Error", c.name, err)
			continue
		}
		if ce.Path != "/etc/oncall.yaml" || ce.Line != c.line || ce.Key != c.key || !strings.Contains(ce.Error(), c.says) {
			t.Errorf("%s: got %q (line %d key %q); want line %d key %q saying %q", c.name, ce.Error(), ce.Line, ce.Key, c.line, c.key, c.says)
		}
	}
}

func TestInsecureAllowsCleartextAndLoopbackIsFine(t *testing.T) {
	if _, err := Parse("c", []byte("pagerduty:\n  url: http://pd.example.com\n  insecure: true\n")); err != nil {
		t.Error(err)
	}
	if _, err := Parse("c", []byte("gitlab:\n  url: http://127.0.0.1:8080\n")); err != nil {
		t.Error(err)
	}
}

func TestTokens(t *testing.T) {
	c, err := Parse("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GL_TOKEN_FOR_TEST", "")
	t.Setenv("PD_TOKEN_FOR_TEST", "pd-secret")
	_, _, err = c.Tokens()
	if err == nil || !strings.Contains(err.Error(), "c.yaml: gitlab.token_env: the environment variable GL_TOKEN_FOR_TEST is empty") {
		t.Fatalf("got %v", err)
	}
	t.Setenv("PD_TOKEN_FOR_TEST", "")
	_, _, err = c.Tokens()
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 2 || errs[0].Key != "gitlab.token_env" || errs[1].Key != "pagerduty.token_env" {
		t.Fatalf("both missing: got %v; want both named", err)
	}
	t.Setenv("PD_TOKEN_FOR_TEST", "pd-secret")
	t.Setenv("GL_TOKEN_FOR_TEST", "gl-secret")
	gl, pd, err := c.Tokens()
	if err != nil || gl != "gl-secret" || pd != "pd-secret" {
		t.Fatalf("%q %q %v", gl, pd, err)
	}
	f := filepath.Join(t.TempDir(), "tok")
	if err := os.WriteFile(f, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.GitLab.TokenFile = f
	if gl, _, _ = c.Tokens(); gl != "from-file" || len(c.Warnings) != 0 {
		t.Fatalf("token_file: %q %v", gl, c.Warnings)
	}
	if err := os.Chmod(f, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Tokens(); err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "can be read by other users") {
		t.Fatalf("a world-readable token file: %v %v", err, c.Warnings)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("rotation:\n  - {region: X, start: \"00:00\", end: \"00:00\", schedule: S}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err == nil && c.Rotation.Validate() != nil {
			t.Fatalf("accepted an invalid rotation")
		}
		if err == nil && c.Refresh < MinRefresh {
			t.Fatalf("accepted refresh %s", c.Refresh)
		}
	})
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := Parse("c.yaml", []byte("theme: neon\nrefresh: 5s\nrotation:\n  - {region: EMEA, start: \"4am\", end: \"16:00\", schedule: P1}\n"))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("got %v", err)
	}
	for i, want := range []string{"c.yaml:1: theme", "c.yaml:2: refresh", "c.yaml:4: rotation[0].start"} {
		if !strings.HasPrefix(errs[i].Error(), want) {
			t.Errorf("error %d: %q; want it to start %q", i, errs[i].Error(), want)
		}
	}
}

// An unknown key is named by its full path at any depth, with its line, and with the known
// key it most likely meant; every one of them at once.
func TestUnknownKeysAreNamedWithTheirPath(t *testing.T) {
	doc := "gitlb:\n  url: https://gitlab.com\nlabels:\n  incidnet: prod-incident\n" +
		"rotation:\n  - {region: EMEA, start: \"04:00\", end: \"16:00\", shedule: A}\n  - region: AMER\n    start: \"16:00\"\n    end: \"04:00\"\n    schedule: B\n" +
		"budget:\n  colour: red\npeople:\n  ana@example.com: ana\nkeys:\n  quit: [q]\n"
	_, err := Parse("c.yaml", []byte(doc))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	want := []string{
		"c.yaml:1: gitlb: is not a key oncall knows; did you mean gitlab?",
		"c.yaml:4: labels.incidnet: is not a key oncall knows; did you mean labels.incident?",
		"c.yaml:6: rotation[0].shedule: is not a key oncall knows; did you mean rotation[0].schedule?",
		"c.yaml:12: budget.colour: is not a key oncall knows; budget takes severities, target, until, window (the README lists every key)",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d problems, want %d (the keys of people: and keys: are free):\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		if errs[i].Error() != w {
			t.Errorf("problem %d:\n got %q\nwant %q", i, errs[i].Error(), w)
		}
	}
}

func TestClosestKey(t *testing.T) {
	known := []string{"incident", "change", "oncall", "handoff", "url"}
	for name, want := range map[string]string{
		"incidnet":                 "incident", // a swap is one edit
		"Incident":                 "incident", // case is ignored
		"chnge":                    "change",
		"handof":                   "handoff",
		"uri":                      "url",
		"rul":                      "url", // a swap in a short key
		"oncal_":                   "oncall",
		"urn2":                     "", // short keys: one edit at most
		"services":                 "", // nothing near
		strings.Repeat("x", 1<<16): "",
	} {
		if got := closest(name, known); got != want {
			t.Errorf("closest(%.20q) = %q; want %q", name, got, want)
		}
	}
}

func TestDurationsTakeWeeks(t *testing.T) {
	if d, err := ParseDuration("2w"); err != nil || d != 14*24*time.Hour {
		t.Errorf("2w: %v %v", d, err)
	}
	if _, err := ParseDuration("15251w"); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("15251w (past the longest duration): %v; want out of range", err)
	}
	if c, err := Parse("c.yaml", []byte("budget:\n  window: 4w\n")); err != nil || c.Budget.Window != 28*24*time.Hour {
		t.Errorf("budget.window 4w: %v", err)
	}
}
