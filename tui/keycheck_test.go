package tui

import (
	"errors"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/oncall-sre/oncall/model"
)

func TestTheDefaultKeysPassTheirOwnCheck(t *testing.T) {
	// Every default, given as an override, is a valid key and clashes with nothing.
	all := map[string][]string{}
	var k keys
	for _, s := range keySpecs(&k) {
		all[s.name] = s.keys
	}
	if err := ValidateKeys(all); err != nil {
		t.Fatalf("the defaults fail the check:\n%v", err)
	}
	if err := ValidateKeys(nil); err != nil {
		t.Fatal(err)
	}
	// Every binding is in the view it acts in, so that its clashes are looked for.
	grouped := map[*key.Binding]bool{}
	for _, g := range keyGroups(&k) {
		for _, b := range g.bindings {
			grouped[b] = true
		}
	}
	for _, s := range keySpecs(&k) {
		if !grouped[s.field] {
			t.Errorf("%s is in no view's group (keyGroups)", s.name)
		}
	}
}

func TestKeyOverridesThatClashAreRejectedNamingBoth(t *testing.T) {
	cases := []struct {
		overrides map[string][]string
		name      string   // the config key the problem is reported under (keys.<name>)
		says      []string // what the message must name
	}{
		// An override on another action's default, in the same view.
		{map[string][]string{"refresh": {"x"}}, "refresh", []string{`"x"`, "resolve", "on the dashboard", "keys.resolve"}},
		// Two overrides on one key.
		{map[string][]string{"sort": {"z"}, "refresh": {"z"}}, "refresh", []string{`"z"`, "keys.sort", "on the dashboard"}},
		// In the editor, against its default.
		{map[string][]string{"editor_save": {"ctrl+r"}}, "editor_save", []string{`"ctrl+r"`, "editor_regenerate", "handoff editor"}},
		// A question's answers.
		{map[string][]string{"publish_another": {"n"}}, "publish_another", []string{`"n"`, "no", "in a question"}},
		// Keys that are text where keys are text.
		{map[string][]string{"editor_save": {"s"}}, "editor_save", []string{`"s"`, "typed as text in the handoff editor"}},
		{map[string][]string{"filter_keep": {"space"}}, "filter_keep", []string{`"space"`, "typed as text while typing a filter"}},
		// Keys the program keeps for itself.
		{map[string][]string{"refresh": {"ctrl+c"}}, "refresh", []string{"ctrl+c always quits"}},
		{map[string][]string{"sort": {"2"}}, "sort", []string{"jumps to pane 2"}},
	}
	for _, c := range cases {
		errs := CheckKeys(c.overrides)
		if len(errs) != 1 {
			t.Errorf("%v: %d problems %v; want one", c.overrides, len(errs), errs)
			continue
		}
		msg := errs[0].Error()
		if errs[0].Name != c.name || !strings.HasPrefix(msg, "keys."+c.name+": ") {
			t.Errorf("%v: reported as %q; want under keys.%s", c.overrides, msg, c.name)
		}
		for _, want := range c.says {
			if !strings.Contains(msg, want) {
				t.Errorf("%v: %q does not say %q", c.overrides, msg, want)
			}
		}
	}
	// The same key in two views that are never in force together is no clash: a is
	// acknowledge on the dashboard and "add as a note" in the question about an existing
	// handoff; y copies on the dashboard and says yes in a question.
	for _, ok := range []map[string][]string{
		{"publish_as_note": {"a"}, "acknowledge": {"a"}},
		{"yes": {"y", "Y"}, "copy_url": {"y"}},
		{"quit": {"Q", "ctrl+c"}},
		{"refresh": {"r", "f5"}, "quit": {"ctrl+q"}, "editor_save": {"ctrl+w"}, "page_down": {"pgdown", "ctrl+f"}},
	} {
		if err := ValidateKeys(ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

func TestKeysBubbleTeaNeverReportsAreRejected(t *testing.T) {
	bad := map[string]string{
		"":             "an empty key",
		" ":            "write space",
		"ctrl+":        "lacks the key after ctrl+",
		"foo bar":      "no spaces inside a key",
		"foo":          "not a key Bubble Tea reports",
		"Enter":        `"enter"`,
		"F5":           `"f5"`,
		"pgdn":         `"pgdown"`,
		"ctrl+escape":  `"ctrl+esc"`,
		"shift+ctrl+a": `"ctrl+shift+a"`,
		"ctrl+ctrl+a":  "names ctrl twice",
		"ctrl+A":       "ctrl+a",
		"shift+a":      `"A"`,
		"\t":           "write space", // whitespace only
		"\x01":         "control character",
	}
	for k, says := range bad {
		errs := CheckKeys(map[string][]string{"refresh": {k}})
		if len(errs) != 1 || errs[0].Name != "refresh" || !strings.Contains(errs[0].Error(), says) {
			t.Errorf("%q: %v; want one problem with keys.refresh saying %q", k, errs, says)
		}
	}
	for _, k := range []string{"r", "R", "?", "/", "+", "é", "ctrl++", "f5", "f12", "enter", "esc", "tab", "shift+tab", "space",
		"backspace", "pgup", "pgdown", "home", "end", "delete", "insert", "up", "left", "ctrl+r", "alt+enter", "ctrl+shift+tab",
		"alt+R", "ctrl+alt+x"} {
		if why := badKey(k); why != "" {
			t.Errorf("%q is a key Bubble Tea reports, yet: %s", k, why)
		}
	}
}

func TestValidateKeysJoinsEveryProblem(t *testing.T) {
	err := ValidateKeys(map[string][]string{"qiut": {"x"}, "help": {"ctrl+"}, "sort": {}})
	var ke *KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("%v is not a *KeyError", err)
	}
	msg := err.Error()
	for _, want := range []string{"keys.qiut: no such binding; the names are acknowledge, back", "keys.help: ", "keys.sort: no keys given"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

// rebind gives m the keys of a config with overrides.
func rebind(t *testing.T, m *Model, overrides map[string][]string) {
	t.Helper()
	if err := ValidateKeys(overrides); err != nil {
		t.Fatal(err)
	}
	k, _ := newKeysWith(overrides)
	k.JumpPane = m.keys.JumpPane
	m.keys = k
	m.changed()
}

// Text that tells the engineer to press a key names the key in force, not the default.
func TestMessagesNameTheKeysInForce(t *testing.T) {
	overrides := map[string][]string{"quit": {"Q"}, "refresh": {"f5"}, "handoff": {"H"}, "down": {"J", "down"}, "up": {"K", "up"},
		"copy_url": {"Y"}, "editor_regenerate": {"ctrl+g"}}
	m, _, _ := handoffModel(t, nil) // 40 minutes before the handoff: the banner asks for it
	rebind(t, m, overrides)
	out := screen(m)
	footer := footerOf(m)
	if !strings.Contains(footer, "Q quit") || strings.Contains(footer, "q quit") || !strings.Contains(footer, "J/K move") {
		t.Errorf("the footer names keys that are not in force: %q", footer)
	}
	if !strings.Contains(out, "press H to write it") {
		t.Errorf("the banner does not name the handoff key in force:\n%s", out)
	}
	press(t, m, "?")
	if out := words(lines(screen(m))); !strings.Contains(out, "f5 refreshes now") {
		t.Errorf("help's notes do not name the refresh key in force:\n%s", out)
	}
	press(t, m, "esc", "enter")
	if f := footerOf(m); !strings.Contains(f, "J/K scroll") || !strings.Contains(f, "Q quit") {
		t.Errorf("the detail's footer names keys that are not in force: %q", f)
	}
	m.opts.Opener = func() string { return "" } // nothing opens here: the address is shown
	press(t, m, "o")
	if f := footerOf(m); !strings.Contains(f, "(Y copies it)") {
		t.Errorf("the message names the copy key that is not in force: %q", f)
	}

	f := newFixture()
	f.fail(model.SourceQueue, errors.New("~incident issues: connection refused"))
	m2, _ := testModel(t, f, nil, testNow, 120, 40)
	rebind(t, m2, overrides)
	run(t, m2, m2.refreshAll())
	if out := screen(m2); !strings.Contains(out, "(f5: now)") || strings.Contains(out, "(r: now)") {
		t.Errorf("the retry text names the refresh key that is not in force:\n%s", out)
	}
}
