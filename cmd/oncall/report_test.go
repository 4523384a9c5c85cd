package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
	for _, want := range []string{"7d, 2w, 24h, 90m", "included to its end", "is included whole", "\"Not resolved\" counts the incidents opened in the\nwindow"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("report --help lacks %q:\n%s", want, out)
		}
	}
}

// A list cut at gitlab.max_pages is said in the report, in Markdown and in JSON: a report
// that counted the newest 100 incidents of 10,600 must not look complete.
func TestReportSaysWhatItLeftOut(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("gitlab:\n  max_pages: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"report", "--sim", "--scenario", "many-issues", "--config", cfg, "--now", simNow.Format(time.RFC3339), "--since", "3000d"}
	const cut = "more than 100 ~incident issues in gitlab-com/gl-infra/production: showing the newest 100"
	code, out, errs := oncall(args...)
	if code != 0 || !strings.Contains(out, "> **Warning: incomplete.** The figures below count only what oncall read:\n> - "+cut) {
		t.Fatalf("exit %d %s; no warning in:\n%s", code, errs, out)
	}
	if !strings.Contains(out, "Incidents opened per year, ") {
		t.Errorf("3000 days drawn a column a day:\n%s", out)
	}
	code, out, errs = oncall(append(args, "--json")...)
	var doc struct {
		Warnings []string `json:"warnings"`
		Days     []struct {
			Date  string `json:"date"`
			Count int    `json:"count"`
		} `json:"days"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Warnings) != 1 || doc.Warnings[0] != cut {
		t.Fatalf("--json: exit %d %s; warnings %q", code, errs, doc.Warnings)
	}
	if n := len(doc.Days); n != 3001 || doc.Days[n-1].Date != "2026-11-23" || doc.Days[0].Date != "2018-09-06" {
		t.Errorf("%d days, from %+v to %+v", n, doc.Days[0], doc.Days[n-1])
	}
}
