// Package themes holds the palettes and the lipgloss styles built from them. Every style the
// TUI uses lives in one Styles struct, so a theme is a single value to swap.
package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette is the handful of colours a theme chooses.
type Palette struct {
	Name     string
	Text     color.Color
	Muted    color.Color
	Accent   color.Color
	Border   color.Color
	SelectBg color.Color
	SelectFg color.Color
	Sev      [5]color.Color // index 1..4: S1..S4; 0: unknown
	OK       color.Color
	Warn     color.Color
	Bad      color.Color
}

// Dark and Light are the built-in palettes; LightDark picks one for the terminal's background.
func Dark() Palette {
	return Palette{
		Name: "dark", Text: lipgloss.Color("#E4E4E7"), Muted: lipgloss.Color("#8B8B94"),
		Accent: lipgloss.Color("#7AA2F7"), Border: lipgloss.Color("#3B3F51"),
		SelectBg: lipgloss.Color("#2E3A5C"), SelectFg: lipgloss.Color("#FFFFFF"),
		Sev: [5]color.Color{lipgloss.Color("#8B8B94"), lipgloss.Color("#FF5555"), lipgloss.Color("#FF9E3B"), lipgloss.Color("#E5C07B"), lipgloss.Color("#7DCFFF")},
		OK:  lipgloss.Color("#9ECE6A"), Warn: lipgloss.Color("#E5C07B"), Bad: lipgloss.Color("#FF5555"),
	}
}

func Light() Palette {
	return Palette{
		Name: "light", Text: lipgloss.Color("#1F2328"), Muted: lipgloss.Color("#6E7781"),
		Accent: lipgloss.Color("#0550AE"), Border: lipgloss.Color("#D0D7DE"),
		SelectBg: lipgloss.Color("#DDF4FF"), SelectFg: lipgloss.Color("#0A0C10"),
		Sev: [5]color.Color{lipgloss.Color("#6E7781"), lipgloss.Color("#CF222E"), lipgloss.Color("#BC4C00"), lipgloss.Color("#9A6700"), lipgloss.Color("#0969DA")},
		OK:  lipgloss.Color("#1A7F37"), Warn: lipgloss.Color("#9A6700"), Bad: lipgloss.Color("#CF222E"),
	}
}

// Mono uses no colour at all; emphasis is bold, reverse and underline only.
func Mono() Palette {
	nc := lipgloss.NoColor{}
	return Palette{Name: "mono", Text: nc, Muted: nc, Accent: nc, Border: nc, SelectBg: nc, SelectFg: nc,
		Sev: [5]color.Color{nc, nc, nc, nc, nc}, OK: nc, Warn: nc, Bad: nc}
}

// Styles are every style the TUI draws with.
type Styles struct {
	Palette     Palette
	Text        lipgloss.Style
	Muted       lipgloss.Style
	Bold        lipgloss.Style
	Accent      lipgloss.Style
	AccentBold  lipgloss.Style
	Title       lipgloss.Style // a pane's title, unfocused
	TitleActive lipgloss.Style // a pane's title, focused
	Rule        lipgloss.Style // the line that runs after a title
	ColHeader   lipgloss.Style
	Selected    lipgloss.Style // the cursor row of the focused pane
	Sev         [5]lipgloss.Style
	Badge       lipgloss.Style // e.g. "blocks deploys"
	BadgeBad    lipgloss.Style // e.g. "data loss"
	OK          lipgloss.Style
	Warn        lipgloss.Style
	Bad         lipgloss.Style
	Key         lipgloss.Style // a key in help and the footer
	Banner      lipgloss.Style
}

// New builds the styles of a palette.
func New(p Palette) Styles {
	mono := p.Name == "mono"
	s := lipgloss.NewStyle()
	st := Styles{
		Palette:     p,
		Text:        s.Foreground(p.Text),
		Muted:       s.Foreground(p.Muted),
		Bold:        s.Foreground(p.Text).Bold(true),
		Accent:      s.Foreground(p.Accent),
		AccentBold:  s.Foreground(p.Accent).Bold(true),
		Title:       s.Foreground(p.Muted).Bold(true),
		TitleActive: s.Foreground(p.Accent).Bold(true).Underline(mono),
		Rule:        s.Foreground(p.Border),
		ColHeader:   s.Foreground(p.Muted),
		Selected:    s.Background(p.SelectBg).Foreground(p.SelectFg).Reverse(mono),
		Badge:       s.Foreground(p.Warn).Bold(true),
		BadgeBad:    s.Foreground(p.Bad).Bold(true).Reverse(mono),
		OK:          s.Foreground(p.OK),
		Warn:        s.Foreground(p.Warn),
		Bad:         s.Foreground(p.Bad).Bold(true),
		Key:         s.Foreground(p.Accent).Bold(true),
		Banner:      s.Foreground(p.Bad).Bold(true).Reverse(true),
	}
	for i := range st.Sev {
		st.Sev[i] = s.Foreground(p.Sev[i]).Bold(i == 1 || i == 2)
	}
	return st
}

// ByName returns the named theme: dark, light or mono. "auto" is resolved by the caller
// from the terminal's background; here it means dark.
func ByName(name string, darkBackground bool) Styles {
	switch name {
	case "mono":
		return New(Mono())
	case "light":
		return New(Light())
	case "dark":
		return New(Dark())
	}
	if darkBackground {
		return New(Dark())
	}
	return New(Light())
}
