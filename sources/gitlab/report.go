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

// EventCache keeps incidents' label events between reads, each list as of its issue's
// updated_at: a label change updates the issue, so an issue whose updated_at is the same
// has the same events. store.LabelEvents keeps them on disk, so that the next run's report
// reads only the incidents that changed.
type EventCache interface {
	Get(ref model.IssueRef, updated time.Time) ([]model.LabelEvent, bool)
	Put(ref model.IssueRef, updated time.Time, events []model.LabelEvent)
	Save() error // after a report: write what changed
}

// eventParallel is how many incidents' label events are read at once.
const eventParallel = 16

// ReportData reads every incident, change and ~oncall issue touched since since (open or
// closed), plus the open incidents, and each incident's label events. The label events of
// an incident are asked for as soon as a list names it, while the other lists are read,
// and only for incidents that changed since they were last read (see EventCache).
func (s *Source) ReportData(ctx context.Context, since time.Time) (d ReportData, err error) {
	defer guard.Recover("gitlab", &err)
	var touched, open, changes, oncall []*slimIssue
	ctx, cancel := context.WithCancel(ctx) // a failed list stops the label events too
	defer cancel()
	lists, lctx := errgroup.WithContext(ctx)
	events := s.newEventReader(ctx)
	project, L := s.cfg.ProductionProject, s.cfg.Labels
	for _, l := range []struct {
		dst          *[]*slimIssue
		project      string
		label, state string
		since        *time.Time
		incidents    bool
	}{
		{&touched, project, L.Incident, "", &since, true},
		{&open, project, L.Incident, "opened", nil, true},
		{&changes, project, L.Change, "", &since, false},
		{&oncall, s.cfg.OncallProject, L.Oncall, "", &since, false},
	} {
		guard.Go(lists, "gitlab", func() (err error) {
			*l.dst, err = s.list(lctx, l.project, l.label, l.state, l.since)
			if err == nil && l.incidents {
				events.start(project, *l.dst)
			}
			return err
		})
	}
	err = lists.Wait()
	if err != nil {
		cancel()
	}
	byRef, evErr := events.wait()
	if err != nil {
		return d, err
	}
	if evErr != nil {
		return d, evErr
	}
	seen := map[int64]bool{}
	for _, is := range append(touched, open...) {
		if !seen[is.IID] {
			seen[is.IID] = true
			in := L.NewIncident(toIssue(project, is))
			d.Incidents = append(d.Incidents, model.IncidentHistory{Incident: in, Events: byRef[in.IssueRef]})
		}
	}
	for _, is := range changes {
		d.Changes = append(d.Changes, L.NewChange(toIssue(project, is), scheduleText(is.Description), dueDate(is)))
	}
	for _, is := range oncall {
		d.Oncall = append(d.Oncall, L.NewOncallIssue(toIssue(s.cfg.OncallProject, is)))
	}
	return d, nil
}

// eventReader reads label events eventParallel incidents at a time, each incident once,
// from the cache when its updated_at did not change.
type eventReader struct {
	s    *Source
	ctx  context.Context
	g    *errgroup.Group
	mu   sync.Mutex
	seen map[model.IssueRef]bool
	got  map[model.IssueRef][]model.LabelEvent
}

func (s *Source) newEventReader(ctx context.Context) *eventReader {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(eventParallel)
	return &eventReader{s: s, ctx: gctx, g: g, seen: map[model.IssueRef]bool{}, got: map[model.IssueRef][]model.LabelEvent{}}
}

// start asks for the label events of issues of project not asked for yet.
func (r *eventReader) start(project string, issues []*slimIssue) {
	for _, is := range issues {
		ref, updated := model.IssueRef{Project: project, IID: is.IID}, deref(is.UpdatedAt)
		r.mu.Lock()
		dup := r.seen[ref]
		r.seen[ref] = true
		r.mu.Unlock()
		if dup {
			continue
		}
		if events, ok := r.s.cfg.Events.Get(ref, updated); ok {
			r.put(ref, events)
			continue
		}
		if r.ctx.Err() != nil {
			return // a failed list or a done context: start nothing more
		}
		guard.Go(r.g, "gitlab", func() error {
			events, err := r.s.labelEvents(r.ctx, ref)
			if err != nil {
				return err
			}
			sort.SliceStable(events, func(a, b int) bool { return events[a].At.Before(events[b].At) })
			r.s.cfg.Events.Put(ref, updated, events)
			r.put(ref, events)
			return nil
		})
	}
}

func (r *eventReader) put(ref model.IssueRef, events []model.LabelEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[ref] = events
}

// wait returns the events read, by issue, once every read is done, and saves the cache.
func (r *eventReader) wait() (map[model.IssueRef][]model.LabelEvent, error) {
	err := r.g.Wait()
	_ = r.s.cfg.Events.Save() // only a cache: a full disk costs the next report some reads
	return r.got, err
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
				out = append(out, model.LabelEvent{Label: cleanLine(e.Label.Name), Action: e.Action, At: deref(e.CreatedAt)})
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

// memEvents is the EventCache of a source without one on disk: it lives as long as the
// source, and holds at most maxMemEvents issues.
type memEvents struct {
	mu      sync.Mutex
	byIssue map[model.IssueRef]cachedEvents
}

type cachedEvents struct {
	updated time.Time
	events  []model.LabelEvent
}

const maxMemEvents = 5000

func (m *memEvents) Get(ref model.IssueRef, updated time.Time) ([]model.LabelEvent, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byIssue[ref]
	return c.events, ok && !updated.IsZero() && c.updated.Equal(updated)
}

func (m *memEvents) Put(ref model.IssueRef, updated time.Time, events []model.LabelEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byIssue == nil || len(m.byIssue) >= maxMemEvents {
		m.byIssue = map[model.IssueRef]cachedEvents{}
	}
	m.byIssue[ref] = cachedEvents{updated: updated, events: events}
}

func (m *memEvents) Save() error { return nil }
