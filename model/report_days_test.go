package model

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestReportCountsCalendarDays(t *testing.T) {
	r := DefaultLabels().NewReport(reportCase())
	var got []string
	for _, d := range r.Days {
		got = append(got, d.Date.Format("01-02")+":"+string(rune('0'+d.Count)))
	}
	if strings.Join(got, " ") != "11-16:0 11-17:1 11-18:1 11-19:0 11-20:1 11-21:0 11-22:1" {
		t.Errorf("days %v", got)
	}
	// A window from mid-afternoon touches one more calendar day than it has 24 hours.
	in := reportCase()
	in.Window = Window{From: at("2026-11-16T15:30:00Z"), To: at("2026-11-23T15:30:00Z")}
	r = DefaultLabels().NewReport(in)
	if len(r.Days) != 8 || !r.Days[0].Date.Equal(at("2026-11-16T00:00:00Z")) || !r.Days[7].Date.Equal(at("2026-11-23T00:00:00Z")) {
		t.Errorf("days of a window from 15:30: %+v", r.Days)
	}
	if len((Window{From: in.Window.To, To: in.Window.To}).calendarDays()) != 0 {
		t.Error("an empty window has days")
	}
}

func TestBucketsKeepTheSparklineShort(t *testing.T) {
	start := at("2020-01-01T00:00:00Z")
	days := func(n int) []DayCount {
		out := make([]DayCount, n)
		for i := range out {
			out[i] = DayCount{Date: start.AddDate(0, 0, i), Count: 1}
		}
		return out
	}
	for _, c := range []struct {
		days    int
		unit    string
		columns int
	}{{1, "day", 1}, {7, "day", 7}, {31, "day", 31}, {32, "week", 5}, {91, "week", 13}, {365, "week", 53},
		{400, "30 days", 14}, {3660, "year", 11}} {
		unit, b := Buckets(days(c.days))
		if unit != c.unit || len(b) != c.columns {
			t.Errorf("%d days: %d columns of a %s; want %d of a %s", c.days, len(b), unit, c.columns, c.unit)
			continue
		}
		total := 0
		for _, x := range b {
			total += x.Count
		}
		if total != c.days || !b[0].From.Equal(start) {
			t.Errorf("%d days: the buckets hold %d, from %s", c.days, total, b[0].From)
		}
	}
}

// A long window draws a column a week; a list cut by its source is said before the figures.
func TestReportMarkdownOfALongCutWindow(t *testing.T) {
	in := reportCase()
	in.Window.From = in.Window.To.Add(-90 * 24 * time.Hour)
	r := DefaultLabels().NewReport(in)
	r.Notices = []string{"more than 10,000 ~incident issues in gitlab-com/gl-infra/production: showing the newest 10,000"}
	md := ReportMarkdown(r)
	lines := strings.Split(md, "\n")
	if lines[2] != "> **Warning: incomplete.** The figures below count only what oncall read:" ||
		lines[3] != "> - more than 10,000 ~incident issues in gitlab-com/gl-infra/production: showing the newest 10,000" {
		t.Errorf("no warning under the title:\n%s", strings.Join(lines[:6], "\n"))
	}
	var spark string
	for _, l := range lines {
		if strings.HasPrefix(l, "Incidents opened per ") {
			spark = l
		}
	}
	if !strings.HasPrefix(spark, "Incidents opened per week, Tue 25 Aug 2026 – Sun 22 Nov 2026 UTC (13 columns): `") {
		t.Errorf("sparkline line %q", spark)
	}
	if _, line, _ := strings.Cut(spark, "`"); utf8.RuneCountInString(strings.TrimSuffix(line, "`")) != 13 {
		t.Errorf("the sparkline has %d columns; want 13: %q", utf8.RuneCountInString(line)-1, line)
	}
}
