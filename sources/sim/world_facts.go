package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// What the world held at the end of a past shift, as oncall would have read it then: the
// incidents with the status their label events gave them at that moment, the changes in
// the state their run put them in, the open ~oncall issues with the notes written so far,
// and the pages open at that moment.

// worldIndex holds the issues a past handoff may list, gathered once for all of them:
// a bulk world has thousands of changes of which only a few were ever scheduled.
type worldIndex struct {
	prod, infra *project
	incidents   []*issue
	changes     []*issue // in progress or scheduled at some time
	oncall      []*issue
}

func (s *Sim) indexWorld() worldIndex {
	ix := worldIndex{prod: s.projects[s.opts.ProductionProject], infra: s.projects[s.opts.OncallProject]}
	if ix.prod != nil {
		for _, is := range ix.prod.issues {
			switch {
			case is.incident:
				ix.incidents = append(ix.incidents, is)
			case hasLabel(is, s.opts.Labels.Change):
				if state, sched := s.changeStateAt(is, s.opts.Now); is.run != nil || state == "in-progress" || !sched.IsZero() {
					ix.changes = append(ix.changes, is)
				}
			}
		}
	}
	if ix.infra != nil {
		for _, is := range ix.infra.issues {
			if hasLabel(is, s.opts.Labels.Oncall) {
				ix.oncall = append(ix.oncall, is)
			}
		}
	}
	return ix
}

// factsAt are the facts of handoff h when it was written. Without all, the open ~oncall
// issues are left out but for the ready ones (a handwritten handoff does not list them).
func (s *Sim) factsAt(ix worldIndex, h *pastHandoff, all bool) model.HandoffFacts {
	end := h.written
	local, err := time.LoadLocation(h.out.tz)
	if err != nil {
		local = time.UTC
	}
	f := model.HandoffFacts{Shift: h.from, Next: h.to, Outgoing: h.out.model(), Incoming: h.in.model(), Local: local,
		ReadyNotes: map[model.IssueRef]model.Note{}}
	for _, is := range ix.incidents {
		if is.created.Before(end) {
			if in, ok := s.incidentAt(ix.prod, is, h.from, end); ok {
				f.Incidents = append(f.Incidents, in)
			}
		}
	}
	for _, is := range ix.changes {
		if is.created.Before(end) {
			if c, ok := s.changeAt(ix.prod, is, end, h.to.End); ok {
				f.Changes = append(f.Changes, c)
			}
		}
	}
	for _, is := range ix.oncall {
		if all || hasLabel(is, s.opts.Labels.ReadyToHandoff) {
			s.oncallAt(&f, ix.infra, is, end)
		}
	}
	f.Pages = s.pagesAt(end)
	return f
}

// issueAt is is as the API showed it at t: state, closing and labels of then.
func (s *Sim) issueAt(p *project, is *issue, t time.Time, labels []string) model.Issue {
	out := model.Issue{
		IssueRef: model.IssueRef{Project: p.path, IID: is.iid}, Title: is.title,
		WebURL: fmt.Sprintf("%s/%s/-/issues/%d", s.opts.BaseURL, p.path, is.iid),
		State:  "opened", Labels: sortedLabels(labels), Author: *is.author.model(), CreatedAt: is.created, UpdatedAt: is.created,
	}
	for _, a := range is.assignees {
		out.Assignees = append(out.Assignees, *a.model())
	}
	if is.closed != nil && !is.closed.After(t) {
		out.State, out.ClosedAt, out.UpdatedAt = "closed", *is.closed, *is.closed
	}
	return out
}

// incidentAt is incident is at end, in shift, if the handoff lists it (open then, or
// closed during the shift).
func (s *Sim) incidentAt(p *project, is *issue, shift model.Shift, end time.Time) (model.Incident, bool) {
	L := s.opts.Labels
	if is.closed != nil && is.closed.Before(shift.Start) {
		return model.Incident{}, false
	}
	status, changed := "", is.created
	for _, e := range is.events {
		if e.at.After(end) || !strings.HasPrefix(e.label, L.IncidentStatus) {
			continue
		}
		switch {
		case e.action == "add":
			status, changed = e.label, e.at
		case e.label == status:
			status, changed = "", e.at
		}
	}
	var labels []string
	for _, l := range is.labels {
		if !strings.HasPrefix(l, L.IncidentStatus) {
			labels = append(labels, l)
		}
	}
	if status != "" {
		labels = append(labels, status)
	}
	in := model.Incident{Issue: s.issueAt(p, is, end, labels), IncidentLabels: L.ParseIncidentLabels(labels)}
	if in.State == "opened" {
		in.UpdatedAt = changed
	}
	return in, true
}

// changeAt is change is at t, if the handoff lists it: in progress then, or scheduled
// before next (the end of the next shift).
func (s *Sim) changeAt(p *project, is *issue, t, next time.Time) (model.Change, bool) {
	L := s.opts.Labels
	if is.closed != nil && !is.closed.After(t) {
		return model.Change{}, false
	}
	state, sched := s.changeStateAt(is, t)
	if state != "in-progress" && (state != "scheduled" || sched.IsZero() || !sched.Before(next)) {
		return model.Change{}, false
	}
	var labels []string
	for _, l := range is.labels {
		if !strings.HasPrefix(l, L.ChangeState) {
			labels = append(labels, l)
		}
	}
	labels = append(labels, L.ChangeState+state)
	return model.Change{Issue: s.issueAt(p, is, t, labels), ChangeLabels: L.ParseChangeLabels(labels), Scheduled: sched}, true
}

// changeStateAt is the workflow state of an open change at t and when it is scheduled:
// from its run when the world planned one, else from its labels and due date.
func (s *Sim) changeStateAt(is *issue, t time.Time) (string, time.Time) {
	var sched time.Time
	if is.due != "" {
		sched, _ = time.Parse("2006-01-02", is.due)
	}
	run := is.run
	if run == nil {
		for _, l := range is.labels {
			if state, ok := strings.CutPrefix(l, s.opts.Labels.ChangeState); ok {
				return state, sched
			}
		}
		return "", sched
	}
	if !run.sched.IsZero() {
		sched = run.sched
	}
	switch {
	case !run.started.IsZero() && !run.started.After(t):
		return "in-progress", sched
	case !sched.IsZero():
		return "scheduled", sched
	}
	return "unscheduled", sched
}

// oncallAt adds ~oncall issue is to f if it was open at t; a ~Ready_to_Handoff one counts
// as ready once its latest note was written, and that note goes with it.
func (s *Sim) oncallAt(f *model.HandoffFacts, p *project, is *issue, t time.Time) {
	L := s.opts.Labels
	if !is.created.Before(t) || (is.closed != nil && !is.closed.After(t)) {
		return
	}
	var last, then *note
	for _, n := range is.notes {
		if n.system {
			continue
		}
		if last == nil || n.created.After(last.created) {
			last = n
		}
		if !n.created.After(t) && (then == nil || n.created.After(then.created)) {
			then = n
		}
	}
	o := model.OncallIssue{Issue: s.issueAt(p, is, t, is.labels)}
	if hasLabel(is, L.ReadyToHandoff) && then != nil && then == last {
		o.ReadyToHandoff = true
		f.ReadyNotes[o.IssueRef] = model.Note{Author: *then.author.model(), Body: then.body, CreatedAt: then.created}
	} else {
		var labels []string
		for _, l := range is.labels {
			if l != L.ReadyToHandoff {
				labels = append(labels, l)
			}
		}
		o.Labels = labels
	}
	f.Oncall = append(f.Oncall, o)
}

// pagesAt are the pages open at t, in the status they had then.
func (s *Sim) pagesAt(t time.Time) []model.Page {
	var out []model.Page
	for _, in := range s.pd.incidents {
		if in.created.After(t) || (!in.resolved.IsZero() && !in.resolved.After(t)) {
			continue
		}
		status := model.PageTriggered
		if !in.firstAck.IsZero() && !in.firstAck.After(t) {
			status = model.PageAcknowledged
		}
		out = append(out, model.Page{ID: in.id, Number: in.number, Title: in.title, Status: status, Urgency: in.urgency,
			Service: in.service, URL: pdWeb + "/incidents/" + in.id, CreatedAt: in.created})
	}
	model.SortPages(out)
	return out
}
