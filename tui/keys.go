package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// keys is every binding of the program. Views dispatch on these bindings and build their
// footer and help from them, so a key that is not here does nothing and a key that is here
// is always listed. Each binding has a name (its field's name in snake case, e.g.
// "next_pane"), by which a config can rebind it.
type keys struct {
	// Everywhere (but in the editor and text inputs, where keys are text).
	Quit, Help, Back key.Binding

	// The dashboard.
	NextPane, PrevPane, JumpPane             key.Binding
	Up, Down, Top, Bottom, PageUp, PageDown  key.Binding
	Open, Refresh, Filter, Handoff, Reports  key.Binding
	Acknowledge, Resolve                     key.Binding // the Handoffs and Pages panes' own
	RetryHeld                                key.Binding
	Sort, Mine, HideMitigated, OpenURL, Copy key.Binding
	Another, AsNote                          key.Binding
	FilterKeep, FilterClear                  key.Binding
	EdSave, EdRegenerate, EdPreview          key.Binding
	EdExternal, EdPublish, EdLeave           key.Binding
	Yes, No                                  key.Binding
	ScrollPage                               key.Binding // space in the detail view
}

// keySpec is one binding's default.
type keySpec struct {
	field *key.Binding
	name  string
	keys  []string
	help  string // key text shown in help; "" joins the keys with "/"
	desc  string
}

// KeyNames lists the bindings a config can rebind, sorted.
func KeyNames() []string {
	var names []string
	for _, s := range keySpecs(&keys{}) {
		names = append(names, s.name)
	}
	sort.Strings(names)
	return names
}

// newKeysWith builds the bindings, with overrides (name -> keys) replacing defaults. An
// unknown name is an error, so a typo in a config does not silently do nothing; the rest
// of the checks are CheckKeys'.
func newKeysWith(overrides map[string][]string) (keys, error) {
	var k keys
	specs := keySpecs(&k)
	known := map[string]bool{}
	for _, s := range specs {
		known[s.name] = true
		ks := s.keys
		helpKey := s.help
		if o, ok := overrides[s.name]; ok && len(o) > 0 {
			ks, helpKey = o, ""
		}
		if helpKey == "" {
			helpKey = strings.Join(ks, "/")
		}
		*s.field = key.NewBinding(key.WithKeys(ks...), key.WithHelp(helpKey, s.desc))
	}
	var unknown []string
	for name := range overrides {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return k, fmt.Errorf("unknown key binding %s; the names are %s", strings.Join(unknown, ", "), strings.Join(KeyNames(), ", "))
	}
	return k, nil
}

// keySpecs are the defaults of the bindings of k.
func keySpecs(k *keys) []keySpec {
	return []keySpec{
		{&k.Quit, "quit", []string{"q", "ctrl+c"}, "", "quit"},
		{&k.Help, "help", []string{"?"}, "", "help: every binding in force"},
		{&k.Back, "back", []string{"esc"}, "", "back"},
		{&k.NextPane, "next_pane", []string{"tab"}, "", "next pane"},
		{&k.PrevPane, "prev_pane", []string{"shift+tab"}, "", "previous pane"},
		{&k.Up, "up", []string{"k", "up"}, "k/↑", "up"},
		{&k.Down, "down", []string{"j", "down"}, "j/↓", "down"},
		{&k.Top, "top", []string{"g", "home"}, "", "first"},
		{&k.Bottom, "bottom", []string{"G", "end"}, "", "last"},
		{&k.PageUp, "page_up", []string{"pgup", "ctrl+u"}, "", "page up"},
		{&k.PageDown, "page_down", []string{"pgdown", "ctrl+d"}, "pgdn/ctrl+d", "page down"},
		{&k.Open, "open", []string{"enter"}, "", "open the selected item"},
		{&k.Refresh, "refresh", []string{"r"}, "", "refresh now"},
		{&k.Filter, "filter", []string{"/"}, "", "filter the pane"},
		{&k.Handoff, "handoff", []string{"h"}, "", "write the handoff"},
		{&k.Reports, "reports", []string{"R"}, "", "reports and error budget"},
		{&k.Acknowledge, "acknowledge", []string{"a"}, "", "acknowledge the handoff"},
		{&k.Resolve, "resolve", []string{"x"}, "", "resolve the page"},
		{&k.RetryHeld, "retry_held", []string{"P"}, "", "publish the held handoff again"},
		{&k.Sort, "sort", []string{"s"}, "", "sort the pane: its own order, age, updated"},
		{&k.Mine, "mine", []string{"m"}, "", "only what is mine (every pane)"},
		{&k.HideMitigated, "hide_mitigated", []string{"M"}, "", "hide mitigated and resolved incidents"},
		{&k.OpenURL, "open_browser", []string{"o"}, "", "open in the browser"},
		{&k.Copy, "copy_url", []string{"y"}, "", "copy the address (OSC 52)"},
		{&k.Another, "publish_another", []string{"p"}, "", "publish another"},
		{&k.AsNote, "publish_as_note", []string{"a"}, "", "add yours as a note to it"},
		{&k.FilterKeep, "filter_keep", []string{"enter"}, "", "keep the filter"},
		{&k.FilterClear, "filter_clear", []string{"esc"}, "", "clear the filter"},
		{&k.EdSave, "editor_save", []string{"ctrl+s"}, "", "save now (autosaved anyway)"},
		{&k.EdRegenerate, "editor_regenerate", []string{"ctrl+r"}, "", "refresh the facts, keep your notes"},
		{&k.EdPreview, "editor_preview", []string{"ctrl+o"}, "", "preview as Markdown"},
		{&k.EdExternal, "editor_external", []string{"ctrl+e"}, "", "edit in $VISUAL/$EDITOR"},
		{&k.EdPublish, "editor_publish", []string{"ctrl+x"}, "", "publish…"},
		{&k.EdLeave, "editor_leave", []string{"esc"}, "", "leave (the draft stays)"},
		{&k.Yes, "yes", []string{"y", "Y"}, "y", "yes"},
		{&k.No, "no", []string{"n", "N", "esc"}, "n/esc", "no"},
		{&k.ScrollPage, "scroll_page", []string{"space"}, "", "page down"},
	}
}

// keySection is a titled group of bindings on the help screen.
type keySection struct {
	title string
	keys  []key.Binding
}

// keyHelp is what a view offers the footer (short) and the help screen (sections).
type keyHelp struct {
	short    []key.Binding
	sections []keySection
}

// enabled returns b, enabled only when on is true: a disabled binding neither matches nor
// shows in help.
func enabled(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on)
	return b
}

// shortQuit is quit as the footer shows it: its first key (ctrl+c is there too, as
// everywhere).
func shortQuit(k *keys) key.Binding {
	b := k.Quit
	b.SetHelp(keyOf(b), "quit")
	return b
}

// keyOf is the key a message names for b: its first, as the config or the default put
// it. Text that tells the engineer to press a key takes it from here, so it cannot name a
// key that was rebound.
func keyOf(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return "?"
}

// pair is two bindings' first keys as one hint, e.g. "j/k".
func pair(a, b key.Binding) string { return keyOf(a) + "/" + keyOf(b) }
