package gitlab

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// Bounds of the searches that keep a handoff from being posted twice.
const (
	markerNotePages = 10 // pages of 100 notes searched for a note's marker, newest first
	handoffPages    = 5  // pages of 100 handoff issues searched for one of the same shift
)

// withMarker is the body as posted: the text, then the marker that lets a retry find it.
func withMarker(post model.HandoffPost) string {
	return strings.TrimRight(post.Body, "\n") + "\n\n" + post.Marker() + "\n"
}

// publishNote adds post as a note to its Target issue, exactly once: it first looks for
// the marker among the issue's notes (an earlier attempt may have been taken although its
// answer was lost), and the create is never retried by the client. The result is the
// target issue, with the note's address as its WebURL.
func (s *Source) publishNote(ctx context.Context, post model.HandoffPost) (model.HandoffNote, error) {
	ref := *post.Target
	is, _, err := s.c.Issues.GetIssue(ref.Project, ref.IID, gl.WithContext(ctx))
	if err != nil {
		return model.HandoffNote{}, describe(fmt.Sprintf("handoff #%d", ref.IID), ref.Project, err)
	}
	h := model.HandoffNote{Issue: toIssue(ref.Project, slimOf(is))}
	id, ok, err := s.findPostedNote(ctx, ref, post)
	if err != nil {
		return model.HandoffNote{}, err
	}
	if !ok {
		n, _, err := s.c.Notes.CreateIssueNote(ref.Project, ref.IID, &gl.CreateIssueNoteOptions{Body: gl.Ptr(withMarker(post))},
			gl.WithContext(ctx), gl.WithRequestRetry(noRetry))
		if err != nil {
			return model.HandoffNote{}, describe(fmt.Sprintf("add a note to #%d", ref.IID), ref.Project, err)
		}
		id = n.ID
	}
	h.WebURL += "#note_" + strconv.FormatInt(id, 10) // GitLab's anchor of a note
	return h, nil
}

// findPostedNote looks for post's marker among the human notes of ref, newest first.
func (s *Source) findPostedNote(ctx context.Context, ref model.IssueRef, post model.HandoffPost) (int64, bool, error) {
	page := int64(1)
	for range markerNotePages {
		opt := &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: 100, Page: page}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")}
		notes, resp, err := s.c.Notes.ListIssueNotes(ref.Project, ref.IID, opt, gl.WithContext(ctx))
		if err != nil {
			return 0, false, describe(fmt.Sprintf("look for an earlier attempt on #%d", ref.IID), ref.Project, err)
		}
		for _, n := range notes {
			if n != nil && !n.System && strings.Contains(n.Body, post.Marker()) {
				return n.ID, true, nil
			}
		}
		if resp == nil || resp.NextPage <= page { // the last page, or a server going backwards
			break
		}
		page = resp.NextPage
	}
	return 0, false, nil
}

// FindHandoff looks in project for a handoff issue titled exactly title, carrying exactly
// label, created since since (newest first, a bounded number of pages): a handoff of the
// same shift. GitLab's labels= filter is exact; the title is compared here, since GitLab's
// search matches words, not whole titles.
func (s *Source) FindHandoff(ctx context.Context, project, title, label string, since time.Time) (h model.HandoffNote, ok bool, err error) {
	defer guard.Recover("gitlab", &err)
	title = cleanLine(title) // as the titles it is compared with are
	page := int64(1)
	for range handoffPages {
		opt := &gl.ListProjectIssuesOptions{
			ListOptions:  gl.ListOptions{PerPage: 100, Page: page},
			Labels:       &gl.LabelOptions{label},
			CreatedAfter: &since,
			OrderBy:      gl.Ptr("created_at"),
			Sort:         gl.Ptr("desc"),
		}
		issues, resp, err := s.c.Issues.ListProjectIssues(project, opt, gl.WithContext(ctx))
		if err != nil {
			return h, false, describe("look for a handoff of this shift", project, err)
		}
		for _, is := range issues {
			if is != nil && cleanLine(is.Title) == title && slices.Contains(is.Labels, label) {
				return model.HandoffNote{Issue: toIssue(project, slimOf(is))}, true, nil
			}
		}
		if resp == nil || resp.NextPage <= page {
			break
		}
		page = resp.NextPage
	}
	return h, false, nil
}
