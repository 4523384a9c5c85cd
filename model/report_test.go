package model

import (
	"reflect"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

func ev(label, action, when string) LabelEvent {
	return LabelEvent{Label: label, Action: action, At: at(when)}
}

func hist(iid int64, sev Severity, created string, state, closed string, events ...LabelEvent) IncidentHistory {
	h := IncidentHistory{Incident: Incident{Issue: Issue{IssueRef: IssueRef{IID: iid}, State: state, CreatedAt: at(created)},
		IncidentLabels: IncidentLabels{Severity: sev, Services: []string{"Web"}}}, Events: events}
	if closed != "" {
		h.ClosedAt = at(closed)
	}
	return h
}

// The hand-checked case: see each incident's comment for its figures.
func reportCase() ReportInput {
	return ReportInput{
		Window: Window{From: at("2026-11-16T00:00:00Z"), To: at("2026-11-23T00:00:00Z")},
		Now:    at("2026-11-23T00:00:00Z"),
		Incidents: []IncidentHistory{
			// A: S1, mitigated after 30m, resolved label after 3h (closed later): TTM 30m, TTR 3h.
			hist(1, 1, "2026-11-20T10:00:00Z", "closed", "2026-11-20T14:00:00Z",
				ev("Incident::Active", "add", "2026-11-20T10:00:00Z"), ev("Incident::Active", "remove", "2026-11-20T10:30:00Z"),
				ev("Incident::Mitigated", "add", "2026-11-20T10:30:00Z"), ev("Incident::Resolved", "add", "2026-11-20T13:00:00Z")),
			// B: S2 opened 10m before the window: not in the report; 30m of budget, 20m of it this week.
			hist(2, 2, "2026-11-15T23:50:00Z", "closed", "2026-11-16T02:00:00Z", ev("Incident::Mitigated", "add", "2026-11-16T00:20:00Z")),
			// C: S2, no label events, still open: no TTM, no TTR; 2h of budget until now.
			hist(3, 2, "2026-11-22T22:00:00Z", "opened", ""),
			// D: S3, no label events, closed after 2h: TTM and TTR fall back to the close.
			hist(4, 3, "2026-11-18T09:00:00Z", "closed", "2026-11-18T11:00:00Z"),
			// E: S2 mitigated after 45m, its label removed at 12:00 with none added (Active
			// again: 1h more of impact), mitigated again at 13:00: TTM 5h; still open.
			hist(5, 2, "2026-11-17T08:00:00Z", "opened", "", ev("Incident::Mitigated", "add", "2026-11-17T08:45:00Z"),
				ev("Incident::Mitigated", "remove", "2026-11-17T12:00:00Z"), ev("Incident::Mitigated", "add", "2026-11-17T13:00:00Z")),
			// F: S1 long before the budget window: nothing.
			hist(6, 1, "2026-10-01T00:00:00Z", "closed", "2026-10-01T02:00:00Z", ev("Incident::Mitigated", "add", "2026-10-01T01:00:00Z")),
			// G: S2 across the budget window's start (Oct 26 00:00): 10m of it count.
			hist(7, 2, "2026-10-25T23:00:00Z", "closed", "2026-10-26T01:00:00Z", ev("Incident::Mitigated", "add", "2026-10-26T00:10:00Z")),
		},
		Changes: []Change{
			{Issue: Issue{State: "closed", ClosedAt: at("2026-11-18T00:00:00Z")}, ChangeLabels: ChangeLabels{Workflow: ChangeComplete, Criticality: 2}},
			{Issue: Issue{State: "closed", ClosedAt: at("2026-11-10T00:00:00Z")}, ChangeLabels: ChangeLabels{Workflow: ChangeComplete, Criticality: 2}},
			{Issue: Issue{State: "closed", ClosedAt: at("2026-11-19T00:00:00Z")}, ChangeLabels: ChangeLabels{Workflow: ChangeAborted, Criticality: 1}},
			{Issue: Issue{State: "opened"}, ChangeLabels: ChangeLabels{Workflow: ChangeInProgress, Criticality: 3}},
		},
		Oncall: []OncallIssue{
			{Issue: Issue{State: "opened", CreatedAt: at("2026-11-17T00:00:00Z")}},
			{Issue: Issue{State: "closed", CreatedAt: at("2026-11-01T00:00:00Z"), ClosedAt: at("2026-11-20T00:00:00Z")}},
			{Issue: Issue{State: "closed", CreatedAt: at("2026-11-18T00:00:00Z"), ClosedAt: at("2026-11-19T00:00:00Z")}},
		},
		Budget: DefaultBudgetPolicy(),
	}
}

func TestReportFigures(t *testing.T) {
	r := DefaultLabels().NewReport(reportCase())
	if len(r.Incidents) != 4 {
		t.Fatalf("%d incidents opened in the window; want A, C, D, E", len(r.Incidents))
	}
	m := time.Minute
	want := []SeverityStats{
		{Severity: 1, Opened: 1, TimeToMitigate: Durations{1, 30 * m, 30 * m}, TimeToResolve: Durations{1, 180 * m, 180 * m}},
		{Severity: 2, Opened: 2, StillOpen: 2, TimeToMitigate: Durations{1, 300 * m, 300 * m}},
		{Severity: 3, Opened: 1, TimeToMitigate: Durations{1, 120 * m, 120 * m}, TimeToResolve: Durations{1, 120 * m, 120 * m}},
	}
	if !reflect.DeepEqual(r.BySeverity, want) {
		t.Errorf("by severity:\n got %+v\nwant %+v", r.BySeverity, want)
	}
	if !reflect.DeepEqual(r.PerDay, []int{0, 1, 1, 0, 1, 0, 1}) {
		t.Errorf("per day %v", r.PerDay)
	}
	if len(r.StillOpen) != 2 || r.ByService["Web"] != 4 {
		t.Errorf("still open %d, by service %v", len(r.StillOpen), r.ByService)
	}
	if r.Changes.Completed[2] != 1 || r.Changes.Aborted[1] != 1 || r.Changes.InProgress[3] != 1 {
		t.Errorf("changes %+v", r.Changes)
	}
	if r.OncallOpened != 2 || r.OncallClosed != 2 {
		t.Errorf("oncall opened %d closed %d", r.OncallOpened, r.OncallClosed)
	}
}

func TestErrorBudget(t *testing.T) {
	in := reportCase()
	b := DefaultLabels().ErrorBudget(in.Budget, in.Incidents, in.Now)
	// 28 days at 99.95%: 0.05% of 40,320 minutes = 20.16 minutes.
	if b.Allowed != 1209600*time.Millisecond {
		t.Errorf("allowed %s", b.Allowed)
	}
	// A 30m + B 30m + C 120m + E 45m+60m + G 10m (S3 D and the October F do not count).
	if b.Consumed != 295*time.Minute {
		t.Errorf("consumed %s; want 4h55m", b.Consumed)
	}
	if b.Remaining != b.Allowed-295*time.Minute || b.RemainingFraction() != 0 || !b.Burning {
		t.Errorf("remaining %s (%f), burning %v", b.Remaining, b.RemainingFraction(), b.Burning)
	}
	// Last 7 days: A 30 + B 20 + C 120 + E 105 = 275m, against 20.16m/4 = 5.04m a week.
	if got, want := b.BurnRate, 275/5.04; got < want-0.001 || got > want+0.001 {
		t.Errorf("burn rate %f; want %f", got, want)
	}
	quiet := DefaultLabels().ErrorBudget(in.Budget, in.Incidents[3:4], in.Now) // only the S3
	if quiet.Consumed != 0 || quiet.Burning || quiet.RemainingFraction() != 1 {
		t.Errorf("an S3 consumed the S1/S2 budget: %+v", quiet)
	}
	in.Budget.UntilResolved = true
	if b := DefaultLabels().ErrorBudget(in.Budget, in.Incidents[:1], in.Now); b.Consumed != 180*time.Minute {
		t.Errorf("counted to resolution, A consumes 3h; got %s", b.Consumed)
	}
}

func TestSummarise(t *testing.T) {
	m := time.Minute
	if got := summarise([]time.Duration{40 * m, 10 * m, 30 * m, 20 * m}); got != (Durations{4, 25 * m, 40 * m}) {
		t.Errorf("even: %+v", got)
	}
	if got := summarise([]time.Duration{5 * m, 1 * m, 9 * m, 3 * m, 7 * m, 2 * m, 4 * m, 6 * m, 8 * m, 10 * m, 100 * m}); got != (Durations{11, 6 * m, 10 * m}) {
		t.Errorf("odd: %+v", got)
	}
	if got := summarise(nil); got != (Durations{}) {
		t.Errorf("empty: %+v", got)
	}
}

func TestReportMarkdownGolden(t *testing.T) {
	golden.RequireEqual(t, []byte(ReportMarkdown(DefaultLabels().NewReport(reportCase()))))
}

func TestSparklineAndSpan(t *testing.T) {
	if got := Sparkline([]int{0, 1, 4, 2, 8}); got != " ▁▄▂█" {
		t.Errorf("sparkline %q", got)
	}
	for d, want := range map[time.Duration]string{26 * time.Hour: "1d 2h", 185 * time.Minute: "3h 05m", 12 * time.Minute: "12m", -90 * time.Minute: "-1h 30m", 40 * time.Second: "40s"} {
		if got := Span(d, 1); got != want {
			t.Errorf("Span(%s) = %q; want %q", d, got, want)
		}
	}
}

func TestAgoAndCountdown(t *testing.T) {
	now := at("2026-11-23T12:00:00Z")
	for ago, want := range map[time.Duration]string{30 * time.Second: "30s", 47 * time.Minute: "47m", 30 * time.Hour: "30h", 3 * 24 * time.Hour: "3d", 21 * 24 * time.Hour: "3w"} {
		if got := Ago(now, now.Add(-ago)); got != want {
			t.Errorf("Ago(%s) = %q; want %q", ago, got, want)
		}
	}
	if Ago(now, time.Time{}) != "—" || Countdown(89*time.Minute+30*time.Second) != "1h29m" || Countdown(40*time.Second) != "40s" || Countdown(5*time.Minute) != "5m" {
		t.Errorf("Ago/Countdown edge cases: %q %q %q %q", Ago(now, time.Time{}), Countdown(89*time.Minute+30*time.Second), Countdown(40*time.Second), Countdown(5*time.Minute))
	}
}
