package gitlab

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// ReportData is what a report reads from GitLab for the time since a given instant.
type ReportData struct {
	Incidents []model.IncidentHistory
	Changes   []model.Change
	Oncall    []model.OncallIssue
}

// ReportData reads every incident, change and ~oncall issue touched since since (open or
// closed), plus the open incidents, and each incident's label events.
func (s *Source) ReportData(ctx context.Context, since time.Time) (d ReportData, err error) {
	defer guard.Recover("gitlab", &err)
	var touched, open, changes, oncall []*slimIssue
	g, gctx := errgroup.WithContext(ctx)
	lists := []struct {
		dst          *[]*slimIssue
		project      string
		label, state string
		since        *time.Time
	}{
		{&touched, s.cfg.ProductionProject, s.cfg.Labels.Incident, "", &since},
		{&open, s.cfg.ProductionProject, s.cfg.Labels.Incident, "opened", nil},
		{&changes, s.cfg.ProductionProject, s.cfg.Labels.Change, "", &since},
		{&oncall, s.cfg.OncallProject, s.cfg.Labels.Oncall, "", &since},
	}
	for _, l := range lists {
		guard.Go(g, "gitlab", func() (err error) {
			*l.dst, err = s.list(gctx, l.project, l.label, l.state, l.since)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return d, err
	}
	seen := map[int64]bool{}
	for _, is := range append(touched, open...) {
		if !seen[is.IID] {
			seen[is.IID] = true
			d.Incidents = append(d.Incidents, model.IncidentHistory{Incident: s.cfg.Labels.NewIncident(toIssue(s.cfg.ProductionProject, is))})
		}
	}
	if err := s.withLabelEvents(ctx, d.Incidents); err != nil {
		return d, err
	}
	for _, is := range changes {
		d.Changes = append(d.Changes, s.cfg.Labels.NewChange(toIssue(s.cfg.ProductionProject, is), scheduleText(is.Description), dueDate(is)))
	}
	for _, is := range oncall {
		d.Oncall = append(d.Oncall, s.cfg.Labels.NewOncallIssue(toIssue(s.cfg.OncallProject, is)))
	}
	return d, nil
}

// cachedEvents are an issue's label events as of its updated_at: a label change updates
// the issue, so an issue with the same updated_at has the same events.
type cachedEvents struct {
	updated time.Time
	events  []model.LabelEvent
}

// withLabelEvents reads each incident's label events (all pages), a few incidents at a time,
// and only for incidents that changed since they were last read.
func (s *Source) withLabelEvents(ctx context.Context, hs []model.IncidentHistory) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.cfg.Parallel)
	var mu sync.Mutex
	for i := range hs {
		if gctx.Err() != nil {
			break // a failed list or a done context: start nothing more
		}
		s.eventsMu.Lock()
		c, ok := s.events[hs[i].IssueRef]
		s.eventsMu.Unlock()
		if ok && !hs[i].UpdatedAt.IsZero() && c.updated.Equal(hs[i].UpdatedAt) {
			hs[i].Events = c.events
			continue
		}
		guard.Go(g, "gitlab", func() error {
			ref := hs[i].IssueRef
			events, err := s.labelEvents(gctx, ref)
			if err != nil {
				return err
			}
			sort.SliceStable(events, func(a, b int) bool { return events[a].At.Before(events[b].At) })
			mu.Lock()
			hs[i].Events = events
			mu.Unlock()
			s.eventsMu.Lock()
			if s.events == nil {
				s.events = map[model.IssueRef]cachedEvents{}
			}
			s.events[ref] = cachedEvents{updated: hs[i].UpdatedAt, events: events}
			s.eventsMu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// labelEvents reads an issue's label events, all pages up to cfg.MaxPages. An event whose
// label was deleted since (GitLab sends "label": null) says nothing about which label it
// was, and is dropped.
func (s *Source) labelEvents(ctx context.Context, ref model.IssueRef) ([]model.LabelEvent, error) {
	what := fmt.Sprintf("label events of #%d", ref.IID)
	page := func(ctx context.Context, n int64) ([]model.LabelEvent, *gl.Response, error) {
		opt := &gl.ListLabelEventsOptions{ListOptions: gl.ListOptions{PerPage: 100, Page: n}}
		page, resp, err := s.c.ResourceLabelEvents.ListIssueLabelEvents(ref.Project, ref.IID, opt, gl.WithContext(ctx))
		if err != nil {
			return nil, nil, describe(what, ref.Project, err)
		}
		var out []model.LabelEvent
		for _, e := range page {
			if e != nil && e.Label.Name != "" {
				out = append(out, model.LabelEvent{Label: model.CleanLine(e.Label.Name), Action: e.Action, At: deref(e.CreatedAt)})
			}
		}
		return out, resp, nil
	}
	events, truncated, err := allPages(ctx, s.cfg.MaxPages, 1, page)
	if err != nil {
		return nil, describe(what, ref.Project, err)
	}
	if truncated {
		notice(ctx, fmt.Sprintf("#%d has more label events than oncall reads; its history is cut", ref.IID))
	}
	return events, nil
}

// Histories reads the label events of incidents (reusing those of incidents that did not
// change), so that a caller can tell by the transitions that stand which are still active
// (model.Labels.StillActive), as the report does.
func (s *Source) Histories(ctx context.Context, incidents []model.Incident) (out []model.IncidentHistory, err error) {
	defer guard.Recover("gitlab", &err)
	out = make([]model.IncidentHistory, len(incidents))
	for i, in := range incidents {
		out[i] = model.IncidentHistory{Incident: in}
	}
	if err := s.withLabelEvents(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}
