package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/model"
)

// when is a scheduled time relative to now: "in 4h45m", "20m ago", or a UTC day and time.
func when(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := t.Sub(now)
	switch {
	case d >= 0 && d < 24*time.Hour:
		return "in " + model.Countdown(d)
	case d < 0 && d > -24*time.Hour:
		return model.Countdown(-d) + " ago"
	}
	return t.UTC().Format("Mon 15:04")
}

// fit truncates s to width cells (with an ellipsis) and pads it to exactly width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := textWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = textWidth(s)
	}
	if pad := width - w; pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// spread puts left and right on one line of width cells, truncating left if needed.
func spread(left, right string, width int) string {
	lw, rw := lipgloss.Width(left), lipgloss.Width(right)
	if lw+rw+1 > width {
		if rw+1 >= width {
			return ansi.Truncate(left, width, "…")
		}
		left = ansi.Truncate(left, width-rw-1, "…")
		lw = lipgloss.Width(left)
	}
	return left + strings.Repeat(" ", max(1, width-lw-rw)) + right
}

// shortDuration prints a setting such as a refresh interval without zero units: 1m, 90s, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// fitStyled pads a styled string to width cells (it never truncates styled text).
func fitStyled(s string, width int) string {
	if pad := width - lipgloss.Width(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}
