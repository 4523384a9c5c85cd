package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/themes"
)

// The views that show a document taller than the screen (an issue, a page, the handoff's
// preview, the reports) scroll it with the same keys, and say in the footer how far down
// they are.

// scrollKey moves vp for a scrolling key and reports whether msg was one.
func scrollKey(vp *viewport.Model, msg tea.KeyPressMsg, k *keys) bool {
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown, k.ScrollPage):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}

// scrollBindings are the scrolling keys, for help.
func scrollBindings(k *keys) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.ScrollPage}
}

// scrollHint is the footer's short word for scrolling, e.g. "j/k scroll".
func scrollHint(k *keys) key.Binding {
	return key.NewBinding(key.WithKeys(keyOf(k.Down), keyOf(k.Up)), key.WithHelp(pair(k.Down, k.Up), "scroll"))
}

// scrollStatus is how far vp is scrolled, for the footer; "" when all of it is in sight.
func scrollStatus(st themes.Styles, vp viewport.Model) string {
	if vp.TotalLineCount() <= vp.Height() {
		return ""
	}
	return st.Muted.Render(fmt.Sprintf("%3.0f%%  ", vp.ScrollPercent()*100))
}
