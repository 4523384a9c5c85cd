package model

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseIncidentLabels(t *testing.T) {
	l := DefaultLabels()
	cases := []struct {
		labels []string
		want   IncidentLabels
	}{
		{[]string{"Incident::Active", "Service::Redis", "blocks deployments", "incident", "severity::2"},
			IncidentLabels{Severity: 2, Status: StatusActive, BlocksDeployments: true, Services: []string{"Redis"}}},
		{[]string{"S1", "incident", "Incident::Mitigated", "(perceived) data loss"},
			IncidentLabels{Severity: 1, Status: StatusMitigated, DataLoss: true}},
		{[]string{"incident", "Incident::Resolved", "severity::4"}, IncidentLabels{Severity: 4, Status: StatusResolved}},
		{[]string{"severity::5", "S9", "incident::active"}, IncidentLabels{Status: StatusActive}}, // out of range: unknown severity
		{[]string{"severity::3", "S1"}, IncidentLabels{Severity: 3}},                              // the scoped label wins over the legacy one
		{nil, IncidentLabels{}},
	}
	for _, c := range cases {
		if got := l.ParseIncidentLabels(c.labels); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseIncidentLabels(%q) = %+v; want %+v", c.labels, got, c.want)
		}
	}
}

func TestParseIncidentLabelsHonoursSettings(t *testing.T) {
	l := DefaultLabels()
	l.Severity = "sev/"
	l.IncidentStatus = "state/"
	got := l.ParseIncidentLabels([]string{"sev/1", "state/mitigated", "severity::2"})
	if got.Severity != 1 || got.Status != StatusMitigated {
		t.Fatalf("custom prefixes not honoured: %+v", got)
	}
}

func TestParseChangeLabels(t *testing.T) {
	l := DefaultLabels()
	cases := []struct {
		labels []string
		want   ChangeLabels
	}{
		{[]string{"C2", "change", "change::in-progress"}, ChangeLabels{Workflow: ChangeInProgress, Criticality: 2}},
		{[]string{"change::scheduled", "C4"}, ChangeLabels{Workflow: ChangeScheduled, Criticality: 4}},
		{[]string{"change::unscheduled"}, ChangeLabels{Workflow: ChangeUnscheduled}},
		{[]string{"change::complete", "C1"}, ChangeLabels{Workflow: ChangeComplete, Criticality: 1}},
		{[]string{"change::aborted", "C5"}, ChangeLabels{Workflow: ChangeAborted}},
		{[]string{"change::weird"}, ChangeLabels{}},
	}
	for _, c := range cases {
		if got := l.ParseChangeLabels(c.labels); got != c.want {
			t.Errorf("ParseChangeLabels(%q) = %+v; want %+v", c.labels, got, c.want)
		}
	}
	if ChangeInProgress.String() != "in-progress" || ChangeUnknown.String() != "—" {
		t.Errorf("ChangeState names: %q %q", ChangeInProgress, ChangeUnknown)
	}
}

func TestScheduledTime(t *testing.T) {
	due := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		body string
		due  time.Time
		want string
	}{
		{"## Summary\n\n**Scheduled Date and Time (UTC in format YYYY-MM-DD HH:MM):** 2026-11-24 18:30\n", due, "2026-11-24T18:30:00Z"},
		{"Change scheduled for 2026-11-24T09:00Z", time.Time{}, "2026-11-24T09:00:00Z"},
		{"no time here", due, "2026-11-25T00:00:00Z"},
		{"Scheduled: TBD\nRollback at 2026-11-24 10:00", time.Time{}, "0001-01-01T00:00:00Z"}, // a date on another line is not the schedule
	}
	for _, c := range cases {
		if got := ScheduledTime(c.body, c.due).Format(time.RFC3339); got != c.want {
			t.Errorf("ScheduledTime(%q) = %s; want %s", c.body, got, c.want)
		}
	}
}

func TestSortIncidents(t *testing.T) {
	base := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	mk := func(iid int64, sev Severity, hoursAgo int) Incident {
		return Incident{Issue: Issue{IssueRef: IssueRef{IID: iid}, CreatedAt: base.Add(-time.Duration(hoursAgo) * time.Hour)}, IncidentLabels: IncidentLabels{Severity: sev}}
	}
	in := []Incident{mk(1, 4, 1), mk(2, 2, 10), mk(3, 1, 30), mk(4, 3, 2), mk(5, 2, 3), mk(6, 0, 0)}
	SortIncidents(in)
	var got []int64
	for _, i := range in {
		got = append(got, i.IID)
	}
	if want := []int64{3, 5, 2, 6, 1, 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v; want %v", got, want)
	}

	// An S1 still open but labelled Resolved waits for its closing after every other.
	resolved := mk(7, 1, 0)
	resolved.Status = StatusResolved
	in = append([]Incident{resolved}, in...)
	SortIncidents(in)
	if in[len(in)-1].IID != 7 {
		t.Fatalf("a resolved S1 sorts at %d of %d; want last", slices.IndexFunc(in, func(i Incident) bool { return i.IID == 7 }), len(in))
	}
}

func TestSortChanges(t *testing.T) {
	base := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	mk := func(iid int64, st ChangeState, sched int, created int) Change {
		c := Change{Issue: Issue{IssueRef: IssueRef{IID: iid}, CreatedAt: base.Add(time.Duration(created) * time.Hour)}, ChangeLabels: ChangeLabels{Workflow: st}}
		if sched != 0 {
			c.Scheduled = base.Add(time.Duration(sched) * time.Hour)
		}
		return c
	}
	in := []Change{mk(1, ChangeUnscheduled, 0, 5), mk(2, ChangeScheduled, 9, 1), mk(3, ChangeInProgress, 0, 1), mk(4, ChangeScheduled, 3, 0), mk(5, ChangeScheduled, 0, 7), mk(6, ChangeUnscheduled, 0, 9)}
	SortChanges(in)
	var got []int64
	for _, c := range in {
		got = append(got, c.IID)
	}
	if want := []int64{3, 4, 2, 5, 6, 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v; want %v", got, want)
	}
}

func TestCleanStripsTerminalControls(t *testing.T) {
	cases := map[string]string{
		"plain title":        "plain title",
		"\x1b[31mred\x1b[0m": "red",
		"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\": "click",
		"copy\x1b]52;c;ZXZpbA==\x07me":                          "copyme",
		"bell\x07 and\x00 nul\x7f":                              "bell and nul",
		"c1\u009b31m csi":                                       "c1 csi",
		"osc\u009d52;c;ZXZpbA==\u009c here":                     "osc here",
		"dcs\u0090q#0;2;0;0;0\u009c done":                       "dcs done",
		"admin\u202e txt.exe":                                   "admin txt.exe",
		"a\u2066b\u2069c":                                       "abc",
		"line\nbreak\ttab\r\nend":                               "line break tab end",
		"日本語 🔥 ok":                                              "日本語 🔥 ok",
		"bad\xffutf8":                                           "bad\uFFFDutf8",
	}
	for in, want := range cases {
		if got := CleanLine(in); got != want {
			t.Errorf("CleanLine(%q) = %q; want %q", in, got, want)
		}
	}
	if got := CleanText("one\r\ntwo\n\tthree\x1b[2J"); got != "one\ntwo\n    three" {
		t.Errorf("CleanText kept %q", got)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b[31mx", "\x1b]52;c;AAAA\x07", "\u202e", "a\x9bb", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{CleanLine(s), CleanText(s)} {
			for _, r := range out {
				if r == 0x1b || r == 0x9b || r == 0x9d || (r < 0x20 && r != '\n') || r == 0x7f || isBidiControl(r) {
					t.Fatalf("clean(%q) kept control %U in %q", s, r, out)
				}
			}
			if strings.Contains(CleanLine(s), "\n") {
				t.Fatalf("CleanLine kept a newline")
			}
		}
	})
}

func FuzzParseLabels(f *testing.F) {
	f.Add("severity::1,Incident::Active,blocks deployments")
	f.Add("S2,change::in-progress,C1")
	f.Add("severity::,Incident::,change::,S,C")
	f.Fuzz(func(t *testing.T, joined string) {
		labels := strings.Split(joined, ",")
		l := DefaultLabels()
		in := l.ParseIncidentLabels(labels)
		if in.Severity < 0 || in.Severity > 4 || in.Status < StatusUnknown || in.Status > StatusResolved {
			t.Fatalf("out of range: %+v", in)
		}
		ch := l.ParseChangeLabels(labels)
		if ch.Criticality < 0 || ch.Criticality > 4 {
			t.Fatalf("criticality %d", ch.Criticality)
		}
		if in.Severity != 0 && !strings.Contains(joined, in.Severity.String()[1:]) {
			t.Fatalf("severity %s from %q", in.Severity, joined)
		}
	})
}

func TestOpenCountsSaysTheSameEverywhere(t *testing.T) {
	in := []Incident{
		{Issue: Issue{State: "opened"}, IncidentLabels: IncidentLabels{Status: StatusActive}},
		{Issue: Issue{State: "opened"}},
		{Issue: Issue{State: "opened"}, IncidentLabels: IncidentLabels{Status: StatusMitigated}},
		{Issue: Issue{State: "opened"}, IncidentLabels: IncidentLabels{Status: StatusResolved}},
		{Issue: Issue{State: "closed"}, IncidentLabels: IncidentLabels{Status: StatusActive}},
	}
	if got := OpenCounts(in); got != "4 open: 2 active, 1 mitigated, 1 resolved" {
		t.Errorf("OpenCounts = %q", got)
	}
	if got := OpenCounts(nil); got != "0 open" {
		t.Errorf("OpenCounts(nil) = %q", got)
	}
}

func TestShortenCutsBetweenCharacters(t *testing.T) {
	if got := Shorten("ééééé", 3); got != "éé…" {
		t.Errorf("Shorten = %q", got)
	}
	if got := Shorten("short", 10); got != "short" {
		t.Errorf("Shorten = %q", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567", -1000: "-1,000", -100: "-100"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q; want %q", n, got, want)
		}
	}
}
