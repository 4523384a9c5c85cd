package tui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// fixture is a Backend that answers from a fixed, small world the test can change: the
// screen goldens are drawn from it, so a change to the simulator never rewrites them. (The
// sources themselves are tested over HTTP; here only the screen is.)
type fixture struct {
	mu    sync.Mutex
	world model.Snapshot
	err   map[model.SourceID]error
	calls map[model.SourceID]int
	// hang, when set, makes every fetch wait for the request's context: a source that
	// never answers.
	hang    bool
	started chan model.SourceID // when set, told of every fetch that started
	pageErr error               // when set, what acting on a page answers
	meErr   error               // when set, what PagerDuty answers to "who am I"
	// labelWarnings is what the label check says
	labelWarnings []string
	report        *model.Report // what Report answers; nil: an error
}

func newFixture() *fixture {
	return &fixture{world: fixtureWorld(), err: map[model.SourceID]error{}, calls: map[model.SourceID]int{}}
}

func (f *fixture) Sources() []model.SourceID { return model.AllSources }

func (f *fixture) Fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error) {
	f.mu.Lock()
	f.calls[id]++
	err, hang, started := f.err[id], f.hang, f.started
	part := f.world // the model gets lists of its own, as from a real source
	part.Incidents, part.Changes, part.OncallIssues = slices.Clone(part.Incidents), slices.Clone(part.Changes), slices.Clone(part.OncallIssues)
	part.Handoffs, part.Pages.Open = slices.Clone(part.Handoffs), slices.Clone(part.Pages.Open)
	f.mu.Unlock()
	if started != nil {
		started <- id
	}
	if hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return func(s *model.Snapshot) { s.CopyPart(&part, id) }, nil
}

func (f *fixture) set(change func(w *model.Snapshot)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.world)
}

func (f *fixture) fail(id model.SourceID, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.err, id)
		return
	}
	f.err[id] = err
}

func (f *fixture) callsOf(id model.SourceID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

func (f *fixture) Detail(_ context.Context, ref model.IssueRef) (model.Detail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.world.Handoffs {
		if h.IssueRef == ref {
			return model.Detail{Issue: h.Issue, Description: "# Handoff\n\nAll quiet."}, nil
		}
	}
	for _, i := range f.world.Incidents {
		if i.IssueRef == ref {
			return model.Detail{Issue: i.Issue, Description: "## Customer Impact\n\nSome users see errors."}, nil
		}
	}
	return model.Detail{}, errors.New("404 not found")
}

func (f *fixture) HandoffFacts(context.Context, time.Time) (model.HandoffFacts, error) {
	return model.HandoffFacts{}, errors.New("the fixture has no facts")
}

func (f *fixture) NewHandoffPost(model.HandoffFacts, string, time.Time) model.HandoffPost {
	return model.HandoffPost{}
}

func (f *fixture) Report(context.Context, model.Window, time.Time) (model.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.report == nil {
		return model.Report{}, errors.New("the fixture has no report")
	}
	return *f.report, nil
}

// fixtureReport is a busy week: every severity, changes, and a budget overspent.
func fixtureReport() *model.Report {
	w := fixtureWorld()
	var lines []model.IncidentLine
	for i, in := range w.Incidents {
		in.CreatedAt = testNow.Add(-time.Duration(i*30) * time.Hour)
		lines = append(lines, model.IncidentLine{Incident: in})
	}
	d := func(med, p90 time.Duration) model.Durations { return model.Durations{Count: 2, Median: med, P90: p90} }
	return &model.Report{
		Window:    model.Window{From: testNow.Add(-7 * 24 * time.Hour), To: testNow},
		Incidents: lines, StillOpen: lines[:3],
		BySeverity: []model.SeverityStats{
			{Severity: 1, Opened: 2, StillOpen: 1, TimeToMitigate: d(25*time.Minute, 36*time.Minute), TimeToResolve: d(43*time.Minute, 43*time.Minute)},
			{Severity: 2, Opened: 4, StillOpen: 1, TimeToMitigate: d(50*time.Minute, 51*time.Minute), TimeToResolve: d(153*time.Minute, 180*time.Minute)},
			{Severity: 3, Opened: 5, StillOpen: 3, TimeToMitigate: d(2*time.Hour, 2*time.Hour), TimeToResolve: d(362*time.Minute, 363*time.Minute)},
			{Severity: 4, Opened: 2, StillOpen: 1, TimeToMitigate: d(301*time.Minute, 301*time.Minute), TimeToResolve: d(902*time.Minute, 902*time.Minute)},
		},
		Changes:      model.ChangeCounts{Completed: [5]int{0, 1, 2, 0, 1}, Aborted: [5]int{0, 0, 1}, InProgress: [5]int{0, 0, 2}},
		OncallOpened: 6, OncallClosed: 3,
		Budget: model.Budget{Policy: model.DefaultBudgetPolicy(), Allowed: 20 * time.Minute, Consumed: 327 * time.Minute,
			Remaining: -307 * time.Minute, BurnRate: 48.7, Burning: true},
	}
}

func (f *fixture) Acknowledge(context.Context, model.IssueRef, time.Time) (model.Acknowledgement, error) {
	return model.Acknowledgement{}, errors.New("the fixture takes no acknowledgement")
}

func person(name, username string) model.Person { return model.Person{Name: name, Username: username} }

func fixtureIssue(project string, iid int64, title string, ago time.Duration, assignee model.Person) model.Issue {
	return model.Issue{IssueRef: model.IssueRef{Project: project, IID: iid}, Title: title, State: "opened",
		WebURL: "https://gitlab.example/" + project + "/-/issues/" + strconv.FormatInt(iid, 10), CreatedAt: testNow.Add(-ago), UpdatedAt: testNow.Add(-ago / 2),
		Author: person("Ana Kowalska", "akowalska"), Assignees: []model.Person{assignee}}
}

func fixtureIncident(iid int64, sev model.Severity, status model.IncidentStatus, title string, ago time.Duration, flags ...string) model.Incident {
	in := model.Incident{Issue: fixtureIssue("prod", iid, title, ago, person("Jordan Reyes", "jreyes")),
		IncidentLabels: model.IncidentLabels{Severity: sev, Status: status}}
	for _, f := range flags {
		switch f {
		case "data loss":
			in.DataLoss = true
		case "blocks":
			in.BlocksDeployments = true
		}
	}
	return in
}

// fixtureWorld is a quiet afternoon: a few incidents, changes, on-call issues and handoffs,
// two regions, three pages.
func fixtureWorld() model.Snapshot {
	ok := model.Health{LastSuccess: testNow, LastAttempt: testNow}
	emea, amer := person("Ana Kowalska", "akowalska"), person("Jordan Reyes", "jreyes")
	next := person("Priya Raman", "praman")
	return model.Snapshot{
		Incidents: []model.Incident{
			fixtureIncident(4101, 1, model.StatusMitigated, "Replication lag on the main database cluster", 9*time.Hour, "data loss", "blocks"),
			fixtureIncident(4107, 2, model.StatusActive, "Elevated 5xx error rate on the web fleet", 47*time.Minute, "blocks"),
			fixtureIncident(4099, 3, model.StatusActive, "Sidekiq queue backlog above 10k jobs", 3*time.Hour),
			fixtureIncident(4090, 4, model.StatusActive, "Renovate bot failing to open merge requests", 26*time.Hour),
		},
		Changes: []model.Change{
			{Issue: fixtureIssue("prod", 4102, "Upgrade the ci database cluster", 26*time.Hour, emea), ChangeLabels: model.ChangeLabels{Workflow: model.ChangeInProgress, Criticality: 2}},
			{Issue: fixtureIssue("prod", 4103, "Fail over the sessions cache", 48*time.Hour, amer), ChangeLabels: model.ChangeLabels{Workflow: model.ChangeScheduled, Criticality: 1}, Scheduled: testNow.Add(5 * time.Hour).Truncate(time.Hour)},
			{Issue: fixtureIssue("prod", 4104, "Raise maxconn on the pages fleet", 8*time.Hour, amer), ChangeLabels: model.ChangeLabels{Workflow: model.ChangeUnscheduled, Criticality: 4}},
		},
		OncallIssues: []model.OncallIssue{
			{Issue: fixtureIssue("infra", 1801, "Alert too noisy: tune the thresholds", 5*time.Hour, emea)},
			{Issue: fixtureIssue("infra", 1802, "Runbook for rebuilding a replica is out of date", 48*time.Hour, amer), ReadyToHandoff: true},
		},
		Handoffs: []model.HandoffNote{
			{Issue: fixtureIssue("handoffs", 1907, "On-call handoff 2026-11-23 04:00 UTC: AMER -> EMEA", 11*time.Hour, emea), AckChecked: true,
				Ack: &model.Acknowledgement{Username: "akowalska", At: testNow.Add(-10 * time.Hour)}},
			{Issue: fixtureIssue("handoffs", 1906, "On-call handoff 2026-11-22 16:00 UTC: EMEA -> AMER", 23*time.Hour, amer), AckChecked: true},
		},
		OnCall: []model.OnCall{
			{Region: "EMEA", Now: &emea, Next: &next, NextStart: time.Date(2026, 11, 24, 4, 0, 0, 0, time.UTC)},
			{Region: "AMER", Next: &amer, NextStart: time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)},
		},
		Pages: model.Pages{Triggered: 1, Acknowledged: 2, Open: []model.Page{
			{ID: "Q1", Number: 104207, Title: "[FIRING:1] GitalyCPUSaturation file-cny-01", Status: "triggered", Urgency: "high", Service: "Gitaly",
				CreatedAt: testNow.Add(-4 * time.Minute), Assignees: []model.Person{{Name: "Ana Kowalska", PagerDutyID: "PANA"}}, EscalationLevel: 1},
			{ID: "Q2", Number: 104200, Title: "[FIRING:1] WebServiceErrorRatioHigh web", Status: "acknowledged", Urgency: "high", Service: "Web",
				CreatedAt: testNow.Add(-50 * time.Minute), Assignees: []model.Person{{Name: "Jordan Reyes", PagerDutyID: "PJOR"}}, EscalationLevel: 1},
			{ID: "Q3", Number: 103001, Title: "[FIRING:2] SidekiqQueueingApdexSLOViolation", Status: "acknowledged", Urgency: "low", Service: "Sidekiq",
				CreatedAt: testNow.Add(-45 * 24 * time.Hour), Assignees: []model.Person{{Name: "Jordan Reyes", PagerDutyID: "PJOR"}}},
		}},
		Me: &emea,
		Health: map[model.SourceID]model.Health{model.SourceQueue: ok, model.SourceOncall: ok, model.SourceHandoffs: ok,
			model.SourceRotation: ok, model.SourcePages: ok},
	}
}

// pageErr, when set, is what PagerDuty answers to acting on a page.
func (f *fixture) PagerDutyMe(context.Context) (model.Person, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.meErr != nil {
		return model.Person{}, f.meErr
	}
	return model.Person{Name: "Ana Kowalska", Email: "ana@example.com", PagerDutyID: "PANA"}, nil
}

func (f *fixture) PageDetail(_ context.Context, id string) (model.PageDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.world.Pages.Open {
		if p.ID == id {
			return model.PageDetail{Page: p, Alerts: []model.PageAlert{{Summary: "CPU above 95% for 10m on file-cny-01", Status: "triggered", Severity: "critical", CreatedAt: p.CreatedAt}},
				Notes: []model.Note{{Author: person("Jordan Reyes", "jreyes"), Body: "looking", CreatedAt: p.CreatedAt}}}, nil
		}
	}
	return model.PageDetail{}, errors.New("404 not found")
}

func (f *fixture) AcknowledgePage(_ context.Context, id string) (model.Page, error) {
	return f.setPage(id, model.PageAcknowledged)
}

func (f *fixture) ResolvePage(_ context.Context, id string) (model.Page, error) {
	return f.setPage(id, model.PageResolved)
}

func (f *fixture) setPage(id, status string) (model.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pageErr != nil {
		return model.Page{}, f.pageErr
	}
	// As PagerDuty: the page changes, a resolved one leaves the open list, the counts
	// follow. A new list: the model may hold the old one.
	var changed *model.Page
	pages := f.world.Pages
	pages.Open, pages.Triggered, pages.Acknowledged = nil, 0, 0
	for _, p := range f.world.Pages.Open {
		if p.ID == id {
			p.Status = status
			changed = &p
		}
		switch p.Status {
		case model.PageTriggered:
			pages.Triggered++
		case model.PageAcknowledged:
			pages.Acknowledged++
		default:
			continue
		}
		pages.Open = append(pages.Open, p)
	}
	if changed == nil {
		return model.Page{}, errors.New("404 not found")
	}
	f.world.Pages = pages
	return *changed, nil
}

func (f *fixture) LabelWarnings(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.labelWarnings, nil
}
