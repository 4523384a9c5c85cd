package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// itemBase is what the views of one item (an issue's detail, a page) share: the pane they
// were opened from, whose keys act on the item, the row they were opened on, and the
// scrolled text.
type itemBase struct {
	m    *Model
	spec *paneSpec
	row  row
	vp   viewport.Model
}

// newItemBase opens a view of r from pane spec: its mark of news clears, and the text
// fills the body below the view's two title lines.
func newItemBase(m *Model, spec *paneSpec, r row) itemBase {
	w, h := m.bodySize()
	m.since.open(r.key().String())
	m.changed()
	return itemBase{m: m, spec: spec, row: r, vp: viewport.New(viewport.WithWidth(w), viewport.WithHeight(max(1, h-2)))}
}

// itemKey handles the keys every item view has: back, reload, open, copy, scroll, and the
// actions of the pane it came from.
func (b *itemBase) itemKey(km tea.KeyPressMsg, reload func() tea.Cmd) tea.Cmd {
	k := &b.m.keys
	switch {
	case key.Matches(km, k.Back):
		b.m.pop()
	case key.Matches(km, k.Refresh):
		return reload()
	case key.Matches(km, k.OpenURL):
		return b.m.openURL(b.row.url)
	case key.Matches(km, k.Copy):
		return b.m.copyURL(b.row.url)
	case scrollKey(&b.vp, km, k):
	default:
		for _, a := range b.spec.actions {
			if key.Matches(km, a.binding(k)) {
				return a.run(b.m, b.row)
			}
		}
	}
	return nil
}

// itemKeys is the help and footer of an item view called name ("Detail", "Page").
func (b *itemBase) itemKeys(name string) keyHelp {
	k := &b.m.keys
	var own []key.Binding
	for _, a := range b.spec.actions {
		own = append(own, a.binding(k))
	}
	reload := withDesc(k.Refresh, "reload")
	sections := []keySection{
		{name, []key.Binding{k.Back, reload, k.OpenURL, k.Copy, k.Help, k.Quit}},
		{"Scroll", scrollBindings(k)},
	}
	if len(own) > 0 {
		sections = append(sections, keySection{b.spec.title, own})
	}
	short := append([]key.Binding{k.Back, withDesc(k.Help, "help"), shortQuit(k), scrollHint(k), reload}, own...)
	return keyHelp{short: short, sections: sections}
}
