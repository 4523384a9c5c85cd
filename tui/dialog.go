package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// dialog is a question drawn over the view beneath it, answered by one of its choices;
// esc (or n) is always "no".
type dialog struct {
	m       *Model
	lines   []string // the question and what the engineer needs to answer it
	choices []choice
	quit    bool // the question asked before quitting: ctrl+c again quits
}

// choice is one answer: its key and what it does.
type choice struct {
	binding key.Binding
	run     func() tea.Cmd
}

func (d *dialog) dialog() {}

func (d *dialog) typing() bool { return false }

func (d *dialog) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	for _, c := range d.choices {
		if key.Matches(km, c.binding) {
			d.m.remove(d)
			if c.run == nil {
				return nil
			}
			return c.run()
		}
	}
	if key.Matches(km, d.m.keys.Back) {
		d.m.remove(d)
	}
	return nil
}

func (d *dialog) keys() keyHelp {
	var ks []key.Binding
	for _, c := range d.choices {
		ks = append(ks, c.binding)
	}
	return keyHelp{short: ks, sections: []keySection{{"Question", ks}}}
}

// render is the box's content; the stack draws it framed over the view beneath.
func (d *dialog) render(width, _ int) []string {
	st := d.m.st
	out := append([]string{}, d.lines...)
	var answers []string
	for _, c := range d.choices {
		answers = append(answers, st.Key.Render(c.binding.Help().Key)+" "+c.binding.Help().Desc)
	}
	out = append(out, "", strings.Join(answers, "   "))
	for i := range out {
		out[i] = fit(out[i], max(10, width-6))
	}
	return trimRight(out)
}

// trimRight drops the padding fit added, so the box is as wide as its widest line.
func trimRight(lines []string) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
