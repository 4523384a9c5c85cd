package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

var update = flag.Bool("update", false, "rewrite the JSON golden files")

var fixedNow = time.Date(2026, 11, 23, 15, 20, 0, 0, time.UTC)

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./cmd/oncall -run JSON -update after a deliberate change):\n%s", name, got)
	}
}

func fixtureSnapshot() model.Snapshot {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	eoc := model.Person{Name: "Piotr Nowak", Username: "pnowak"}
	base := func(iid int64, title string, labels ...string) model.Issue {
		return model.Issue{IssueRef: model.IssueRef{Project: "gitlab-com/gl-infra/production", IID: iid}, Title: title,
			WebURL: "https://gitlab.com/gitlab-com/gl-infra/production/-/issues/" + title[:2], State: "opened", Labels: labels,
			Author: eoc, CreatedAt: at(13, 5).Add(123 * time.Millisecond), UpdatedAt: at(15, 1)}
	}
	l := model.DefaultLabels()
	s := model.Snapshot{
		Incidents: []model.Incident{
			l.NewIncident(base(101, "10 Elevated 5xx on web", "incident", "severity::1", "Incident::Active", "blocks deployments", "Service::Web")),
			l.NewIncident(base(102, "11 Unlabelled incident", "incident")),
		},
		Changes: []model.Change{
			l.NewChange(base(201, "20 Postgres upgrade", "change", "change::in-progress", "C2"), "Scheduled for 2026-11-23 18:00 UTC", time.Time{}),
			l.NewChange(base(202, "21 Unplanned change", "change"), "", time.Time{}),
		},
		OncallIssues: []model.OncallIssue{l.NewOncallIssue(base(301, "30 Flaky canary", "oncall", "Ready_to_Handoff"))},
		Handoffs: []model.HandoffNote{
			{Issue: base(401, "40 On-call handoff 2026-11-23 04:00 UTC: AMER -> EMEA", "oncall-handoff"), AckChecked: true,
				Ack: &model.Acknowledgement{Username: "pnowak", At: at(4, 8)}},
			{Issue: base(402, "41 On-call handoff 2026-11-22 16:00 UTC: EMEA -> AMER", "oncall-handoff"), AckChecked: true},
		},
		OnCall: []model.OnCall{
			{Region: "EMEA", Now: &eoc, Next: &model.Person{Name: "Ana Kowalska", Email: "ana@example.com"}, NextStart: at(4, 0).Add(24 * time.Hour)},
			{Region: "AMER", Next: &model.Person{Name: "Emma Clarke", Username: "eclarke"}, NextStart: at(16, 0)},
		},
		Pages: model.Pages{Triggered: 1, Acknowledged: 0, Open: []model.Page{{ID: "Q1ABCDEF", Number: 4312, Urgency: "high",
			Title: "[FIRING:1] GitalyCPUSaturation", Status: "triggered", Service: "GitLab.com Gitaly", URL: "https://example.pagerduty.com/incidents/Q1",
			CreatedAt: at(15, 16), Assignees: []model.Person{{Name: "Piotr Nowak", Email: "piotr@example.com", PagerDutyID: "PU1"}}}}},
		Me:       &eoc,
		Warnings: []string{"label 'Incident' does not exist in gitlab-com/gl-infra/production; did you mean 'incident'?"},
	}
	s.Changes[0].Assignees = []model.Person{{Name: "Emma Clarke", Username: "eclarke"}}
	s.Handoffs[1].State, s.Handoffs[1].ClosedAt = "closed", at(8, 0)
	for _, id := range model.AllSources {
		s.Record(id, fixedNow, nil)
	}
	s.Record(model.SourcePages, fixedNow.Add(time.Minute), errAPI("pages: 429 rate limited"))
	return s
}

type errAPI string

func (e errAPI) Error() string { return string(e) }

func TestStatusJSONSchema(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, mustRotation(t), fixtureSnapshot(), fixedNow); err != nil {
		t.Fatal(err)
	}
	golden(t, "status.golden.json", b.Bytes())
	assertSchema(t, b.Bytes())
}

func fixtureReport() model.Report {
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	inc := fixtureSnapshot().Incidents
	return model.Report{
		Window: model.Window{From: at(16, 15), To: at(23, 15)},
		Incidents: []model.IncidentLine{
			{Incident: inc[0], MitigatedAt: at(23, 14).Add(30 * time.Second)},
			{Incident: inc[1]},
		},
		BySeverity: []model.SeverityStats{
			{Severity: 1, Opened: 1, TimeToMitigate: model.Durations{Count: 1, Median: 54*time.Minute + 500*time.Millisecond, P90: 54 * time.Minute}},
			{Severity: 0, Opened: 1, StillOpen: 1},
		},
		ByService: map[string]int{"Web": 1},
		StillOpen: []model.IncidentLine{{Incident: inc[1]}},
		PerDay:    []int{0, 0, 0, 0, 0, 0, 2},
		Days:      fixtureDays(at(16, 0), 0, 0, 0, 0, 0, 0, 0, 2),
		AsOf:      fixedNow,
		Notices:   []string{"more than 10,000 ~incident issues in gitlab-com/gl-infra/production: showing the newest 10,000"},
		Changes:   model.ChangeCounts{Completed: [5]int{1, 0, 2, 0, 0}, InProgress: [5]int{0, 0, 1, 0, 0}},
		Budget: model.Budget{Policy: model.DefaultBudgetPolicy(), Window: model.Window{From: at(23, 15).Add(-28 * 24 * time.Hour), To: at(23, 15)},
			Allowed: 20*time.Minute + 9600*time.Millisecond, Consumed: 54 * time.Minute, Remaining: -(33*time.Minute + 50400*time.Millisecond), BurnRate: 10.71, Burning: true},
		OncallOpened: 3, OncallClosed: 2,
	}
}

func fixtureDays(first time.Time, counts ...int) []model.DayCount {
	out := make([]model.DayCount, len(counts))
	for i, n := range counts {
		out[i] = model.DayCount{Date: first.AddDate(0, 0, i), Count: n}
	}
	return out
}

func TestReportJSONSchema(t *testing.T) {
	var b bytes.Buffer
	if err := encodeJSON(&b, newReportDoc(fixtureReport())); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.json", b.Bytes())
	assertSchema(t, b.Bytes())
}

// assertSchema checks the rules of the schema on any document: snake_case keys (by_service
// is keyed by the services' names), no nanosecond durations, times in UTC to the second.
func assertSchema(t *testing.T, doc []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	if m, ok := v.(map[string]any); !ok || m["schema_version"] != float64(schemaVersion) {
		t.Errorf("no schema_version %v", schemaVersion)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k != strings.ToLower(k) && !strings.HasSuffix(path, "by_service") {
					t.Errorf("%s.%s: not snake_case", path, k)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, v); err == nil && (tm.Location() != time.UTC || tm.Nanosecond() != 0) {
				t.Errorf("%s: %q is not RFC 3339 UTC to the second", path, v)
			}
		case float64:
			if v > 1e12 {
				t.Errorf("%s: %v looks like nanoseconds", path, v)
			}
		}
	}
	walk("$", v)
}
