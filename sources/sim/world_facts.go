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

// factsAt are the facts of handoff h when it was written.
func (s *Sim) factsAt(h *pastHandoff) model.HandoffFacts {
	end := h.written
	local, err := time.LoadLocation(h.out.tz)
	if err != nil {
		local = time.UTC
	}
	f := model.HandoffFacts{Shift: h.from, Next: h.to, Outgoing: h.out.model(), Incoming: h.in.model(), Local: local,
		ReadyNotes: map[model.IssueRef]model.Note{}}
	if prod := s.projects[s.opts.ProductionProject]; prod != nil {
		for _, is := range prod.issues {
			if !is.created.Before(end) {
				continue
			}
			if is.incident {
				if in, ok := s.incidentAt(prod, is, h.from, end); ok {
					f.Incidents = append(f.Incidents, in)
				}
			} else if hasLabel(is, s.opts.Labels.Change) {
				if c, ok := s.changeAt(prod, is, end); ok {
					f.Changes = append(f.Changes, c)
				}
			}
		}
	}
	if infra := s.projects[s.opts.OncallProject]; infra != nil {
		for _, is := range infra.issues {
			s.oncallAt(&f, infra, is, end)
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

// changeAt is change is at t, if it was open then.
func (s *Sim) changeAt(p *project, is *issue, t time.Time) (model.Change, bool) {
	L := s.opts.Labels
	if is.closed != nil && !is.closed.After(t) {
		return model.Change{}, false
	}
	labels := is.labels
	var sched time.Time
	if run := is.run; run != nil {
		state := "unscheduled"
		switch {
		case !run.ended.IsZero() && !run.ended.After(t):
			return model.Change{}, false
		case !run.started.IsZero() && !run.started.After(t):
			state = "in-progress"
		case !run.sched.IsZero() || is.due != "":
			state = "scheduled"
		}
		labels = nil
		for _, l := range is.labels {
			if !strings.HasPrefix(l, L.ChangeState) {
				labels = append(labels, l)
			}
		}
		labels = append(labels, L.ChangeState+state)
		sched = run.sched
	}
	if sched.IsZero() && is.due != "" {
		sched, _ = time.Parse("2006-01-02", is.due)
	}
	return model.Change{Issue: s.issueAt(p, is, t, labels), ChangeLabels: L.ParseChangeLabels(labels), Scheduled: sched}, true
}

// oncallAt adds ~oncall issue is to f if it was open at t; a ~Ready_to_Handoff one counts
// as ready once its latest note was written, and that note goes with it.
func (s *Sim) oncallAt(f *model.HandoffFacts, p *project, is *issue, t time.Time) {
	L := s.opts.Labels
	if !hasLabel(is, L.Oncall) || !is.created.Before(t) || (is.closed != nil && !is.closed.After(t)) {
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
