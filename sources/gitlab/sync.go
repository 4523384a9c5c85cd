package gitlab

import (
	"context"
	"slices"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// Incremental refresh. After a whole read of a list, the next refresh asks the project for
// every issue updated since (updated_after, any state, any label: an issue that lost the
// list's label, was closed, or was moved to another project, which closes it, must leave the
// list) and merges the answer into the last read. GitLab's updated_after means "on or after"
// (Issues::IssuableFinder: updated_at >= ?); the reads overlap by syncOverlap, and an issue
// seen twice is simply replaced. A deleted issue, or one the token can no longer see, leaves
// no trace to ask for: a whole read comes every FullRefreshEvery refreshes and at least every
// FullRefreshAfter.
//
// The instant asked from is the server's own clock (the Date of the first answer of the
// last read), as updated_at is; it is set before any page of that read was served, so an
// update after it is asked for next time, and the overlap covers an update written just
// before it but committed after, and Date's whole seconds.
const syncOverlap = 2 * time.Minute

// Defaults of Config.FullRefreshEvery and Config.FullRefreshAfter.
const (
	DefaultFullRefreshEvery = 10
	DefaultFullRefreshAfter = 15 * time.Minute
)

// queuePart and oncallPart are the last read of a list, and how far it is known.
type queuePart struct {
	incidents []model.Incident
	changes   []model.Change
	sync      model.Sync
	ok        bool
}

type oncallPart struct {
	issues []model.OncallIssue
	sync   model.Sync
	ok     bool
}

// Seed starts the incremental refresh from a snapshot read earlier (the cache of a previous
// run): the queue and the ~oncall issues are then read as what changed since snap's Sync,
// merged into snap's lists. A part without a Sync, or whose last refresh failed, is read
// whole. The acknowledgements found on snap's handoffs are remembered too.
func (s *Source) Seed(snap model.Snapshot) { s.seed(snap, false) }

// seed is Seed; unread keeps the parts this source has read itself.
func (s *Source) seed(snap model.Snapshot, unread bool) {
	usable := func(id model.SourceID) (model.Sync, bool) {
		sync, ok := snap.Sync[id]
		return sync, ok && !sync.Since.IsZero() && sync.Scope == s.scope && !snap.Health[id].Failing()
	}
	s.partsMu.Lock()
	if sync, ok := usable(model.SourceQueue); ok && !(unread && s.queue.ok) {
		s.queue = queuePart{incidents: snap.Incidents, changes: snap.Changes, sync: sync, ok: true}
	}
	if sync, ok := usable(model.SourceOncall); ok && !(unread && s.oncall.ok) {
		s.oncall = oncallPart{issues: snap.OncallIssues, sync: sync, ok: true}
	}
	s.partsMu.Unlock()
	for _, h := range snap.Handoffs {
		if h.AckChecked {
			s.rememberAck(h, h.Ack)
		}
	}
}

// wholeReadDue says whether a list last read as sync must be read whole.
func (s *Source) wholeReadDue(sync model.Sync, ok bool) bool {
	now := s.cfg.Now()
	return !ok || sync.Since.IsZero() || sync.Reads+1 >= s.cfg.FullRefreshEvery ||
		now.Sub(sync.Full) >= s.cfg.FullRefreshAfter || now.Before(sync.Full)
}

// changedSince lists every issue of project updated on or after since, and the instant to
// ask from next time. cut is set when more changed than a list may hold: read it whole.
func (s *Source) changedSince(ctx context.Context, project string, since time.Time) (issues []*slimIssue, next time.Time, cut bool, err error) {
	since = since.UTC().Truncate(time.Second)
	q := issueQuery{project: project, since: &since, orderBy: "updated_at"}
	issues, cut, served, err := s.read(ctx, q)
	return issues, served.Add(-syncOverlap), cut, err
}

// merge puts the changed issues into list: each changed issue leaves it, and comes back
// (converted by keep) when it still belongs there. Issues are known by their iid, as all
// come from one project.
func merge[T any](list []T, changed []*slimIssue, iid func(T) int64, keep func(*slimIssue) (T, bool)) []T {
	touched := make(map[int64]bool, len(changed))
	for _, is := range changed {
		touched[is.IID] = true
	}
	out := make([]T, 0, len(list)+len(changed))
	for _, x := range list {
		if !touched[iid(x)] {
			out = append(out, x)
		}
	}
	for _, is := range changed {
		if x, ok := keep(is); ok {
			out = append(out, x)
		}
	}
	return out
}

// open reports an open issue carrying label, as GitLab's labels= matches it: exactly.
func open(is *slimIssue, label string) bool {
	return is.State == "opened" && slices.Contains(is.Labels, label)
}

// newestFirst orders issues by creation, newest first, then by iid: the order of a whole
// read, which a merge keeps, so that the display's stable sorts give the same result.
func newestFirst(created func(i int) time.Time, iid func(i int) int64) func(a, b int) bool {
	return func(a, b int) bool {
		ca, cb := created(a), created(b)
		if !ca.Equal(cb) {
			return ca.After(cb)
		}
		return iid(a) > iid(b)
	}
}

func sortQueue(incidents []model.Incident, changes []model.Change) {
	sort.Slice(incidents, newestFirst(func(i int) time.Time { return incidents[i].CreatedAt }, func(i int) int64 { return incidents[i].IID }))
	sort.Slice(changes, newestFirst(func(i int) time.Time { return changes[i].CreatedAt }, func(i int) int64 { return changes[i].IID }))
	model.SortIncidents(incidents)
	model.SortChanges(changes)
}

func sortOncall(issues []model.OncallIssue) {
	sort.Slice(issues, newestFirst(func(i int) time.Time { return issues[i].CreatedAt }, func(i int) int64 { return issues[i].IID }))
}

// QueueSynced is Queue with how far the lists are known (model.Snapshot.Sync): after the
// first whole read it asks only for what changed (see the top of this file).
func (s *Source) QueueSynced(ctx context.Context) (incidents []model.Incident, changes []model.Change, sync model.Sync, err error) {
	defer guard.Recover("gitlab", &err)
	s.partsMu.Lock()
	base := s.queue
	s.partsMu.Unlock()
	mark, lazy := s.pendingMark(model.SourceQueue, base.ok)
	if lazy {
		base = queuePart{sync: mark, ok: true} // the lists come with the rest of the cache
	}
	project := s.cfg.ProductionProject
	if !s.wholeReadDue(base.sync, base.ok) {
		changed, next, cut, err := s.changedSince(ctx, project, base.sync.Since)
		if lazy {
			if s.settle(ctx) != nil {
				cut = true // read whole: with ctx done, that fails and says why
			}
			s.partsMu.Lock()
			loaded := s.queue
			s.partsMu.Unlock()
			if !loaded.ok || !sameSync(loaded.sync, mark) {
				cut = true // not the snapshot the marks came with: read whole
			}
			base = loaded
		}
		if err != nil {
			return nil, nil, sync, err
		}
		if !cut {
			L := s.cfg.Labels
			incidents = merge(base.incidents, changed, func(in model.Incident) int64 { return in.IID }, func(is *slimIssue) (model.Incident, bool) {
				return L.NewIncident(toIssue(project, is)), open(is, L.Incident)
			})
			changes = merge(base.changes, changed, func(c model.Change) int64 { return c.IID }, func(is *slimIssue) (model.Change, bool) {
				return L.NewChange(toIssue(project, is), scheduleText(is.Description), dueDate(is)), open(is, L.Change)
			})
			sortQueue(incidents, changes)
			sync = model.Sync{Since: next, Full: base.sync.Full, Reads: base.sync.Reads + 1, Scope: s.scope}
			s.setQueue(queuePart{incidents: incidents, changes: changes, sync: sync, ok: true})
			return incidents, changes, sync, nil
		}
	}
	return s.wholeQueue(ctx)
}

// wholeQueue reads the open incidents and changes whole.
func (s *Source) wholeQueue(ctx context.Context) (incidents []model.Incident, changes []model.Change, sync model.Sync, err error) {
	project, L := s.cfg.ProductionProject, s.cfg.Labels
	started := s.cfg.Now()
	var incIssues, chgIssues []*slimIssue
	var incCut, chgCut bool
	var incAt, chgAt time.Time
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "gitlab", func() (err error) {
		incIssues, incCut, incAt, err = s.read(gctx, issueQuery{project: project, label: L.Incident, state: "opened"})
		return err
	})
	guard.Go(g, "gitlab", func() (err error) {
		chgIssues, chgCut, chgAt, err = s.read(gctx, issueQuery{project: project, label: L.Change, state: "opened"})
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, nil, sync, err
	}
	incidents = make([]model.Incident, 0, len(incIssues))
	for _, is := range incIssues {
		incidents = append(incidents, L.NewIncident(toIssue(project, is)))
	}
	changes = make([]model.Change, 0, len(chgIssues))
	for _, is := range chgIssues {
		changes = append(changes, L.NewChange(toIssue(project, is), scheduleText(is.Description), dueDate(is)))
	}
	sortQueue(incidents, changes)
	// A list cut at the page limit holds the newest issues only: merging changes into it
	// would not give what a whole read gives, so it is read whole every time, and its
	// snapshot carries no sync point for a later run to start from.
	if !incCut && !chgCut {
		sync = model.Sync{Since: earliest(incAt, chgAt).Add(-syncOverlap), Full: started, Scope: s.scope}
	}
	s.setQueue(queuePart{incidents: incidents, changes: changes, sync: sync, ok: !incCut && !chgCut})
	return incidents, changes, sync, nil
}

func (s *Source) setQueue(p queuePart) {
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	s.queue = p
}

// OncallIssuesSynced is OncallIssues with how far the list is known.
func (s *Source) OncallIssuesSynced(ctx context.Context) (out []model.OncallIssue, sync model.Sync, err error) {
	defer guard.Recover("gitlab", &err)
	s.partsMu.Lock()
	base := s.oncall
	s.partsMu.Unlock()
	mark, lazy := s.pendingMark(model.SourceOncall, base.ok)
	if lazy {
		base = oncallPart{sync: mark, ok: true}
	}
	project, L := s.cfg.OncallProject, s.cfg.Labels
	keep := func(is *slimIssue) (model.OncallIssue, bool) {
		return L.NewOncallIssue(toIssue(project, is)), open(is, L.Oncall)
	}
	if !s.wholeReadDue(base.sync, base.ok) {
		changed, next, cut, err := s.changedSince(ctx, project, base.sync.Since)
		if lazy {
			if s.settle(ctx) != nil {
				cut = true // read whole: with ctx done, that fails and says why
			}
			s.partsMu.Lock()
			loaded := s.oncall
			s.partsMu.Unlock()
			if !loaded.ok || !sameSync(loaded.sync, mark) {
				cut = true
			}
			base = loaded
		}
		if err != nil {
			return nil, sync, err
		}
		if !cut {
			out = merge(base.issues, changed, func(o model.OncallIssue) int64 { return o.IID }, keep)
			sortOncall(out)
			sync = model.Sync{Since: next, Full: base.sync.Full, Reads: base.sync.Reads + 1, Scope: s.scope}
			s.setOncall(oncallPart{issues: out, sync: sync, ok: true})
			return out, sync, nil
		}
	}
	started := s.cfg.Now()
	issues, cut, at, err := s.read(ctx, issueQuery{project: project, label: L.Oncall, state: "opened"})
	if err != nil {
		return nil, sync, err
	}
	out = make([]model.OncallIssue, 0, len(issues))
	for _, is := range issues {
		x, _ := keep(is)
		out = append(out, x)
	}
	sortOncall(out)
	if !cut { // as for the queue: a cut list is no sync point
		sync = model.Sync{Since: at.Add(-syncOverlap), Full: started, Scope: s.scope}
	}
	s.setOncall(oncallPart{issues: out, sync: sync, ok: !cut})
	return out, sync, nil
}

func (s *Source) setOncall(p oncallPart) {
	s.partsMu.Lock()
	defer s.partsMu.Unlock()
	s.oncall = p
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
