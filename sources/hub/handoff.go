package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// HandoffFacts gathers what the handoff of the shift in progress at now reports: incidents
// touched in the shift (open or closed), open changes, ~oncall issues with the latest note of
// those ready to hand off, who hands over to whom, and open pages. GitLab is required;
// without PagerDuty the draft is made anyway and says what it lacks. Each part is tried
// again after a temporary failure while the deadline allows (retry.go).
func (h *Hub) HandoffFacts(ctx context.Context, now time.Time) (model.HandoffFacts, error) {
	budget := 2 * h.cfg.Timeout
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	cur := h.cfg.Rotation.ShiftAt(now)
	f := model.HandoffFacts{Shift: cur, Next: h.cfg.Rotation.NextShift(cur)}

	var (
		wg                 sync.WaitGroup
		queueErr, shiftErr error
		oncallErr          error
		open, touched      []model.Incident
		changes            []model.Change
		oncallIssues       []model.OncallIssue
		ready              map[model.IssueRef]model.Note
		onCall             []model.OnCall
		pdErr, pagesErr    error
		pages              model.Pages
	)
	run := func(errp *error, fn func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); *errp = h.retry(ctx, budget, fn) }()
	}
	run(&queueErr, func(ctx context.Context) (err error) {
		open, changes, err = h.gl.Queue(ctx)
		return err
	})
	run(&shiftErr, func(ctx context.Context) (err error) {
		touched, err = h.gl.ShiftIncidents(ctx, cur.Start)
		return err
	})
	run(&oncallErr, func(ctx context.Context) (err error) {
		if oncallIssues, err = h.gl.OncallIssues(ctx); err != nil {
			return err
		}
		var refs []model.IssueRef
		for _, o := range oncallIssues {
			if o.ReadyToHandoff {
				refs = append(refs, o.IssueRef)
			}
		}
		ready, err = h.gl.LatestNotes(ctx, refs)
		return err
	})
	run(&pdErr, func(ctx context.Context) (err error) {
		onCall, err = h.pd.OnCall(ctx, h.cfg.Rotation, now)
		return err
	})
	run(&pagesErr, func(ctx context.Context) (err error) {
		pages, err = h.pd.Pages(ctx)
		return err
	})
	wg.Wait()
	if err := firstError(queueErr, shiftErr, oncallErr); err != nil {
		return f, err
	}
	f.Changes, f.ReadyNotes = changes, ready
	f.Incidents = mergeIncidents(open, touched)
	f.Oncall = oncallIssues
	if pdErr != nil {
		f.Warnings = append(f.Warnings, "PagerDuty did not say who is on call ("+pdErr.Error()+").")
	}
	for _, oc := range onCall {
		if oc.Region == cur.Region.Name {
			f.Outgoing = h.withUsername(oc.Now)
		}
		if oc.Region == f.Next.Region.Name {
			f.Incoming = h.withUsername(oc.Next)
		}
	}
	if pagesErr != nil {
		f.Warnings = append(f.Warnings, "PagerDuty did not list the open pages ("+pagesErr.Error()+").")
	}
	f.Pages = pages.Open
	return f, nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// mergeIncidents joins the open incidents and those touched in the shift, once each.
func mergeIncidents(lists ...[]model.Incident) []model.Incident {
	seen := map[model.IssueRef]bool{}
	var out []model.Incident
	for _, l := range lists {
		for _, in := range l {
			if !seen[in.IssueRef] {
				seen[in.IssueRef] = true
				out = append(out, in)
			}
		}
	}
	model.SortIncidents(out)
	return out
}

// withUsername adds the GitLab username the config's people map gives for a PagerDuty email.
func (h *Hub) withUsername(p *model.Person) *model.Person {
	if p == nil {
		return nil
	}
	out := *p
	for email, username := range h.cfg.People {
		if strings.EqualFold(email, p.Email) {
			out.Username = username
		}
	}
	return &out
}

// NewHandoffPost prepares a publish of body for the shift of f, with a fresh unique ID.
// When both engineers' GitLab usernames are known, the body gets a line that mentions them
// ("@outgoing hands over to @incoming"): GitLab Free keeps only the first assignee, and
// drops assignees who cannot see the issue, without an error, but a mention notifies.
func (h *Hub) NewHandoffPost(f model.HandoffFacts, body string, now time.Time) model.HandoffPost {
	var id [8]byte
	_, _ = rand.Read(id[:])
	var assignees []string
	for _, p := range []*model.Person{f.Outgoing, f.Incoming} {
		if p != nil && p.Username != "" && !contains(assignees, p.Username) {
			assignees = append(assignees, p.Username)
		}
	}
	if len(assignees) == 2 && f.Outgoing.Username == assignees[0] {
		line := model.HandoverLine(f.Outgoing.Username, f.Incoming.Username)
		if !strings.Contains(body, line) {
			body = strings.TrimRight(body, "\n") + "\n\n" + line + "\n"
		}
	}
	return model.HandoffPost{
		ID:  "oncallhandoff" + hex.EncodeToString(id[:]),
		Key: model.HandoffKey(f.Shift, f.Next), Project: h.cfg.GitLab.HandoffProject,
		Title: model.HandoffTitle(f.Shift, f.Next), Body: body,
		Labels: []string{h.cfg.GitLab.Labels.Handoff}, Assignees: assignees,
		Confidential: h.cfg.Confidential, Queued: now,
	}
}

// ExistingHandoff looks in GitLab for a handoff of post's shift: an issue of the handoff
// project titled exactly like post and carrying the handoff label, created in the two
// days before post was queued. Before publishing, a found one means: ask the engineer.
func (h *Hub) ExistingHandoff(ctx context.Context, post model.HandoffPost) (found model.HandoffNote, ok bool, err error) {
	err = h.retry(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		found, ok, err = h.gl.FindHandoff(ctx, post.Project, post.Title, h.cfg.GitLab.Labels.Handoff, post.Queued.Add(-48*time.Hour))
		return err
	})
	return found, ok, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// PublishHandoff creates the handoff issue, or adds the note to post.Target, exactly once
// (see gitlab.PublishHandoff). It is not retried here: the outbox schedules retries.
func (h *Hub) PublishHandoff(ctx context.Context, post model.HandoffPost) (issue model.HandoffNote, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		issue, err = h.gl.PublishHandoff(ctx, post)
		return err
	})
	return issue, err
}

// Acknowledge notes on a handoff that the token's user read it.
func (h *Hub) Acknowledge(ctx context.Context, ref model.IssueRef, at time.Time) (ack model.Acknowledgement, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		ack, err = h.gl.Acknowledge(ctx, ref, at)
		return err
	})
	return ack, err
}
