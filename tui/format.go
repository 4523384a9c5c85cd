package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// age is a compact elapsed time: 45s, 47m, 3h, 2d, 5w.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "0m"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	return fmt.Sprintf("%dw", int(d.Hours()/24/7))
}

// countdown is a duration to the minute, e.g. 1h29m, 5m, or 40s in the last minute.
func countdown(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	}
	d = d.Truncate(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// when is a scheduled time relative to now: "in 4h45m", "20m ago", or a UTC day and time.
func when(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := t.Sub(now)
	switch {
	case d >= 0 && d < 24*time.Hour:
		return "in " + countdown(d)
	case d < 0 && d > -24*time.Hour:
		return countdown(-d) + " ago"
	}
	return t.UTC().Format("Mon 15:04")
}

// fit truncates s to width cells (with an ellipsis) and pads it to exactly width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	if pad := width - lipgloss.Width(s); pad > 0 {
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
