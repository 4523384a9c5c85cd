package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTheNewSettingsAreReadAndChecked(t *testing.T) {
	c, err := Parse("c.yaml", []byte("pagerduty: {from: ana@example.com}\ngitlab: {max_pages: 250}\nmax_server_wait: 2m\nmouse: true\nnotify: {desktop: osc777}\nkeys:\n  quit: [Q]\n  refresh: [r, f5]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.PagerDuty.From != "ana@example.com" || c.GitLab.MaxPages != 250 || c.MaxServerWait != 2*time.Minute || !c.Mouse ||
		!c.Notify.Bell || c.Notify.Desktop != "osc777" || len(c.Keys["refresh"]) != 2 {
		t.Errorf("read %+v", c)
	}
	d, _ := Parse("", nil)
	if d.GitLab.MaxPages != 100 || d.MaxServerWait != 15*time.Minute || d.Mouse || !d.Notify.Bell || d.Notify.Desktop != "auto" {
		t.Errorf("defaults %+v", d)
	}

	cases := []struct {
		yaml      string
		line      int
		key, says string
	}{
		{"pagerduty:\n  from: Ana Kowalska\n", 2, "pagerduty.from", "not an email address"},
		{"pagerduty:\n  from: Ana <ana@example.com>\n", 2, "pagerduty.from", "not an email address"},
		{"gitlab:\n  max_pages: 0\n", 2, "gitlab.max_pages", "out of range; give 1 to 1000"},
		{"gitlab:\n  max_pages: 5000\n", 2, "gitlab.max_pages", "out of range"},
		{"max_server_wait: 500ms\n", 1, "max_server_wait", "out of range; give 1s to 24h"},
		{"max_server_wait: 2d\n", 1, "max_server_wait", "out of range"},
		{"max_server_wait: never\n", 1, "max_server_wait", "not a duration"},
		{"notify:\n  bell: true\n  desktop: growl\n", 3, "notify.desktop", "use auto, osc9, osc777 or off"},
		{"keys:\n  refresh: [r]\n  qiut: [x]\n", 3, "keys.qiut", "the names are acknowledge, back"},
		{"keys:\n  quit: [\"\"]\n", 2, "keys.quit", "an empty key"},
		{"keys:\n  refresh: [z]\n  sort: [z]\n", 2, "keys.refresh", "\"z\" is also the key of keys.sort"},
		{"theme: neon\n", 1, "theme", "use auto, dark, light or mono"},
	}
	for _, c := range cases {
		_, err := Parse("/etc/oncall.yaml", []byte(c.yaml))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want a config.Error", c.yaml, err)
			continue
		}
		if ce.Path != "/etc/oncall.yaml" || ce.Line != c.line || ce.Key != c.key || !strings.Contains(ce.Error(), c.says) || strings.Count(ce.Error(), c.key+":") != 1 {
			t.Errorf("%q: got %q (line %d key %q); want line %d key %q saying %q", c.yaml, ce.Error(), ce.Line, ce.Key, c.line, c.key, c.says)
		}
	}
}

func TestDesktopNotificationsFollowTheTerminal(t *testing.T) {
	cases := []struct {
		mode string
		env  map[string]string
		want string
	}{
		{"auto", map[string]string{"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, "osc9"},
		{"auto", map[string]string{"TERM_PROGRAM": "WezTerm"}, "osc9"},
		{"auto", map[string]string{"TERM_PROGRAM": "ghostty"}, "osc9"},
		{"auto", map[string]string{"TERM": "xterm-kitty"}, "osc9"},
		{"auto", map[string]string{"TERM": "foot-extra"}, "osc777"},
		{"auto", map[string]string{"TERM": "rxvt-unicode-256color"}, "osc777"},
		{"auto", map[string]string{"TERM": "xterm-256color"}, ""},
		{"auto", map[string]string{"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-1000/default,1,0"}, ""},
		{"auto", map[string]string{"TERM_PROGRAM": "iTerm.app", "TERM": "screen-256color"}, ""},
		{"auto", map[string]string{"TERM": "tmux-256color"}, ""},
		{"auto", nil, ""},
		{"osc9", map[string]string{"TMUX": "x"}, "osc9"}, // said explicitly: the user knows their tmux
		{"osc777", nil, "osc777"},
		{"off", map[string]string{"TERM": "xterm-kitty"}, ""},
	}
	for _, c := range cases {
		got := NotifyFile{Desktop: c.mode}.DesktopFor(func(k string) string { return c.env[k] })
		if got != c.want {
			t.Errorf("%s with %v: %q; want %q", c.mode, c.env, got, c.want)
		}
	}
}
