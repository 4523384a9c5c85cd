package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// ackChecked is how many of the latest handoffs get their notes read for an acknowledgement.
const ackChecked = 6

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

// LatestNotes returns the latest human (non-system) note of each issue that has one.
func (s *Source) LatestNotes(ctx context.Context, refs []model.IssueRef) (out map[model.IssueRef]model.Note, err error) {
	defer guard.Recover("gitlab", &err)
	out = map[model.IssueRef]model.Note{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.cfg.Parallel)
	for _, ref := range refs {
		guard.Go(g, "gitlab", func() error {
			notes, err := s.notes(gctx, ref, 20)
			if err != nil {
				return err
			}
			for _, n := range notes {
				if !n.System {
					mu.Lock()
					out[ref] = n
					mu.Unlock()
					break
				}
			}
			return nil
		})
	}
	return out, g.Wait()
}

// notes lists an issue's latest notes, newest first.
func (s *Source) notes(ctx context.Context, ref model.IssueRef, n int) ([]model.Note, error) {
	opt := &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: int64(n), Page: 1}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")}
	ns, _, err := s.c.Notes.ListIssueNotes(ref.Project, ref.IID, opt, gl.WithContext(ctx))
	if err != nil {
		return nil, describe(fmt.Sprintf("notes of #%d", ref.IID), ref.Project, err)
	}
	out := make([]model.Note, 0, len(ns))
	for _, n := range ns {
		out = append(out, model.Note{Author: person(n.Author.Name, n.Author.Username), Body: model.CleanText(n.Body), CreatedAt: deref(n.CreatedAt), System: n.System})
	}
	return out, nil
}

// withAcks reads the notes of the latest handoffs and records who acknowledged them.
func (s *Source) withAcks(ctx context.Context, hs []model.HandoffNote) error {
	g, gctx := errgroup.WithContext(ctx)
	for i := range hs[:min(len(hs), ackChecked)] {
		guard.Go(g, "gitlab", func() error {
			notes, err := s.notes(gctx, hs[i].IssueRef, 50)
			if err != nil {
				return err
			}
			hs[i].AckChecked = true
			if ack, ok := model.FindAcknowledgement(notes); ok {
				hs[i].Ack = &ack
			}
			return nil
		})
	}
	return g.Wait()
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
	// A failed search is an error: the post waits, rather than being created blind.
	if found, ok, err := s.findPosted(ctx, post); err != nil || ok {
		return found, err
	}
	var ids []int64
	for _, username := range post.Assignees {
		users, _, err := s.c.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(username)}, gl.WithContext(ctx))
		if err != nil {
			return h, describe("user @"+username, "", err)
		}
		if len(users) > 0 {
			ids = append(ids, users[0].ID)
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
	return model.HandoffNote{Issue: toIssue(post.Project, is)}, nil
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
			return model.HandoffNote{Issue: toIssue(post.Project, is)}, true, nil
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
