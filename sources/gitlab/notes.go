package gitlab

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// Notes lists include system notes ("mentioned in ...", "changed the description",
// "assigned to @x"): a busy issue can bury its last human comment under many of them. The
// REST list takes activity_filter=only_comments (lib/api/notes.rb: values all_notes,
// only_comments, only_activity; client-go v1.46 has no field for it, and doc/api/notes.md
// does not list it), which older GitLab versions ignore; so system notes are skipped here
// in any case, and the pages are read until a human note is found, at most notePages pages.
const (
	notesPerPage = 100
	notePages    = 5
	noteParallel = 32 // issues whose notes are read at once: the 20 latest handoffs in one round trip
)

// onlyComments asks for human comments only. client-go has no option for the parameter;
// this merges it into the request's query.
var onlyComments = gl.WithKeysetPaginationParameters("?" + url.Values{"activity_filter": {"only_comments"}}.Encode())

// humanNotes reads ref's human notes page by page in the given order ("asc", "desc") of
// creation, until stop says the notes so far are enough. complete reports that every page
// was read or stop was satisfied (not cut at notePages).
func (s *Source) humanNotes(ctx context.Context, ref model.IssueRef, sort string, stop func([]model.Note) bool) (notes []model.Note, complete bool, err error) {
	what := fmt.Sprintf("notes of #%d", ref.IID)
	page := func(ctx context.Context, n int64) ([]model.Note, *gl.Response, error) {
		opt := &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: notesPerPage, Page: n}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr(sort)}
		ns, resp, err := s.c.Notes.ListIssueNotes(ref.Project, ref.IID, opt, gl.WithContext(ctx), onlyComments)
		if err != nil {
			return nil, nil, describe(what, ref.Project, err)
		}
		out := make([]model.Note, 0, len(ns))
		for _, n := range ns {
			if n != nil && !n.System {
				out = append(out, toNote(n))
			}
		}
		return out, resp, nil
	}
	first, resp, err := page(ctx, 1)
	if err != nil {
		return nil, false, err
	}
	if stop(first) {
		return first, true, nil
	}
	more, truncated, err := followPages(ctx, notePages, 1, resp.NextPage, page, func(more []model.Note) bool { return stop(append(first, more...)) })
	if err != nil {
		return nil, false, describe(what, ref.Project, err)
	}
	return append(first, more...), !truncated, nil
}

func toNote(n *gl.Note) model.Note {
	return model.Note{Author: person(n.Author.Name, n.Author.Username), Body: model.CleanText(n.Body), CreatedAt: deref(n.CreatedAt), System: n.System}
}

// LatestNotes returns the latest human (non-system) note of each issue that has one.
func (s *Source) LatestNotes(ctx context.Context, refs []model.IssueRef) (out map[model.IssueRef]model.Note, err error) {
	defer guard.Recover("gitlab", &err)
	out = map[model.IssueRef]model.Note{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(noteParallel)
	for _, ref := range refs {
		guard.Go(g, "gitlab", func() error {
			notes, _, err := s.humanNotes(gctx, ref, "desc", func(ns []model.Note) bool { return len(ns) > 0 })
			if err != nil || len(notes) == 0 {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			out[ref] = notes[0]
			return nil
		})
	}
	return out, g.Wait()
}

// notes lists an issue's latest n notes of any kind, newest first (the detail view shows
// system notes dimmed).
func (s *Source) notes(ctx context.Context, ref model.IssueRef, n int) ([]model.Note, error) {
	opt := &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: int64(n), Page: 1}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")}
	ns, _, err := s.c.Notes.ListIssueNotes(ref.Project, ref.IID, opt, gl.WithContext(ctx))
	if err != nil {
		return nil, describe(fmt.Sprintf("notes of #%d", ref.IID), ref.Project, err)
	}
	out := make([]model.Note, 0, len(ns))
	for _, n := range ns {
		if n != nil {
			out = append(out, toNote(n))
		}
	}
	return out, nil
}

// Handoffs returns the latest n handoff issues, open or closed, newest first, each with who
// it hands over to (from its body) and its acknowledgement.
func (s *Source) Handoffs(ctx context.Context, n int) (out []model.HandoffNote, err error) {
	defer guard.Recover("gitlab", &err)
	q := issueQuery{project: s.cfg.HandoffProject, label: s.cfg.Labels.Handoff}
	issues, _, err := s.issuePage(ctx, q, int64(min(max(n, 1), 100)), 1)
	if err != nil {
		return nil, err
	}
	for _, is := range issues[:min(len(issues), max(n, 0))] {
		if is == nil {
			continue
		}
		h := model.HandoffNote{Issue: toIssue(s.cfg.HandoffProject, is)}
		_, h.Incoming = model.ParseHandoverLine(model.CleanText(is.Description))
		out = append(out, h)
	}
	model.LatestHandoffFirst(out)
	if err := s.withAcks(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// withAcks reads the human notes of every handoff at once, oldest first until the first
// acknowledgement. AckChecked stays false when the notes could not all be read (more than
// notePages pages and no acknowledgement among them).
func (s *Source) withAcks(ctx context.Context, hs []model.HandoffNote) error {
	if err := s.settle(ctx); err != nil { // the acknowledgements of a cached snapshot being read
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(noteParallel)
	for i := range hs {
		if ack, ok := s.cachedAck(hs[i]); ok {
			hs[i].Ack, hs[i].AckChecked = ack, true
			continue
		}
		guard.Go(g, "gitlab", func() error {
			notes, complete, err := s.humanNotes(gctx, hs[i].IssueRef, "asc", func(ns []model.Note) bool {
				_, found := model.FindAcknowledgement(ns)
				return found
			})
			if err != nil {
				return err
			}
			if ack, ok := model.FindAcknowledgement(notes); ok {
				hs[i].Ack, hs[i].AckChecked = &ack, true
			} else {
				hs[i].AckChecked = complete
			}
			if hs[i].AckChecked {
				s.rememberAck(hs[i], hs[i].Ack)
			}
			return nil
		})
	}
	return g.Wait()
}

// cachedAck is what a handoff's notes said of its acknowledgement, as of its updated_at and
// its count of human notes: a new note touches the issue (Note#touch_noteable, GitLab's
// app/models/note.rb) and counts in user_notes_count, and the first acknowledgement stays
// the first; so the notes are read again only when the issue changed.
type cachedAck struct {
	updated time.Time
	notes   int
	ack     *model.Acknowledgement // nil: none among the notes
}

func (s *Source) cachedAck(h model.HandoffNote) (*model.Acknowledgement, bool) {
	s.acksMu.Lock()
	defer s.acksMu.Unlock()
	c, ok := s.acks[h.IssueRef]
	return c.ack, ok && !h.UpdatedAt.IsZero() && c.updated.Equal(h.UpdatedAt) && c.notes == h.UserNotes
}

// rememberAck keeps what h's notes said (ack nil: no acknowledgement), for at most
// maxCachedAcks handoffs.
func (s *Source) rememberAck(h model.HandoffNote, ack *model.Acknowledgement) {
	s.acksMu.Lock()
	defer s.acksMu.Unlock()
	if s.acks == nil || len(s.acks) >= maxCachedAcks {
		s.acks = map[model.IssueRef]cachedAck{}
	}
	s.acks[h.IssueRef] = cachedAck{updated: h.UpdatedAt, notes: h.UserNotes, ack: ack}
}

// maxCachedAcks bounds the acknowledgement cache: a few hundred handoffs is years of shifts.
const maxCachedAcks = 1000
