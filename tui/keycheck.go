package tui

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// KeyError is one problem with a config's key overrides. Name is the binding's name: the
// config key is keys.<Name>. Msg says what is wrong and what to do instead.
type KeyError struct {
	Name string
	Msg  string
}

func (e *KeyError) Error() string { return "keys." + e.Name + ": " + e.Msg }

// ValidateKeys checks a config's key overrides (see CheckKeys): nil, or every problem
// joined, each a *KeyError. The command calls it before it starts the dashboard.
func ValidateKeys(overrides map[string][]string) error {
	var errs []error
	for _, e := range CheckKeys(overrides) {
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// CheckKeys lists every problem with the overrides (binding name -> keys), in a stable
// order: a name that is no binding's; a key Bubble Tea never reports (so it would never
// match); a key that would be typed as text where keys are text; and two actions of one
// view on the same key (an override against another's override or default), where the
// first in the code would silently win.
func CheckKeys(overrides map[string][]string) []*KeyError {
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []*KeyError
	k, specs := keys{}, map[string]bool{}
	for _, s := range keySpecs(&k) {
		specs[s.name] = true
	}
	for _, name := range names {
		if !specs[name] {
			out = append(out, &KeyError{name, "no such binding; the names are " + strings.Join(KeyNames(), ", ")})
			continue
		}
		if len(overrides[name]) == 0 {
			out = append(out, &KeyError{name, "no keys given; give at least one, or leave the line out to keep the default"})
		}
		for _, ks := range overrides[name] {
			if why := badKey(ks); why != "" {
				out = append(out, &KeyError{name, why})
			}
		}
	}
	if len(out) > 0 {
		return out // clashes between keys that are wrong anyway would only add noise
	}
	k, _ = newKeysWith(overrides)
	return append(out, clashes(&k, overrides)...)
}

// keyGroup is the bindings one view matches at the same time: two of them on one key is
// a clash. Where keys are text (typing), a key that types a character is one too.
type keyGroup struct {
	where    string
	typing   bool
	bindings []*key.Binding
}

// keyGroups are the views and the bindings each one matches (see each view's update).
// Quit and help are matched first wherever keys are not text.
func keyGroups(k *keys) []keyGroup {
	scroll := []*key.Binding{&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.ScrollPage}
	global := []*key.Binding{&k.Quit, &k.Help}
	with := func(lists ...[]*key.Binding) []*key.Binding {
		var out []*key.Binding
		for _, l := range lists {
			out = append(out, l...)
		}
		return out
	}
	editor := []*key.Binding{&k.EdLeave, &k.EdSave, &k.EdRegenerate, &k.EdPreview, &k.EdExternal, &k.EdPublish}
	return []keyGroup{
		{where: "on the dashboard", bindings: with(global, []*key.Binding{&k.Back, &k.NextPane, &k.PrevPane,
			&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.Open, &k.Refresh, &k.Filter, &k.Handoff,
			&k.Reports, &k.Acknowledge, &k.Resolve, &k.RetryHeld, &k.Sort, &k.Mine, &k.HideMitigated, &k.OpenURL, &k.Copy})},
		{where: "while typing a filter", typing: true, bindings: []*key.Binding{&k.FilterKeep, &k.FilterClear}},
		{where: "in an issue's or a page's detail", bindings: with(global, []*key.Binding{&k.Back, &k.Refresh, &k.OpenURL, &k.Copy,
			&k.Acknowledge, &k.Resolve}, scroll)},
		{where: "in the handoff editor", typing: true, bindings: editor},
		{where: "in the handoff preview", bindings: with(global, editor, scroll)},
		{where: "in the reports", bindings: with(global, []*key.Binding{&k.Back, &k.Reports, &k.Refresh}, scroll)},
		{where: "in help", bindings: with(global, []*key.Binding{&k.Back}, scroll)},
		{where: "in a question", bindings: with(global, []*key.Binding{&k.Yes, &k.No, &k.Another, &k.AsNote})},
	}
}

// reservedKeys are keys no binding can take: ctrl+c quits everywhere (even where keys
// are text), and the digits jump to the panes on the dashboard.
func reservedKeys(where string) map[string]string {
	r := map[string]string{"ctrl+c": "ctrl+c always quits"}
	if where == "on the dashboard" {
		for i := range panes {
			d := fmt.Sprint(i + 1)
			r[d] = fmt.Sprintf("%s jumps to pane %s %s", d, d, where)
		}
	}
	return r
}

// clashes finds two bindings of one group on one key, and overridden keys that a group
// cannot use. A clash between two defaults is the code's mistake (a test keeps them
// apart), so only those involving an override are reported.
func clashes(k *keys, overrides map[string][]string) []*KeyError {
	nameOf := map[*key.Binding]string{}
	descOf := map[*key.Binding]string{}
	for _, s := range keySpecs(k) {
		nameOf[s.field], descOf[s.field] = s.name, s.desc
	}
	overridden := func(b *key.Binding) bool { _, ok := overrides[nameOf[b]]; return ok }
	var out []*KeyError
	seen := map[string]bool{}
	// Two views can share a clash (the dashboard and the detail view both have resolve);
	// it is reported once, where it is met first.
	report := func(id string, e *KeyError) {
		if !seen[id] {
			seen[id] = true
			out = append(out, e)
		}
	}
	for _, g := range keyGroups(k) {
		reserved := reservedKeys(g.where)
		holders := map[string][]*key.Binding{} // key -> the group's bindings on it, in order
		var order []string
		for _, b := range g.bindings {
			for _, ks := range b.Keys() {
				if len(holders[ks]) == 0 {
					order = append(order, ks)
				}
				if !slices.Contains(holders[ks], b) {
					holders[ks] = append(holders[ks], b)
				}
				switch {
				case !overridden(b):
				case reserved[ks] != "" && !(ks == "ctrl+c" && b == &k.Quit):
					report(nameOf[b]+" "+ks, &KeyError{nameOf[b], fmt.Sprintf("%q cannot be used: %s; choose another key", ks, reserved[ks])})
				case g.typing && typesText(ks):
					report(nameOf[b]+" "+ks, &KeyError{nameOf[b], fmt.Sprintf("%q would be typed as text %s; choose a ctrl+ or alt+ key", ks, g.where)})
				}
			}
		}
		for _, ks := range order {
			if reserved[ks] != "" {
				continue // said above
			}
			hs := holders[ks]
			for i := range hs {
				for j := i + 1; j < len(hs); j++ {
					if e := clash(hs[i], hs[j], ks, g.where, nameOf, descOf, overridden); e != nil {
						x, y := nameOf[hs[i]], nameOf[hs[j]]
						report(min(x, y)+" "+max(x, y)+" "+ks, e)
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// clash is the problem of bindings a and b on key ks, named under the one the config
// rebound; nil when neither was.
func clash(a, b *key.Binding, ks, where string, nameOf, descOf map[*key.Binding]string, overridden func(*key.Binding) bool) *KeyError {
	switch {
	case overridden(a) && overridden(b):
		x, y := nameOf[a], nameOf[b]
		if y < x {
			x, y = y, x
		}
		return &KeyError{x, fmt.Sprintf("%q is also the key of keys.%s %s; give one of them another key", ks, y, where)}
	case overridden(b):
		a, b = b, a
	case !overridden(a):
		return nil
	}
	return &KeyError{nameOf[a], fmt.Sprintf("%q is already the key of %s (%s) %s, by default; choose another key, or rebind keys.%s too",
		ks, nameOf[b], descOf[b], where, nameOf[b])}
}

// typesText reports whether a key is text where keys are text: a character, or space.
func typesText(k string) bool {
	return k == "space" || utf8.RuneCountInString(k) == 1
}

// modifiers in the order Bubble Tea writes them (ultraviolet's Key.Keystroke).
var modifiers = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// keyNames are the names Bubble Tea gives keys that are not characters (enter, pgdown,
// f5…), read from Bubble Tea itself so that they cannot drift from what it reports.
var keyNames = func() map[string]bool {
	names := map[string]bool{}
	for _, c := range []rune{tea.KeyEnter, tea.KeyTab, tea.KeyBackspace, tea.KeyEscape, tea.KeySpace} {
		names[tea.Key{Code: c}.Keystroke()] = true
	}
	for c := tea.KeyExtended + 1; c < tea.KeyExtended+1000; c++ {
		s := tea.Key{Code: c}.Keystroke()
		if s == string(utf8.RuneError) {
			break // past the last named key
		}
		if utf8.RuneCountInString(s) > 1 {
			names[s] = true
		}
	}
	return names
}()

// keyAliases are names people write for keys that Bubble Tea names otherwise.
var keyAliases = map[string]string{
	"pgdn": "pgdown", "pagedown": "pgdown", "pageup": "pgup", "escape": "esc", "return": "enter",
	"del": "delete", "ins": "insert", "bs": "backspace", "spacebar": "space", "arrowup": "up", "arrowdown": "down",
}

// badKey says why k is not a key string Bubble Tea reports (tea.KeyPressMsg.String), or "".
// A key is a character ("r", "G", "?"), a named key ("enter", "pgdown", "f5"), or either
// after modifiers in Bubble Tea's order ("ctrl+r", "alt+enter", "ctrl+shift+tab").
func badKey(k string) string {
	const kinds = `use a character ("r", "G", "?"), a named key (enter, esc, tab, space, backspace, up, down, pgup, pgdown, home, end, f1…f12), or ctrl+/alt+ with either ("ctrl+r", "alt+enter")`
	if k == "" {
		return "an empty key; " + kinds
	}
	if strings.TrimSpace(k) == "" {
		return fmt.Sprintf("%q is not a key: write space", k)
	}
	if strings.ContainsFunc(k, unicode.IsSpace) {
		return fmt.Sprintf("%q is not a key (no spaces inside a key); give each key as its own list item; %s", k, kinds)
	}
	mods, base := splitMods(k)
	if base == "" {
		return fmt.Sprintf("%q lacks the key after %s, e.g. %sr", k, prefix(mods), k)
	}
	if why := modOrder(k, mods, base); why != "" {
		return why
	}
	single := utf8.RuneCountInString(base) == 1
	switch {
	case single && !unicode.IsGraphic([]rune(base)[0]):
		return fmt.Sprintf("%q is not a key: it holds a control character; %s", k, kinds)
	case single && len(mods) == 1 && mods[0] == "shift":
		return fmt.Sprintf("%q is never reported: shift with a character is reported as the character it types (write \"A\" for shift+a)", k)
	case single && len(mods) > 0 && mods[0] == "ctrl" && unicode.IsUpper([]rune(base)[0]):
		return fmt.Sprintf("%q is never reported: with ctrl the letter is lower case (%s)", k, strings.Join(mods, "+")+"+"+strings.ToLower(base))
	case single, keyNames[base]:
		return ""
	}
	if alias, ok := keyAliases[strings.ToLower(base)]; ok {
		return fmt.Sprintf("%q is not a key Bubble Tea reports: write %q", k, prefix(mods)+alias)
	}
	if keyNames[strings.ToLower(base)] {
		return fmt.Sprintf("%q is not a key Bubble Tea reports: key names are lower case, %q", k, prefix(mods)+strings.ToLower(base))
	}
	return fmt.Sprintf("%q is not a key Bubble Tea reports; %s", k, kinds)
}

// splitMods takes the modifiers off the front of k ("ctrl+shift+tab": ctrl, shift; tab).
// "+" alone and "ctrl++" are the plus key.
func splitMods(k string) (mods []string, base string) {
	base = k
	for {
		name, rest, ok := strings.Cut(base, "+")
		if !ok || name == "" || !isModifier(name) {
			return mods, base
		}
		mods, base = append(mods, name), rest
	}
}

func isModifier(s string) bool {
	for _, m := range modifiers {
		if m == s {
			return true
		}
	}
	return false
}

// modOrder says why the modifiers of k are not as Bubble Tea writes them, or "".
func modOrder(k string, mods []string, base string) string {
	rank := map[string]int{}
	for i, m := range modifiers {
		rank[m] = i
	}
	sorted := append([]string(nil), mods...)
	sort.SliceStable(sorted, func(i, j int) bool { return rank[sorted[i]] < rank[sorted[j]] })
	for i := range sorted {
		if i > 0 && sorted[i] == sorted[i-1] {
			return fmt.Sprintf("%q names %s twice", k, sorted[i])
		}
	}
	if strings.Join(sorted, "+") != strings.Join(mods, "+") {
		return fmt.Sprintf("%q is never reported: Bubble Tea writes the modifiers in the order %s, so write %q",
			k, strings.Join(modifiers, "+"), prefix(sorted)+base)
	}
	return ""
}

func prefix(mods []string) string {
	if len(mods) == 0 {
		return ""
	}
	return strings.Join(mods, "+") + "+"
}
