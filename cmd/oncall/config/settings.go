package config

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/tui"
)

// The settings beside the services: how the dashboard calls for attention, the mouse, key
// bindings, the theme, and the bounds on what a server may make oncall do.

// DefaultMaxPages is how many pages of 100 issues one list is read to at most (10,000
// issues; GitLab stops counting past that).
const DefaultMaxPages = 100

// Bounds of the settings that take a number.
const (
	MaxMaxPages      = 1000 // 100,000 issues: beyond that a list is a migration, not a queue
	MinMaxServerWait = time.Second
	MaxMaxServerWait = 24 * time.Hour
)

// Themes are the names a theme setting (and --theme) takes.
var Themes = []string{"auto", "dark", "light", "mono"}

// DesktopModes are the values of notify.desktop.
var DesktopModes = []string{"auto", "osc9", "osc777", "off"}

// NotifyFile says how a new S1/S2 incident or a new triggered page is announced.
type NotifyFile struct {
	Bell bool `yaml:"bell"` // ring the terminal's bell; on by default
	// Desktop raises a desktop notification through the terminal: osc9, osc777, off, or
	// auto (the terminal decides: see DesktopFor).
	Desktop string `yaml:"desktop"`
}

// DesktopFor resolves the desktop mode for the terminal described by the environment: the
// escape sequence to send ("osc9" or "osc777"), or "" for none. auto picks OSC 9 where the
// terminal is known to show it (iTerm2, WezTerm, Ghostty, kitty), OSC 777 on foot and
// urxvt, and nothing inside tmux (which swallows both unless passthrough is set up) or on
// an unknown terminal, where an unknown sequence could print garbage.
func (n NotifyFile) DesktopFor(getenv func(string) string) string {
	switch n.Desktop {
	case "osc9", "osc777":
		return n.Desktop
	case "auto":
	default:
		return ""
	}
	term := getenv("TERM")
	if getenv("TMUX") != "" || strings.HasPrefix(term, "tmux") || strings.HasPrefix(term, "screen") {
		return ""
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "ghostty":
		return "osc9"
	}
	switch {
	case term == "xterm-kitty" || term == "xterm-ghostty":
		return "osc9"
	case strings.HasPrefix(term, "foot"), strings.HasPrefix(term, "rxvt"):
		return "osc777"
	}
	return ""
}

// CheckTheme refuses a theme oncall does not have; key names the setting or flag.
func CheckTheme(key, name string) error {
	for _, t := range Themes {
		if name == t {
			return nil
		}
	}
	return &Error{Key: key, Msg: fmt.Sprintf("%q is not a theme; use %s", name, orList(Themes))}
}

// checkSettings checks pagerduty.from, gitlab.max_pages, notify and keys.
func checkSettings(f File) []*Error {
	var errs []*Error
	if from := f.PagerDuty.From; from != "" {
		if a, err := mail.ParseAddress(from); err != nil || a.Address != strings.TrimSpace(from) || a.Name != "" {
			errs = append(errs, &Error{Key: "pagerduty.from", Msg: fmt.Sprintf("%q is not an email address; give the email of your PagerDuty user, e.g. ana@example.com", from)})
		}
	}
	if n := f.GitLab.MaxPages; n < 1 || n > MaxMaxPages {
		errs = append(errs, &Error{Key: "gitlab.max_pages", Msg: fmt.Sprintf("%d is out of range; give 1 to %d pages of 100 issues (default %d)", n, MaxMaxPages, DefaultMaxPages)})
	}
	if !contains(DesktopModes, f.Notify.Desktop) {
		errs = append(errs, &Error{Key: "notify.desktop", Msg: fmt.Sprintf("%q: use %s", f.Notify.Desktop, orList(DesktopModes))})
	}
	// Every binding is checked with the others of its view: two actions on one key is an
	// error whichever of them was rebound (CheckKeys sorts by name, so the same problem
	// comes first every time).
	for _, e := range tui.CheckKeys(f.Keys) {
		errs = append(errs, &Error{Key: "keys." + e.Name, Msg: e.Msg})
	}
	return errs
}

// maxServerWait reads max_server_wait and keeps it within bounds: a cap of a few seconds
// would retry into a rate limit, one of days would park a source.
func maxServerWait(v string) (time.Duration, error) {
	d, err := duration("max_server_wait", v)
	if err != nil {
		return 0, err
	}
	if d < MinMaxServerWait || d > MaxMaxServerWait {
		return 0, &Error{Key: "max_server_wait", Msg: fmt.Sprintf("%s is out of range; give %s to %s (default 15m)", v, MinMaxServerWait, "24h")}
	}
	return d, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// orList is "a, b, c or d".
func orList(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}
