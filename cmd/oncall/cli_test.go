package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
)

func TestVersionSaysModuleAndCommit(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	cases := []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: settings("vcs.revision", "4be5605c1d2e8f0a9b7c6d5e4f3a2b1c0d9e8f7a", "vcs.time", "2026-11-20T10:04:05Z", "vcs.modified", "false")},
			"oncall v1.2.0, commit 4be5605c1d2e of 2026-11-20 10:04 UTC\ngo1.26.8\n"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs.revision", "4be5605c1d2e8f0a", "vcs.time", "2026-11-20T10:04:05Z", "vcs.modified", "true")},
			"oncall (devel), commit 4be5605c1d2e of 2026-11-20 10:04 UTC, with uncommitted changes\ngo1.26.8\n"},
		{&debug.BuildInfo{GoVersion: "go1.26.8"}, "oncall (devel), built without version control information\ngo1.26.8\n"},
		{nil, "oncall (devel): no build information in this binary\n"},
	}
	for _, c := range cases {
		if got := versionText(c.bi, c.bi != nil); got != c.want {
			t.Errorf("got %q; want %q", got, c.want)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errs := oncall(args...)
		if code != 0 || !strings.HasPrefix(out, "oncall ") || !strings.Contains(out, "\ngo1.") {
			t.Errorf("%v: exit %d %q %q", args, code, out, errs)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash": "# bash completion V2 for oncall",
		"zsh":  "#compdef oncall",
		"fish": "complete -c oncall",
	} {
		code, out, errs := oncall("completion", shell)
		if code != 0 || !strings.Contains(out, marker) || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), errs)
		}
	}
	// The flags with a fixed set of values complete to them.
	code, out, _ := oncall("__complete", "status", "--scenario", "")
	if code != 0 || !strings.Contains(out, "read-only") || !strings.Contains(out, "many-issues") {
		t.Errorf("--scenario completion: %q", out)
	}
	if _, out, _ = oncall("__complete", "--theme", ""); !strings.Contains(out, "mono") {
		t.Errorf("--theme completion: %q", out)
	}
}

func TestConfigInitWritesAPrivateExampleOnce(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "nested", "config"))
	t.Setenv("ONCALL_CONFIG", "")
	path := filepath.Join(home, "nested", "config", "oncall", "config.yaml")
	code, out, errs := oncall("config", "init")
	if code != 0 || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != config.Example() {
		t.Fatalf("the file is not the example: %v", err)
	}
	if _, err := config.Load(path); err != nil {
		t.Errorf("the written config does not load: %v", err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, mode %v; want %v", p, err, st.Mode().Perm(), want)
		}
	}

	if err := os.WriteFile(path, []byte("refresh: 2m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = oncall("config", "init")
	if code != exitBadInput || !strings.Contains(errs, path+" already exists; oncall config init never overwrites") {
		t.Errorf("a second init: exit %d %q", code, errs)
	}
	if b, _ := os.ReadFile(path); string(b) != "refresh: 2m\n" {
		t.Errorf("the existing config was changed: %q", b)
	}

	other := filepath.Join(t.TempDir(), "elsewhere.yaml")
	if code, _, errs := oncall("config", "init", "--config", other); code != 0 {
		t.Errorf("--config: exit %d %q", code, errs)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("--config: %v", err)
	}
}

// Every command that talks to the services runs on the simulator with --sim alone: no
// config file, no token.
func TestSimFlagNeedsNoConfigOrToken(t *testing.T) {
	t.Setenv("ONCALL_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("GITLAB_TOKEN", "")
	t.Setenv("PAGERDUTY_TOKEN", "")
	at := simNow.Add(50 * time.Minute).Format(time.RFC3339)
	file := filepath.Join(t.TempDir(), "h.md")
	if err := os.WriteFile(file, []byte("# Handoff\n\nQuiet shift.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"status", "--sim"}, "PagerDuty rotation  ok"},
		{[]string{"status", "--sim", "--json"}, `"schema_version": 1`},
		{[]string{"report", "--sim"}, "## Error budget"},
		{[]string{"handoff", "--print", "--sim"}, "# On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER"},
		{[]string{"handoff", "--publish", file, "--sim"}, "/gitlab-com/gl-infra/on-call-handovers/-/issues/"},
		{[]string{"config", "check", "--sim"}, "All good."},
		{[]string{"status", "--sim", "--scenario", "gap"}, "next: nobody scheduled"},
	}
	for _, c := range cases {
		code, out, errs := oncall(append(c.args, "--now", at)...)
		if code != 0 || !strings.Contains(out, c.says) {
			t.Errorf("%v: exit %d, stderr %q, stdout lacks %q:\n%s", c.args, code, errs, c.says, out)
		}
	}
	// The simulated handoff went to the demo's state, never the real outbox or journal.
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_STATE_HOME"), "oncall", "demo", "journal")); err != nil {
		t.Errorf("no demo state: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(os.Getenv("XDG_STATE_HOME"), "oncall", "journal")); len(entries) > 0 {
		t.Errorf("a simulated handoff reached the real journal")
	}
	for _, bad := range [][]string{{"status", "--sim", "--scenario", "nope"}, {"status", "--scenario", "gap"}, {"status", "--sim", "--fault", "queue=frobnicate"}} {
		if code, _, errs := oncall(bad...); code != exitBadInput || errs == "" {
			t.Errorf("%v: exit %d %q", bad, code, errs)
		}
	}
}
