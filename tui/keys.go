package tui

import "charm.land/bubbles/v2/key"

// keyMap is every binding; help lists them all, so a binding that is not here does not exist.
type keyMap struct {
	NextPane, PrevPane, Pane1, Pane2, Pane3, Pane4 key.Binding
	Up, Down, Top, Bottom, PageUp, PageDown        key.Binding
	Open, Back, Refresh, Help, Quit                key.Binding
	Handoff, Ack, Reports, Filter                  key.Binding
	EdSave, EdRegenerate, EdPreview, EdExternal    key.Binding
	EdPublish, EdLeave                             key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Pane1:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "incidents")),
		Pane2:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "changes")),
		Pane3:    key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "on-call issues")),
		Pane4:    key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "handoffs")),
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup/ctrl+u", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn/ctrl+d", "page down")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open detail")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q/ctrl+c", "quit")),
		Handoff:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "write the handoff")),
		Ack:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "acknowledge a handoff")),
		Reports:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reports and error budget")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter the pane (esc clears)")),

		EdSave:       key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save now (autosaved anyway)")),
		EdRegenerate: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh the facts, keep your notes")),
		EdPreview:    key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "preview as Markdown")),
		EdExternal:   key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit in $EDITOR")),
		EdPublish:    key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "publish…")),
		EdLeave:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave (the draft stays)")),
	}
}

// helpSections groups the bindings for the help screen.
func (k keyMap) helpSections() []helpSection {
	return []helpSection{
		{"Panes", []key.Binding{k.NextPane, k.PrevPane, k.Pane1, k.Pane2, k.Pane3, k.Pane4}},
		{"Move", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Filter}},
		{"Act", []key.Binding{k.Open, k.Back, k.Refresh, k.Handoff, k.Ack, k.Reports, k.Help, k.Quit}},
		{"Handoff editor", []key.Binding{k.EdSave, k.EdRegenerate, k.EdPreview, k.EdExternal, k.EdPublish, k.EdLeave}},
	}
}

type helpSection struct {
	title    string
	bindings []key.Binding
}
