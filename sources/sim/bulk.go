package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// Load shapes the simulator for benchmarks (cmd/oncall-bench, issue 11): a world of a
// given size, a fixed latency on every answer, and gitlab.com's rate limit.
type Load struct {
	// Bulk sizes the world; the zero value leaves the default world as it is.
	Bulk Bulk
	// Latency is added to every answer of both APIs, as a round trip to a far server
	// would; a request whose client gives up meanwhile gets no answer.
	Latency time.Duration
	// GitLabRateLimit, when above zero, is the requests a minute each token may make:
	// every GitLab answer then carries gitlab.com's RateLimit-* headers, and a request
	// past the limit gets gitlab.com's 429. gitlab.com allows 2000 (GitLabComRateLimit).
	GitLabRateLimit int

	now func() time.Time // the rate limit's clock; time.Now unless a test sets it
}

// GitLabComRateLimit is gitlab.com's authenticated API limit: requests a minute per user.
const GitLabComRateLimit = 2000

// Bulk is the size of a benchmark's world. Each count is a total that includes the
// default world's own issues (a count below theirs adds nothing).
type Bulk struct {
	QueueIssues  int // open issues of the production queue: open incidents and open changes
	OncallIssues int // open ~oncall issues of the on-call tracker
	Handoffs     int // handoff issues, open or closed: one per past shift, each acknowledged
	// Incidents is how many incidents were opened in the error budget's window (the last
	// 28 days), open or closed, each with the label events of its life. The open queue's
	// incidents are the ones of these still open; the rest of the queue is changes, so that
	// the report reads the label events of about this many incidents.
	Incidents int
}

// budgetWindow is the default error budget's window: where the bulk's incidents happen.
var budgetWindow = model.DefaultBudgetPolicy().Window

// generateBulk adds what opts.Bulk asks for on top of the default world: incidents first
// (some stay open), then changes up to the open queue's size, ~oncall issues and older
// handoffs. Everything is drawn from the seed, so a seed gives the same world every time.
func (s *Sim) generateBulk() {
	b := s.opts.Bulk
	if b == (Bulk{}) {
		return
	}
	r := rand.New(rand.NewPCG(s.opts.Seed, s.hash("bulk")))
	L := s.opts.Labels
	prod, infra, hand := s.projects[s.opts.ProductionProject], s.projects[s.opts.OncallProject], s.projects[s.opts.HandoffProject]
	windowStart := s.opts.Now.Add(-budgetWindow)

	inWindow := count(prod, func(is *issue) bool { return hasLabel(is, L.Incident) && is.created.After(windowStart) })
	for i := inWindow; i < b.Incidents; i++ {
		s.bulkIncident(r, prod)
	}
	openQueue := count(prod, func(is *issue) bool {
		return is.state == "opened" && (hasLabel(is, L.Incident) || hasLabel(is, L.Change))
	})
	for i := openQueue; i < b.QueueIssues; i++ {
		s.bulkChange(r, prod)
	}
	openOncall := count(infra, func(is *issue) bool { return is.state == "opened" && hasLabel(is, L.Oncall) })
	for i := openOncall; i < b.OncallIssues; i++ {
		s.bulkOncallIssue(r, infra)
	}
	s.bulkHandoffs(hand, b.Handoffs-count(hand, func(is *issue) bool { return hasLabel(is, L.Handoff) }))
	for _, p := range []*project{prod, infra, hand} {
		renumber(p)
	}
	s.renderHandoffs() // their links carry the new iids, their facts the bulk's issues
}

var (
	bulkServices = []string{"Web", "API", "Git", "Sidekiq", "Patroni", "Redis", "Gitaly", "Container Registry", "CI Runners", "Pages", "HAProxy", "Consul", "Customers Portal"}
	bulkSymptoms = []string{"elevated 5xx error rate", "apdex below its SLO", "latency above the SLO", "saturation alert firing", "intermittent timeouts", "error budget burn alert", "queue backlog growing"}
	bulkPlaces   = []string{"us-east1-b", "us-east1-c", "us-east1-d", "the main stage", "the canary stage", "gprd", "the cny fleet"}
	bulkChanges  = []string{"Upgrade %s to the next minor release", "Rotate the TLS certificates of %s", "Resize the %s node pool", "Fail over %s to the new nodes", "Enable a feature flag for %s at 50%%", "Drain and replace a %s node", "Raise the connection limits of %s"}
	bulkChores   = []string{"Alert for %s is too noisy: tune the thresholds", "Runbook for %s is out of date", "Disk usage on %s above 85%%", "Investigate flapping %s alerts", "Silence for %s expires soon", "Clean up stale state in %s"}
)

// severityOf draws a severity: most incidents are S3 and S4, S1s are rare.
func severityOf(r *rand.Rand) int {
	switch n := r.IntN(100); {
	case n < 1:
		return 1
	case n < 6:
		return 2
	case n < 50:
		return 3
	default:
		return 4
	}
}

// bulkIncident adds an incident opened at a random time of the budget window, with the
// label events of its life so far: Active, then Mitigated and Resolved after times typical
// of its severity. Most resolved incidents are closed; some stay open for their review.
func (s *Sim) bulkIncident(r *rand.Rand, prod *project) {
	L := s.opts.Labels
	now := s.opts.Now
	ago := time.Duration(r.Int64N(int64(budgetWindow-time.Hour))) + time.Hour
	sev := severityOf(r)
	service := bulkServices[r.IntN(len(bulkServices))]
	title := fmt.Sprintf("%s: %s: %s in %s", now.Add(-ago).Format("2006-01-02"), service, bulkSymptoms[r.IntN(len(bulkSymptoms))], bulkPlaces[r.IntN(len(bulkPlaces))])
	typical, _ := s.incidentTimes(sev, 365*24*time.Hour, 0, 0)
	ttm := time.Duration(float64(typical) * (0.5 + 1.5*r.Float64()))
	ttr := time.Duration(float64(ttm) * (2 + 3*r.Float64()))
	status := "Active"
	switch {
	case ago >= ttr:
		status = "Resolved"
	case ago >= ttm:
		status = "Mitigated"
	}
	lead := s.users[r.IntN(len(s.users))]
	labels := []string{L.Incident, L.Severity + fmt.Sprint(sev), L.IncidentStatus + status, L.Service + service}
	if sev <= 2 && r.IntN(3) == 0 {
		labels = append(labels, L.BlocksDeployments)
	}
	is := s.add(prod, ago, title, incidentBody(title, status, service, now.Add(-ago)), labels, s.users[r.IntN(len(s.users))], lead)
	is.incident = true
	for _, l := range []string{L.Incident, L.Severity + fmt.Sprint(sev), L.Service + service, L.IncidentStatus + "Active"} {
		s.labelEvent(is, l, "add", is.created, lead)
	}
	last := is.created
	if status != "Active" {
		last = is.created.Add(ttm)
		s.labelEvent(is, L.IncidentStatus+"Active", "remove", last, lead)
		s.labelEvent(is, L.IncidentStatus+"Mitigated", "add", last, lead)
	}
	if status == "Resolved" {
		last = is.created.Add(ttr)
		s.labelEvent(is, L.IncidentStatus+"Mitigated", "remove", last, lead)
		s.labelEvent(is, L.IncidentStatus+"Resolved", "add", last, lead)
	}
	is.updated = last
	if status == "Resolved" && r.IntN(100) < 85 {
		if closed := last.Add(time.Hour); closed.Before(now) {
			is.close(closed)
		}
	}
}

// bulkChange adds an open change of the last half year: mostly unscheduled or scheduled
// for the next two weeks, one in a hundred in progress.
func (s *Sim) bulkChange(r *rand.Rand, prod *project) {
	L := s.opts.Labels
	now := s.opts.Now
	ago := time.Duration(r.Int64N(int64(180*24*time.Hour))) + time.Hour
	service := bulkServices[r.IntN(len(bulkServices))]
	title := fmt.Sprintf(bulkChanges[r.IntN(len(bulkChanges))], service) + fmt.Sprintf(" (%s)", bulkPlaces[r.IntN(len(bulkPlaces))])
	crit := []int{1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4}[r.IntN(20)]
	state, sched := "unscheduled", time.Time{}
	switch n := r.IntN(100); {
	case n < 1:
		state, sched = "in-progress", now.Add(-time.Duration(r.Int64N(int64(3*time.Hour)))).Truncate(15*time.Minute)
	case n < 45:
		state, sched = "scheduled", now.Add(time.Duration(r.Int64N(int64(14*24*time.Hour)))).Truncate(15*time.Minute)
	}
	owner := s.users[r.IntN(len(s.users))]
	is := s.add(prod, ago, title, changeBody(title, crit, sched), []string{L.Change, L.ChangeState + state, fmt.Sprintf("C%d", crit), "manager_approved"}, owner, owner)
	if !sched.IsZero() {
		is.run = &changeRun{sched: sched}
		if state == "in-progress" {
			is.run.started = sched
		}
	}
	if upd := is.created.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))); upd.Before(now) {
		is.updated = upd
	}
	if state == "scheduled" && r.IntN(4) == 0 {
		is.due = sched.Format("2006-01-02")
	}
}

// bulkOncallIssue adds an open ~oncall issue of the last three months; some are ready to
// hand off, with a note that says where they were left.
func (s *Sim) bulkOncallIssue(r *rand.Rand, infra *project) {
	L := s.opts.Labels
	ago := time.Duration(r.Int64N(int64(90*24*time.Hour))) + time.Hour
	title := fmt.Sprintf(bulkChores[r.IntN(len(bulkChores))], bulkServices[r.IntN(len(bulkServices))])
	labels := []string{L.Oncall, "team::Reliability"}
	ready := r.IntN(100) < 15
	if ready {
		labels = append(labels, L.ReadyToHandoff)
	}
	assignee := s.users[r.IntN(len(s.users))]
	is := s.add(infra, ago, title, "Raised by the on-call engineer during the shift.\n\n## Next steps\n\n- [ ] triage\n", labels, s.users[r.IntN(len(s.users))], assignee)
	if ready {
		s.addNote(is, ago/2, assignee, "Left off after the first look; next: check the dashboards and decide whether to tune or silence.", false)
	}
}

// bulkHandoffs adds n handoffs of the shifts before the default world's, newest first,
// acknowledged (or not) and closed as the default world's are (addPastHandoff), written
// by hand: the human part and the handover line, without the generated facts.
func (s *Sim) bulkHandoffs(hand *project, n int) {
	if n <= 0 {
		return
	}
	rot := s.opts.Rotation
	end := rot.ShiftAt(s.opts.Now).Start
	for k := 1; k < pastShifts; k++ { // the default world has the handoffs at the last ends
		end = rot.ShiftAt(end.Add(-time.Minute)).Start
	}
	for ; n > 0; n-- {
		end = rot.ShiftAt(end.Add(-time.Minute)).Start
		s.addPastHandoff(hand, end).handoff.byHand = true // too old for oncall: cheap to write
	}
}

func count(p *project, keep func(*issue) bool) int {
	n := 0
	for _, is := range p.issues {
		if keep(is) {
			n++
		}
	}
	return n
}

func hasLabel(is *issue, label string) bool { return hasAllLabels(is.labels, []string{label}) }

// renumber gives a project's issues iids in the order they were created, as GitLab does.
func renumber(p *project) {
	sort.SliceStable(p.issues, func(a, b int) bool { return p.issues[a].created.Before(p.issues[b].created) })
	for i, is := range p.issues {
		is.iid = int64(i) + firstIID(p)
	}
}
