package main

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
)

func TestReportWindowFlags(t *testing.T) {
	cfg, err := config.Parse("", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	good := []struct {
		since, from, to  string
		wantFrom, wantTo time.Time
	}{
		// a date given to --to is included to its end (midnight UTC after it)
		{"", "2026-11-20", "2026-11-20", day(20, 0), day(21, 0)},
		{"", "2026-11-16", "2026-11-22", day(16, 0), day(23, 0)},
		{"", "2026-11-16T06:00:00Z", "2026-11-20T06:00:00Z", day(16, 6), day(20, 6)},
		// today's end is still to come: the window ends now
		{"", "2026-11-20", "2026-11-23", day(20, 0), now},
		{"", "2026-11-20", "", day(20, 0), now},
		{"1w", "", "", now.Add(-7 * 24 * time.Hour), now},
		{"2w", "", "", now.Add(-14 * 24 * time.Hour), now},
		{"", "", "", now.Add(-7 * 24 * time.Hour), now},
	}
	for _, c := range good {
		w, err := reportWindow(cfg, now, c.since, c.from, c.to, false)
		if err != nil || !w.From.Equal(c.wantFrom) || !w.To.Equal(c.wantTo) {
			t.Errorf("--since %q --from %q --to %q: %v %v; want [%s, %s)", c.since, c.from, c.to, w, err, c.wantFrom, c.wantTo)
		}
	}
	bad := []struct {
		since, from, to, says string
	}{
		{"0d", "", "", "--since 0d: the window is empty; say how far back to look, e.g. --since 7d"},
		{"0w", "", "", "the window is empty"},
		{"-3d", "", "", "the window is empty"},
		{"-5h", "", "", "the window is empty"},
		{"a week", "", "", "want a duration such as 7d, 2w, 24h"},
		{"", "2026-11-20", "2026-11-19", "--from 2026-11-20 is not before the end of --to 2026-11-19: the window is empty"},
		{"", "2026-11-25", "", "--from 2026-11-25 is not before now, 2026-11-23T14:30:00Z: the window is empty"},
	}
	for _, c := range bad {
		_, err := reportWindow(cfg, now, c.since, c.from, c.to, false)
		if _, usage := err.(usageError); !usage || !strings.Contains(err.Error(), c.says) {
			t.Errorf("--since %q --from %q --to %q: %v; want a usage error saying %q", c.since, c.from, c.to, err, c.says)
		}
	}
}

func TestReportHelpSaysTheUnitsAndWholeDays(t *testing.T) {
	code, out, _ := oncall("report", "--help")
	for _, want := range []string{"7d, 2w, 24h, 90m", "included to its end", "is included whole"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("report --help lacks %q:\n%s", want, out)
		}
	}
}
