package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// noRetry keeps the client from sending a write again on its own: a create whose answer was
// lost may have happened, and only the outbox, which looks first, may try again.
func noRetry(context.Context, *http.Response, error) (bool, error) { return false, nil }

// CurrentUser is the token's user. It is asked once and remembered.
func (s *Source) CurrentUser(ctx context.Context) (p model.Person, err error) {
	defer guard.Recover("gitlab", &err)
	s.meMu.Lock()
	defer s.meMu.Unlock()
	if s.me != nil {
		return *s.me, nil
	}
	u, _, err := s.c.Users.CurrentUser(gl.WithContext(ctx))
	if err != nil {
		return model.Person{}, describe("current user", "", err)
	}
	me := person(u.Name, u.Username)
	s.me = &me
	return me, nil
}

// ShiftIncidents returns every incident, open or closed, updated since t: what the handoff
// reports on (opened, mitigated and resolved in the shift).
func (s *Source) ShiftIncidents(ctx context.Context, since time.Time) (out []model.Incident, err error) {
	defer guard.Recover("gitlab", &err)
	issues, err := s.list(ctx, s.cfg.ProductionProject, s.cfg.Labels.Incident, "", &since)
	if err != nil {
		return nil, err
	}
	for _, is := range issues {
		out = append(out, s.cfg.Labels.NewIncident(toIssue(s.cfg.ProductionProject, is)))
	}
	model.SortIncidents(out)
	return out, nil
}

// PublishHandoff creates the handoff issue exactly once. It first looks for an issue that
// carries the post's marker (a previous attempt may have created it and lost the answer);
// the create itself is never retried by the client.
//
// A post with a Target is added as a note to that issue instead, exactly once the same way
// (see publishNote).
func (s *Source) PublishHandoff(ctx context.Context, post model.HandoffPost) (h model.HandoffNote, err error) {
	defer guard.Recover("gitlab", &err)
	if post.Target != nil {
		return s.publishNote(ctx, post)
	}
	// The look for an earlier attempt and the assignees' ids, at once: one round trip
	// before the create. A failed search is an error: the post waits, rather than being
	// created blind.
	var (
		found   model.HandoffNote
		posted  bool
		userIDs = make([]int64, len(post.Assignees)) // 0: no such user
	)
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "gitlab", func() (err error) {
		found, posted, err = s.findPosted(gctx, post)
		return err
	})
	for i, username := range post.Assignees {
		guard.Go(g, "gitlab", func() error {
			users, _, err := s.c.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(username)}, gl.WithContext(gctx))
			if err != nil {
				return describe("user @"+username, "", err)
			}
			if len(users) > 0 {
				userIDs[i] = users[0].ID
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil || posted {
		return found, err
	}
	var ids []int64
	for _, id := range userIDs {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	opt := &gl.CreateIssueOptions{
		Title: gl.Ptr(post.Title), Description: gl.Ptr(withMarker(post)), Confidential: gl.Ptr(post.Confidential),
		Labels: (*gl.LabelOptions)(&post.Labels), AssigneeIDs: &ids,
	}
	is, _, err := s.c.Issues.CreateIssue(post.Project, opt, gl.WithContext(ctx), gl.WithRequestRetry(noRetry))
	if err != nil {
		return h, describe("create the handoff issue", post.Project, err)
	}
	return model.HandoffNote{Issue: toIssue(post.Project, slimOf(is))}, nil
}

// findPosted looks for an issue whose body holds post's marker.
func (s *Source) findPosted(ctx context.Context, post model.HandoffPost) (model.HandoffNote, bool, error) {
	opt := &gl.ListProjectIssuesOptions{
		ListOptions: gl.ListOptions{PerPage: 20, Page: 1},
		Search:      gl.Ptr(post.ID),
		In:          gl.Ptr("description"),
		OrderBy:     gl.Ptr("created_at"),
		Sort:        gl.Ptr("desc"),
	}
	issues, _, err := s.c.Issues.ListProjectIssues(post.Project, opt, gl.WithContext(ctx))
	if err != nil {
		return model.HandoffNote{}, false, describe("look for an earlier attempt", post.Project, err)
	}
	for _, is := range issues {
		if strings.Contains(is.Description, post.Marker()) {
			return model.HandoffNote{Issue: toIssue(post.Project, slimOf(is))}, true, nil
		}
	}
	return model.HandoffNote{}, false, nil
}

// Acknowledge adds "Acknowledged by @me at HH:MM UTC" to a handoff issue.
func (s *Source) Acknowledge(ctx context.Context, ref model.IssueRef, at time.Time) (ack model.Acknowledgement, err error) {
	defer guard.Recover("gitlab", &err)
	me, err := s.CurrentUser(ctx)
	if err != nil {
		return ack, err
	}
	body := model.AckNoteBody(me.Username, at)
	n, _, err := s.c.Notes.CreateIssueNote(ref.Project, ref.IID, &gl.CreateIssueNoteOptions{Body: gl.Ptr(body)}, gl.WithContext(ctx), gl.WithRequestRetry(noRetry))
	if err != nil {
		return ack, describe(fmt.Sprintf("acknowledge #%d", ref.IID), ref.Project, err)
	}
	return model.Acknowledgement{Username: me.Username, At: deref(n.CreatedAt)}, nil
}
