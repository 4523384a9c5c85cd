package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// A drawn world (every seed but 1). Incidents arrive over the error budget's four weeks
// at a GitLab.com-like rate, more in working hours than at night; each is mitigated,
// resolved and closed after delays typical of its severity, so what is open now, and in
// which state, follows from when it happened. Changes, ~oncall issues and (through the
// incidents) pages are drawn around now.

// incidentsPerDay is the mean rate of incidents declared on GitLab.com in the simulation.
const incidentsPerDay = 1.4

// drawPlan draws a world for the seed.
func (s *Sim) drawPlan() worldPlan {
	var plan worldPlan
	plan.incidents = s.drawIncidents(s.rng("incidents"))
	if i := s.pickReopen(plan.incidents); i >= 0 {
		planReopen(&plan.incidents[i], s.opts.Now)
	}
	for _, l := range []string{s.opts.Labels.BlocksDeployments, s.opts.Labels.DataLoss} {
		labelSomeIncident(plan.incidents, l)
	}
	plan.changes = s.drawChanges(s.rng("changes"))
	plan.oncall = s.drawOncall(s.rng("oncall"))
	return plan
}

// drawIncidents draws the incidents of the last 28 days, oldest first, and makes sure the
// present has something to work on: at least two open incidents, one of them active.
func (s *Sim) drawIncidents(r *rand.Rand) []incidentPlan {
	now := s.opts.Now
	var out []incidentPlan
	// A Poisson process thinned by the hour of day: rate at the busiest hour, kept with
	// the hour's weight.
	peak := incidentsPerDay / 24 / meanHourWeight
	deck := &kindDeck{r: r}
	for t := now.Add(-budgetWindow); ; {
		t = t.Add(time.Duration(r.ExpFloat64() / peak * float64(time.Hour)))
		if !t.Before(now.Add(-5 * time.Minute)) {
			break
		}
		if r.Float64() < hourWeight(t) {
			out = append(out, s.drawIncident(r, deck.next(), t))
		}
	}
	open, active := 0, 0
	for _, p := range out {
		if p.closed.IsZero() {
			open++
			if p.status(now) == "Active" {
				active++
			}
		}
	}
	if active == 0 {
		out = append(out, s.drawIncident(r, deck.next(), now.Add(-between(r, 12*time.Minute, 100*time.Minute))))
		open++
	}
	for ; open < 2; open++ {
		out = append(out, s.drawIncident(r, deck.next(), now.Add(-between(r, 2*time.Hour, 20*time.Hour))))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].opened.Before(out[b].opened) })
	return out
}

// hourWeight is how likely an incident is at t's hour (UTC), relative to the busiest:
// GitLab.com is busiest while Europe and the Americas both work, quietest at night.
func hourWeight(t time.Time) float64 {
	h := float64(t.UTC().Hour()) + float64(t.UTC().Minute())/60
	return 0.55 + 0.45*math.Cos((h-15)/24*2*math.Pi)
}

// meanHourWeight is hourWeight's mean over a day.
const meanHourWeight = 0.55

// typicalTimes are a severity's usual times to mitigate and, after that, to resolve.
var typicalTimes = map[int][2]time.Duration{
	1: {35 * time.Minute, 3 * time.Hour},
	2: {50 * time.Minute, 4 * time.Hour},
	3: {2 * time.Hour, 8 * time.Hour},
	4: {5 * time.Hour, 20 * time.Hour},
}

// spread multiplies d by a factor between about a third and three, most often near one.
func spread(r *rand.Rand, d time.Duration) time.Duration {
	f := math.Exp(r.NormFloat64() * 0.6)
	return time.Duration(float64(d) * min(max(f, 0.3), 3.5))
}

// kindDeck deals the incident kinds in a shuffled order and shuffles again once all are
// dealt: a month has many kinds of trouble, not the same one four times.
type kindDeck struct {
	r     *rand.Rand
	order []int
}

func (d *kindDeck) next() *incidentKind {
	if len(d.order) == 0 {
		d.order = d.r.Perm(len(incidentKinds))
	}
	k := &incidentKinds[d.order[0]]
	d.order = d.order[1:]
	return k
}

// drawIncident draws one incident of kind declared at opened, with its life up to now.
func (s *Sim) drawIncident(r *rand.Rand, kind *incidentKind, opened time.Time) incidentPlan {
	L := s.opts.Labels
	place := oneOf(r, kind.places)
	p := incidentPlan{kind: kind, place: place, title: fill(oneOf(r, kind.titles), place), opened: opened}
	p.sev = drawSeverity(r, kind.sev)
	typical := typicalTimes[p.sev]
	p.mitigated = opened.Add(spread(r, typical[0]))
	p.resolved = p.mitigated.Add(spread(r, typical[1]))
	// "As soon as an incident transitions to Incident::Resolved the incident issue will
	// be closed" (the handbook); an S1 or S2 is sometimes kept open for its review.
	closeAfter := between(r, 2*time.Minute, 40*time.Minute)
	if p.sev <= 2 && r.IntN(3) == 0 {
		closeAfter = between(r, 20*time.Hour, 3*24*time.Hour)
	}
	p.closed = p.resolved.Add(closeAfter)
	now := s.opts.Now
	for _, t := range []*time.Time{&p.mitigated, &p.resolved, &p.closed} {
		if t.After(now) {
			*t = time.Time{}
		}
	}
	if !p.resolved.IsZero() || (!p.mitigated.IsZero() && r.IntN(2) == 0) {
		p.extra = append(p.extra, "RootCause::"+oneOf(r, kind.causes))
	}
	if p.sev <= 2 && kind.blocks && r.IntN(3) > 0 {
		p.extra = append(p.extra, L.BlocksDeployments)
	}
	if p.sev <= 2 && kind.dataLoss && r.IntN(3) == 0 {
		p.extra = append(p.extra, L.DataLoss)
	}
	if p.sev == 1 {
		p.extra = append(p.extra, "review-requested") // every S1 is reviewed
	}
	if p.sev >= 3 && r.IntN(25) == 0 {
		p.extra = append(p.extra, "Near Miss")
	}
	return p
}

// drawSeverity draws within a kind's range, the milder the likelier (S1s are rare).
func drawSeverity(r *rand.Rand, rng [2]int) int {
	weight := map[int]int{1: 1, 2: 4, 3: 10, 4: 8}
	total := 0
	for sev := rng[0]; sev <= rng[1]; sev++ {
		total += weight[sev]
	}
	n := r.IntN(total)
	for sev := rng[0]; sev <= rng[1]; sev++ {
		if n < weight[sev] {
			return sev
		}
		n -= weight[sev]
	}
	return rng[1]
}

// pickReopen chooses the incident that was resolved, closed and reopened, and is active
// again: the oldest open active one, if one is old enough to have had that past.
func (s *Sim) pickReopen(incidents []incidentPlan) int {
	for i, p := range incidents {
		if p.closed.IsZero() && p.status(s.opts.Now) == "Active" && s.opts.Now.Sub(p.opened) >= 40*time.Minute {
			return i
		}
	}
	return -1
}

// labelSomeIncident makes sure label is on an incident: GitLab lists the labels a project
// has, and a project's flags were used before even when this month's incidents did not
// need them. The oldest closed S1 or S2 gets it, else the oldest closed incident.
func labelSomeIncident(plans []incidentPlan, label string) {
	if label == "" {
		return
	}
	pick := -1
	for i, p := range plans {
		if slices.Contains(p.extra, label) {
			return
		}
		if !p.closed.IsZero() && p.reopened.IsZero() && (pick < 0 || (p.sev <= 2 && plans[pick].sev > 2)) {
			pick = i
		}
	}
	if pick >= 0 {
		plans[pick].extra = append(plans[pick].extra, label)
	}
}

// planReopen gives an active incident a past: mitigated, resolved and closed, then
// reopened and active again, each step a while after the last.
func planReopen(p *incidentPlan, now time.Time) {
	age := now.Sub(p.opened)
	p.mitigated = p.opened.Add(age * 16 / 100)
	p.resolved = p.opened.Add(age * 32 / 100)
	p.closed = p.opened.Add(age * 37 / 100)
	p.reopened = p.opened.Add(age * 63 / 100)
}

// drawChanges draws seven to ten changes in every state of the workflow.
func (s *Sim) drawChanges(r *rand.Rand) []changePlan {
	now := s.opts.Now
	kinds := append([]changeKind(nil), changeKinds...)
	r.Shuffle(len(kinds), func(a, b int) { kinds[a], kinds[b] = kinds[b], kinds[a] })
	states := []string{"in-progress", "scheduled", "scheduled", "unscheduled", "complete"}
	extra := []string{"in-progress", "scheduled", "scheduled", "unscheduled", "complete", "aborted"}
	for n := 2 + r.IntN(4); n > 0; n-- {
		states = append(states, oneOf(r, extra))
	}
	var out []changePlan
	for i, state := range states {
		k := kinds[i%len(kinds)]
		crit := k.crit[0] + r.IntN(k.crit[1]-k.crit[0]+1)
		p := changePlan{title: k.title, service: k.service, crit: crit, state: state}
		switch state {
		case "in-progress":
			p.started = now.Add(-between(r, 5*time.Minute, min(k.duration, 3*time.Hour))).Truncate(5 * time.Minute)
			p.sched = p.started
			p.opened = p.started.Add(-between(r, 20*time.Hour, 8*24*time.Hour))
		case "scheduled":
			p.sched = now.Add(between(r, 90*time.Minute, 4*24*time.Hour)).Truncate(15 * time.Minute)
			p.opened = now.Add(-between(r, 3*time.Hour, 7*24*time.Hour))
			p.dueOnly = r.IntN(6) == 0
		case "unscheduled":
			p.opened = now.Add(-between(r, time.Hour, 10*24*time.Hour))
		default: // complete, aborted
			p.ended = now.Add(-between(r, 2*time.Hour, 3*24*time.Hour))
			run := k.duration
			if state == "aborted" {
				run /= 3
			}
			p.started = p.ended.Add(-run).Truncate(5 * time.Minute)
			p.sched = p.started
			p.opened = p.started.Add(-between(r, 20*time.Hour, 6*24*time.Hour))
		}
		out = append(out, p)
	}
	return out
}

// drawOncall draws four to seven ~oncall issues, one to three of them ready to hand off.
func (s *Sim) drawOncall(r *rand.Rand) []oncallPlan {
	now := s.opts.Now
	list := append([]chore(nil), chores...)
	r.Shuffle(len(list), func(a, b int) { list[a], list[b] = list[b], list[a] })
	n, ready := 4+r.IntN(4), 1+r.IntN(3)
	var out []oncallPlan
	for i, c := range list[:n] {
		out = append(out, oncallPlan{chore: c, opened: now.Add(-between(r, 2*time.Hour, 10*24*time.Hour)), ready: i < ready})
	}
	return out
}
