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
// without PagerDuty the draft is made anyway and says what it lacks.
func (h *Hub) HandoffFacts(ctx context.Context, now time.Time) (model.HandoffFacts, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*h.cfg.Timeout)
	defer cancel()
	cur := h.cfg.Rotation.ShiftAt(now)
	f := model.HandoffFacts{Shift: cur, Next: h.cfg.Rotation.NextShift(cur)}

	var (
		wg              sync.WaitGroup
		mu              sync.Mutex
		glErr           error
		open, touched   []model.Incident
		oncallIssues    []model.OncallIssue
		onCall          []model.OnCall
		pdErr, pagesErr error
		pages           model.Pages
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if glErr == nil {
			glErr = err
		}
	}
	run := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	run(func() {
		var err error
		if open, f.Changes, err = h.gl.Queue(ctx); err != nil {
			fail(err)
		}
	})
	run(func() {
		var err error
		if touched, err = h.gl.ShiftIncidents(ctx, cur.Start); err != nil {
			fail(err)
		}
	})
	run(func() {
		var err error
		if oncallIssues, err = h.gl.OncallIssues(ctx); err != nil {
			fail(err)
			return
		}
		var ready []model.IssueRef
		for _, o := range oncallIssues {
			if o.ReadyToHandoff {
				ready = append(ready, o.IssueRef)
			}
		}
		if f.ReadyNotes, err = h.gl.LatestNotes(ctx, ready); err != nil {
			fail(err)
		}
	})
	run(func() { onCall, pdErr = h.pd.OnCall(ctx, h.cfg.Rotation, now) })
	run(func() { pages, pagesErr = h.pd.Pages(ctx) })
	wg.Wait()
	pdErr, pagesErr = h.redact(pdErr), h.redact(pagesErr)
	if glErr != nil {
		return f, h.redact(glErr)
	}
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
func (h *Hub) NewHandoffPost(f model.HandoffFacts, body string, now time.Time) model.HandoffPost {
	var id [8]byte
	_, _ = rand.Read(id[:])
	var assignees []string
	for _, p := range []*model.Person{f.Outgoing, f.Incoming} {
		if p != nil && p.Username != "" && !contains(assignees, p.Username) {
			assignees = append(assignees, p.Username)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// PublishHandoff creates the handoff issue exactly once (see gitlab.PublishHandoff).
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
