package sim

import (
	"fmt"
	"time"
)

// Test hooks: change the GitLab world while it is served, as people do in the real one, so
// that a test can check that a refresh which asks only for what changed (updated_after)
// sees the same world as one that reads everything. Each change sets updated_at to the
// simulated clock, as GitLab does, and a label change records its label events. Slices of
// the world are replaced, never changed in place (gitlab_render.go relies on it).

// lookup finds project's issue iid; s.mu must be held.
func (s *Sim) lookup(project string, iid int64) (*project, *issue, error) {
	p := s.projects[project]
	if p == nil {
		return nil, nil, fmt.Errorf("sim: no project %s", project)
	}
	is := p.byIID(iid)
	if is == nil {
		return nil, nil, fmt.Errorf("sim: no issue %s#%d", project, iid)
	}
	return p, is, nil
}

// change runs fn on project's issue iid under the lock, then marks the issue updated now.
func (s *Sim) change(path string, iid int64, fn func(is *issue, now time.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, is, err := s.lookup(path, iid)
	if err != nil {
		return err
	}
	now := s.clock()
	fn(is, now)
	is.updated = now
	changed(is)
	return nil
}

// nextIID is the iid a new issue of p gets: one past the highest, deleted ones aside.
func nextIID(p *project) int64 {
	next := firstIID(p)
	for _, is := range p.issues {
		next = max(next, is.iid+1)
	}
	return next
}

// AddIssue creates an open issue in project with labels, authored by the first user, and
// returns its iid.
func (s *Sim) AddIssue(project, title string, labels []string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[project]
	if p == nil {
		return 0, fmt.Errorf("sim: no project %s", project)
	}
	now, iid := s.clock(), nextIID(p)
	is := s.add(p, 0, title, "Opened by a test.", labels, s.users[0])
	is.iid, is.created, is.updated = iid, now, now
	is.incident = hasLabel(is, s.opts.Labels.Incident)
	for _, l := range is.labels {
		s.labelEvent(is, l, "add", now, s.users[0])
	}
	return is.iid, nil
}

// SetLabels replaces the labels of project's issue iid, recording an add or remove event
// for each label that changed.
func (s *Sim) SetLabels(project string, iid int64, labels []string) error {
	return s.change(project, iid, func(is *issue, now time.Time) {
		next := sortedLabels(labels)
		for _, l := range is.labels {
			if !hasAllLabels(next, []string{l}) {
				s.labelEvent(is, l, "remove", now, s.users[0])
			}
		}
		for _, l := range next {
			if !hasAllLabels(is.labels, []string{l}) {
				s.labelEvent(is, l, "add", now, s.users[0])
			}
		}
		is.labels = next
	})
}

// SetTitle retitles project's issue iid.
func (s *Sim) SetTitle(project string, iid int64, title string) error {
	return s.change(project, iid, func(is *issue, _ time.Time) { is.title = title })
}

// Close closes project's issue iid.
func (s *Sim) Close(project string, iid int64) error {
	return s.change(project, iid, func(is *issue, now time.Time) {
		is.state, is.closed = "closed", &now
	})
}

// Reopen reopens project's issue iid; GitLab clears closed_at.
func (s *Sim) Reopen(project string, iid int64) error {
	return s.change(project, iid, func(is *issue, _ time.Time) {
		is.state, is.closed = "opened", nil
	})
}

// Move moves project's issue iid to project to, as GitLab's "Move issue" does: a new issue
// in to with the same title, description and labels, and the original closed with
// moved_to_id set. It returns the new issue's iid.
func (s *Sim) Move(project string, iid int64, to string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, is, err := s.lookup(project, iid)
	if err != nil {
		return 0, err
	}
	dst := s.projects[to]
	if dst == nil {
		return 0, fmt.Errorf("sim: no project %s", to)
	}
	now, next := s.clock(), nextIID(dst)
	moved := s.add(dst, 0, is.title, is.desc, is.labels, is.author, is.assignees...)
	moved.iid, moved.created, moved.updated, moved.incident, moved.nullDesc = next, now, now, is.incident, is.nullDesc
	is.state, is.closed, is.updated, is.movedTo = "closed", &now, now, moved.id
	changed(is)
	return moved.iid, nil
}

// Delete removes project's issue iid, as an administrator's delete does: it leaves no
// trace that updated_after could find.
func (s *Sim) Delete(project string, iid int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, is, err := s.lookup(project, iid)
	if err != nil {
		return err
	}
	kept := make([]*issue, 0, len(p.issues)-1)
	for _, other := range p.issues {
		if other != is {
			kept = append(kept, other)
		}
	}
	p.issues = kept
	return nil
}

// Issues lists the iids of project's issues that carry every one of labels and are in
// state ("opened", "closed", or "" for any), oldest first: for a test to pick some.
func (s *Sim) Issues(project, state string, labels ...string) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	if p := s.projects[project]; p != nil {
		for _, is := range p.issues {
			if (state == "" || is.state == state) && hasAllLabels(is.labels, labels) {
				out = append(out, is.iid)
			}
		}
	}
	return out
}

// WithRateLimitClock makes the GitLab rate limit (Load.GitLabRateLimit) count its minute
// windows by now instead of the wall clock, so that a test can drive it.
func WithRateLimitClock(opts Options, now func() time.Time) Options {
	opts.Load.now = now
	return opts
}
