package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ReportMarkdown renders a report for people: the figures, then the incidents.
func ReportMarkdown(r Report) string {
	var w mdWriter
	w.line("# Incident report %s – %s UTC", r.Window.From.UTC().Format("2006-01-02 15:04"), r.Window.To.UTC().Format("2006-01-02 15:04"))
	if len(r.Notices) > 0 {
		w.line("")
		w.line("> **Warning: incomplete.** The figures below count only what oncall read:")
		for _, n := range r.Notices {
			w.line("> - %s", n)
		}
	}
	w.line("")
	w.line("%s", openedLine(r))
	w.line("")
	w.line("%s", sparkLine(r.Days))

	w.line("")
	w.line("## By severity")
	w.line("")
	w.line("| severity | opened | not resolved | mitigate: median | p90 | resolve: median | p90 |")
	w.line("|---|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.BySeverity {
		w.line("| %s | %d | %d | %s | %s | %s | %s |", s.Severity, s.Opened, s.StillOpen,
			Span(s.TimeToMitigate.Median, s.TimeToMitigate.Count), Span(s.TimeToMitigate.P90, s.TimeToMitigate.Count),
			Span(s.TimeToResolve.Median, s.TimeToResolve.Count), Span(s.TimeToResolve.P90, s.TimeToResolve.Count))
	}
	if len(r.BySeverity) == 0 {
		w.line("| — | 0 | 0 | — | — | — | — |")
	}

	w.section("## By service", len(r.ByService), func(int) {})
	services := make([]string, 0, len(r.ByService))
	for s := range r.ByService {
		services = append(services, s)
	}
	sort.Slice(services, func(a, b int) bool {
		if r.ByService[services[a]] != r.ByService[services[b]] {
			return r.ByService[services[a]] > r.ByService[services[b]]
		}
		return services[a] < services[b]
	})
	for _, s := range services {
		w.line("- %s: %d", s, r.ByService[s])
	}

	w.section(fmt.Sprintf("## Incidents opened (%d)", len(r.Incidents)), len(r.Incidents), func(i int) {
		in := r.Incidents[i]
		w.line("- **%s** %s, opened %s UTC, mitigated %s, resolved %s", in.Severity, link(in.Issue), in.CreatedAt.UTC().Format("Mon 02 Jan 15:04"),
			after(in.CreatedAt, in.MitigatedAt), after(in.CreatedAt, in.ResolvedAt))
	})
	w.section(fmt.Sprintf("## Opened in the window, not resolved yet (%d)", len(r.StillOpen)), len(r.StillOpen), func(i int) {
		in := r.StillOpen[i]
		w.line("- **%s** %s %s", in.Severity, in.Status, link(in.Issue))
	})

	w.line("")
	w.line("## Changes")
	w.line("")
	w.line("| | C1 | C2 | C3 | C4 | unlabelled |")
	w.line("|---|---:|---:|---:|---:|---:|")
	for _, row := range []struct {
		name string
		n    [5]int
	}{{"completed", r.Changes.Completed}, {"aborted", r.Changes.Aborted}, {"in progress", r.Changes.InProgress}} {
		w.line("| %s | %d | %d | %d | %d | %d |", row.name, row.n[1], row.n[2], row.n[3], row.n[4], row.n[0])
	}
	w.line("")
	w.line("## ~oncall issues")
	w.line("")
	w.line("%d opened, %d closed.", r.OncallOpened, r.OncallClosed)

	b := r.Budget
	w.line("")
	w.line("## Error budget")
	w.line("")
	sevs := make([]string, len(b.Policy.Severities))
	for i, s := range b.Policy.Severities {
		sevs[i] = s.String()
	}
	until := "mitigated"
	if b.Policy.UntilResolved {
		until = "resolved"
	}
	w.line("%.2f%% availability over %d days (%s – %s UTC): %s of %s incidents, counted from opened until %s.",
		b.Policy.Target, int(b.Policy.Window.Hours()/24), b.Window.From.UTC().Format("Jan 02 15:04"), b.Window.To.UTC().Format("Jan 02 15:04"),
		Span(b.Consumed, 1), strings.Join(sevs, "/"), until)
	w.line("")
	w.line("- allowed: %s", Span(b.Allowed, 1))
	w.line("- consumed: %s (%.0f%%)", Span(b.Consumed, 1), 100*float64(b.Consumed)/float64(max(b.Allowed, 1)))
	w.line("- remaining: %s", Span(b.Remaining, 1))
	flag := ""
	if b.Burning {
		flag = " — **burning faster than the window allows**"
	}
	w.line("- burn rate over the last 7 days: %.1fx%s", b.BurnRate, flag)
	return w.String()
}

// openedLine counts the incidents opened in the window and those of them not resolved when
// the report was made: not every open incident, which is what the dashboard's "open" counts.
func openedLine(r Report) string {
	asOf := "yet"
	if !r.AsOf.IsZero() {
		asOf = "as of " + r.AsOf.UTC().Format("2006-01-02 15:04") + " UTC, when this report was made"
	}
	return fmt.Sprintf("%d incidents opened in the window; %d of them not resolved %s.", len(r.Incidents), len(r.StillOpen), asOf)
}

// sparkLine draws the incidents opened per day, or per week (or longer) when the window is
// too long for a column a day.
func sparkLine(days []DayCount) string {
	if len(days) == 0 {
		return "No days in the window."
	}
	unit, buckets := Buckets(days)
	counts := make([]int, len(buckets))
	for i, b := range buckets {
		counts[i] = b.Count
	}
	first, last := days[0].Date, days[len(days)-1].Date
	columns := fmt.Sprintf("%d columns", len(buckets))
	if unit == "day" {
		columns = fmt.Sprintf("%d days", len(buckets))
	}
	return fmt.Sprintf("Incidents opened per %s, %s – %s UTC (%s): `%s`", unit,
		first.Format("Mon 02 Jan 2006"), last.Format("Mon 02 Jan 2006"), columns, Sparkline(counts))
}

// Ago is a compact elapsed time: 45s, 47m, 3h, 2d, 5w.
func Ago(now, t time.Time) string {
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

// Countdown is a duration to the minute, e.g. 1h29m, 5m, or 40s in the last minute.
func Countdown(d time.Duration) string {
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

// Span prints a duration as 1d 2h, 3h 05m, 12m or 40s; "—" when count is 0.
func Span(d time.Duration, count int) string {
	if count == 0 {
		return "—"
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%s%dd %dh", sign, int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%s%dh %02dm", sign, int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%s%dm", sign, int(d.Minutes()))
	}
	return fmt.Sprintf("%s%ds", sign, int(d.Seconds()))
}

func after(from, t time.Time) string {
	if t.IsZero() {
		return "not yet"
	}
	return "after " + Span(t.Sub(from), 1)
}

// Sparkline draws counts as block characters, one a count.
func Sparkline(counts []int) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	var b strings.Builder
	for _, c := range counts {
		if top == 0 || c == 0 {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(blocks[(c*len(blocks)+top-1)/top-1])
	}
	return b.String()
}
