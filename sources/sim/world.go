package sim

import (
	"math/rand/v2"
	"time"
)

// A world is planned first (which incidents, changes, ~oncall issues and pages exist, and
// when each thing happened to them), then written as GitLab issues, notes and label
// events and as PagerDuty incidents, and last the past handoffs are written from what the
// world holds at the end of each shift. Seed 1 plans the fixture the tests know
// (world_fixture.go); every other seed draws its plan from the catalogues
// (world_draw.go). Everything is drawn from the seed, so a seed gives the same world
// every time, and nothing happens after opts.Now.

// worldPlan is a world before it is written.
type worldPlan struct {
	incidents []incidentPlan
	changes   []changePlan
	oncall    []oncallPlan
}

// incidentPlan is one incident and the moments of its life; a zero moment has not come.
type incidentPlan struct {
	kind      *incidentKind
	place     string
	title     string // without the date prefix
	sev       int
	opened    time.Time
	mitigated time.Time
	resolved  time.Time
	closed    time.Time
	reopened  time.Time // after it was closed: active again, and open
	extra     []string  // labels beyond incident, severity, status and service
}

// status is the Incident:: label the plan carries at t.
func (p incidentPlan) status(t time.Time) string {
	switch {
	case !p.reopened.IsZero() && !p.reopened.After(t):
		return "Active"
	case !p.resolved.IsZero() && !p.resolved.After(t):
		return "Resolved"
	case !p.mitigated.IsZero() && !p.mitigated.After(t):
		return "Mitigated"
	}
	return "Active"
}

// changePlan is one production change. sched is the time its description gives (zero:
// TBD); started and ended bound its run (zero: not yet); state is its label now.
type changePlan struct {
	title, service string
	crit           int
	opened         time.Time
	state          string
	sched          time.Time
	started, ended time.Time
	dueOnly        bool // scheduled by its due date alone, no time in the description
}

// oncallPlan is one ~oncall issue; ready ones carry ~Ready_to_Handoff and a note saying
// where they were left.
type oncallPlan struct {
	chore  chore
	opened time.Time
	ready  bool
}

// changeRun is when a change ran, kept on its issue so that a past handoff knows what
// was in progress at its time.
type changeRun struct {
	sched, started, ended time.Time
}

// rng is a stream of draws for one purpose: adding a draw to one part of the world leaves
// the others as they were.
func (s *Sim) rng(purpose string) *rand.Rand {
	return rand.New(rand.NewPCG(s.opts.Seed, s.hash("rng", purpose)))
}

// between draws a duration in [lo, hi].
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
}

func oneOf[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// notAfterNow is the earlier of t and the world's now: nothing is written in the future.
func (s *Sim) notAfterNow(t time.Time) time.Time {
	if t.After(s.opts.Now) {
		return s.opts.Now
	}
	return t
}

// generate builds the world: people, the production queue, on-call issues, pages and
// past handoffs, all placed in time before opts.Now.
func (s *Sim) generate() {
	s.addPeople()
	var plan worldPlan
	if s.opts.Seed == 1 {
		plan = s.fixturePlan()
	} else {
		plan = s.drawPlan()
	}
	prod := s.addProject(7444821, s.opts.ProductionProject)
	s.writeIncidents(prod, plan.incidents)
	s.writeChanges(prod, plan.changes)
	s.writeOncall(s.addProject(7444822, s.opts.OncallProject), plan.oncall)

	s.generatePagerDuty(plan.incidents)
	s.writePastHandoffs(s.addProject(7444823, s.opts.HandoffProject))
	s.addRealism()
}
