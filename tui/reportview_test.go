package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// reportLines are the lines of the Reports view on screen, from its title to the footer.
func reportLines(t *testing.T, out string) []string {
	t.Helper()
	ls := lines(out)
	for i, l := range ls {
		if strings.HasPrefix(l, "━ Reports") {
			return ls[i : len(ls)-1]
		}
	}
	t.Fatalf("no Reports view on screen:\n%s", out)
	return nil
}

// words joins lines into one line of words: what wrapping moved is found again.
func words(ls []string) string { return strings.Join(strings.Fields(strings.Join(ls, " ")), " ") }

func TestReportsFitAndScrollAt80x24(t *testing.T) {
	f := newFixture()
	f.report = fixtureReport()
	m, _ := testModel(t, f, nil, testNow, 80, 24)
	run(t, m, m.refreshAll())
	press(t, m, "R")
	// A recompute that fails keeps the report and says so below it: now it is taller than
	// the screen.
	f.mu.Lock()
	f.report = nil
	f.mu.Unlock()
	press(t, m, "r")
	var seen []string
	for _, at := range []string{"top", "bottom"} {
		t.Run(at, func(t *testing.T) {
			if at == "bottom" {
				press(t, m, "G")
			}
			out := screen(m)
			if n := len(lines(out)); n != 24 {
				t.Fatalf("%d lines", n)
			}
			for i, l := range reportLines(t, out) {
				if w := ansi.StringWidth(l); w > 80 || strings.Contains(l, "…") {
					t.Errorf("line %d is cut or too wide (%d cells): %q", i, w, l)
				}
			}
			seen = append(seen, reportLines(t, out)...)
			golden.RequireEqual(t, []byte(out))
		})
	}
	footer := func() string { return lines(screen(m))[23] }
	if !strings.Contains(footer(), "100%") {
		t.Errorf("at the bottom the footer does not say so: %q", footer())
	}
	press(t, m, "g")
	if !strings.Contains(footer(), "0%") || strings.Contains(footer(), "100%") {
		t.Errorf("g does not go back to the top: %q", footer())
	}
	press(t, m, "j")
	if strings.Contains(footer(), " 0%") {
		t.Errorf("j does not scroll: %q", footer())
	}
	all := words(seen)
	for _, want := range []string{
		"changes completed 4 · aborted 1 · in progress 2", "~oncall opened 6 · closed 3",
		"99.95% over 28 days: 20m allowed, 5h 27m consumed by S1/S2, -5h 07m left; 7-day burn rate 48.7x",
		"⚠ the last update failed: the fixture has no report",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the report does not show %q whole:\n%s", want, all)
		}
	}
}

// A report over a list cut short says so above its figures.
func TestAnIncompleteReportSaysSo(t *testing.T) {
	f := newFixture()
	f.report = fixtureReport()
	f.report.Notices = []string{"more than 100 ~incident issues in prod: showing the newest 100"}
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	run(t, m, m.refreshAll())
	press(t, m, "R")
	if got := words(reportLines(t, screen(m))); !strings.Contains(got, "⚠ incomplete: more than 100 ~incident issues in prod: showing the newest 100") {
		t.Fatalf("the report does not say it is incomplete:\n%s", got)
	}
}
