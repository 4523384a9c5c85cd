package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Writing a plan as GitLab issues: labels as they are now, label events for every change
// of status, and the notes people wrote along the way, each at a time of its own.

// writeIncidents adds the planned incidents to the production project, in plan order.
func (s *Sim) writeIncidents(prod *project, plans []incidentPlan) []*issue {
	r := s.rng("incident notes")
	out := make([]*issue, 0, len(plans))
	for _, p := range plans {
		out = append(out, s.writeIncident(r, prod, p))
	}
	return out
}

// writeIncident writes one incident. Its lead is whoever was on call when it was declared
// (the EOC and, for an S1 or S2, the incident manager are its assignees, as the handbook
// says); the notes follow its life: taking the lead, status updates while it is active,
// the mitigation, the resolution.
func (s *Sim) writeIncident(r *rand.Rand, prod *project, p incidentPlan) *issue {
	L := s.opts.Labels
	now := s.opts.Now
	service := p.kind.service
	status := p.status(now)
	labels := append([]string{L.Incident, L.Severity + fmt.Sprint(p.sev), L.IncidentStatus + status, L.Service + service}, p.extra...)
	lead := s.eocAt(p.opened)
	assignees := []*person{lead}
	imoc := s.personByUsername(usernameOf(imocFor(s.opts.Seed)))
	if p.sev <= 2 && imoc != nil && imoc != lead {
		assignees = append(assignees, imoc)
	}
	title := p.opened.Format("2006-01-02") + ": " + p.title
	reporter := lead
	if r.IntN(3) == 0 {
		reporter = s.users[r.IntN(len(s.users))] // declared by someone who noticed it
	}
	is := s.add(prod, now.Sub(p.opened), title, s.incidentDescription(p, service), labels, reporter, assignees...)
	is.incident = true
	for _, l := range []string{L.Incident, L.Severity + fmt.Sprint(p.sev), L.Service + service, L.IncidentStatus + "Active"} {
		s.labelEvent(is, l, "add", is.created, lead)
	}
	take := takeNotes
	if p.kind.pdService == "" {
		take = takeNotes[:2]
	}
	s.noteAt(is, p.opened.Add(between(r, time.Minute, 6*time.Minute)), lead, oneOf(r, take))
	if p.sev <= 2 && imoc != nil {
		s.noteAt(is, p.opened.Add(between(r, 8*time.Minute, 20*time.Minute)), imoc, oneOf(r, imocNotes))
	}
	s.statusUpdates(r, is, p, p.opened, firstOf(p.mitigated, now), true)
	if t := p.mitigated; !t.IsZero() {
		s.noteAt(is, t, s.eocAt(t), fill(oneOf(r, p.kind.fixes), p.place)+oneOf(r, mitigatedSuffix))
		s.labelEvent(is, L.IncidentStatus+"Active", "remove", t, s.eocAt(t))
		s.labelEvent(is, L.IncidentStatus+"Mitigated", "add", t, s.eocAt(t))
	}
	if t := p.resolved; !t.IsZero() {
		s.noteAt(is, t, s.eocAt(t), fmt.Sprintf(oneOf(r, resolvedNotes), rootCause(p.extra)))
		s.labelEvent(is, L.IncidentStatus+"Mitigated", "remove", t, s.eocAt(t))
		s.labelEvent(is, L.IncidentStatus+"Resolved", "add", t, s.eocAt(t))
	}
	if !p.closed.IsZero() {
		is.close(p.closed)
	}
	if !p.reopened.IsZero() {
		s.reopen(r, is, p)
	}
	return is
}

// reopen writes the return of a closed incident: GitLab's "closed" and "reopened" notes,
// the EOC's word, the status back to Active (closed_at is null again), and the updates
// since.
func (s *Sim) reopen(r *rand.Rand, is *issue, p incidentPlan) {
	L := s.opts.Labels
	closer, eoc := s.eocAt(p.closed), s.eocAt(p.reopened)
	s.addSystemNote(is, p.closed, closer, 0)
	is.notes[len(is.notes)-1].body = "closed"
	s.noteAt(is, p.reopened.Add(-time.Minute), eoc, "It is back: the alert fired again after the resolution. Reopening.")
	s.addSystemNote(is, p.reopened, eoc, 0)
	is.notes[len(is.notes)-1].body = "reopened"
	s.labelEvent(is, L.IncidentStatus+"Resolved", "remove", p.reopened, eoc)
	s.labelEvent(is, L.IncidentStatus+"Active", "add", p.reopened, eoc)
	is.state, is.closed = "opened", nil
	if p.reopened.After(is.updated) {
		is.updated = p.reopened
	}
	s.statusUpdates(r, is, p, p.reopened, s.opts.Now, false)
}

func firstOf(t, otherwise time.Time) time.Time {
	if t.IsZero() {
		return otherwise
	}
	return t
}

// statusUpdates are the notes of whoever is on call while the incident is active from
// from to until: the kind's findings every half hour to two hours, at most three, then a
// word that it is still being worked.
func (s *Sim) statusUpdates(r *rand.Rand, is *issue, p incidentPlan, from, until time.Time, findings bool) {
	t := from.Add(between(r, 15*time.Minute, 40*time.Minute))
	for k := 0; k < 3 && t.Before(until); k++ {
		body := oneOf(r, stillActiveNotes)
		if findings && k < len(p.kind.updates) {
			body = fill(p.kind.updates[k], p.place)
		}
		s.noteAt(is, t, s.eocAt(t), body)
		t = t.Add(between(r, 30*time.Minute, 2*time.Hour))
	}
}

// rootCause is the RootCause:: value among labels, in words.
func rootCause(labels []string) string {
	for _, l := range labels {
		if v, ok := strings.CutPrefix(l, "RootCause::"); ok {
			return strings.ToLower(strings.ReplaceAll(v, "-", " "))
		}
	}
	return "still under review"
}

// noteAt adds a human note at t (never after now).
func (s *Sim) noteAt(is *issue, t time.Time, who *person, body string) {
	s.addNote(is, s.opts.Now.Sub(s.notAfterNow(t)), who, body, false)
}

// writeChanges adds the planned changes to the production project. The technician owns
// it; C1 and C2 changes carry the EOC's approval once scheduled.
func (s *Sim) writeChanges(prod *project, plans []changePlan) {
	L := s.opts.Labels
	now := s.opts.Now
	r := s.rng("change people")
	for _, c := range plans {
		owner := s.users[r.IntN(len(s.users))]
		labels := []string{L.Change, L.ChangeState + c.state, fmt.Sprintf("C%d", c.crit), "manager_approved"}
		if c.crit <= 2 && c.state != "unscheduled" {
			labels = append(labels, "eoc_approved")
		}
		if c.service != "" {
			labels = append(labels, L.Service+c.service)
		}
		sched := c.sched
		if c.dueOnly {
			sched = time.Time{}
		}
		is := s.add(prod, now.Sub(c.opened), c.title, changeBody(c.title, c.crit, sched), labels, owner, owner)
		is.run = &changeRun{sched: c.sched, started: c.started, ended: c.ended}
		if c.dueOnly {
			due := c.sched
			if due.IsZero() {
				due = now.Add(30 * time.Hour)
			}
			is.due = due.Format("2006-01-02")
		}
		if !c.started.IsZero() {
			s.noteAt(is, c.started.Add(between(r, 0, 4*time.Minute)), owner, "Starting the change now; following the steps in the description.")
		}
		if !c.ended.IsZero() {
			word := "Change complete; all checks green."
			if c.state == "aborted" {
				word = "Aborting: the pre-checks failed on the first host. Rolled back; will reschedule after the fix."
			}
			s.noteAt(is, c.ended, owner, word)
			is.close(c.ended)
		}
	}
}

// writeOncall adds the planned ~oncall issues to the infrastructure tracker: raised by the
// engineer on call at the time and assigned to them, with their first look, and for a
// ready one the note saying where it was left.
func (s *Sim) writeOncall(infra *project, plans []oncallPlan) {
	L := s.opts.Labels
	now := s.opts.Now
	r := s.rng("oncall notes")
	for _, o := range plans {
		labels := []string{L.Oncall, "team::Reliability"}
		if o.ready {
			labels = append(labels, L.ReadyToHandoff)
		}
		raiser := s.eocAt(o.opened)
		is := s.add(infra, now.Sub(o.opened), o.chore.title, "Raised by the on-call engineer during the shift.\n\n## Next steps\n\n- [ ] triage\n", labels, raiser, raiser)
		age := now.Sub(o.opened)
		first := o.opened.Add(between(r, age/10, age/3))
		s.noteAt(is, first, s.eocAt(first), o.chore.first)
		if o.ready { // whoever left it ready now has it
			at := o.opened.Add(between(r, age/2, age*9/10))
			s.noteAt(is, at, s.eocAt(at), o.chore.ready)
			is.assignees = []*person{s.eocAt(at)}
		}
	}
}
