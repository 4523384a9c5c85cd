// Package gitlab reads the production queue, the on-call tracker and the handoff project
// through the GitLab REST v4 client, and turns what it gets into model types.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
	"github.com/oncall-sre/oncall/sources/internal/neterr"
)

// Config says where the projects are and how to reach them.
type Config struct {
	BaseURL           string // e.g. https://gitlab.com (the client appends /api/v4/)
	Token             string
	ProductionProject string
	OncallProject     string
	HandoffProject    string
	Labels            model.Labels
	PageSize          int          // issues per page; default (and GitLab's maximum) 100
	Parallel          int          // pages fetched at once after the first; default 4
	HTTPClient        *http.Client // optional
}

// Source reads GitLab. Its methods are safe for concurrent use.
type Source struct {
	c   *gl.Client
	cfg Config

	meMu sync.Mutex
	me   *model.Person // the token's user, once known

	eventsMu sync.Mutex
	events   map[model.IssueRef]cachedEvents // label events of incidents, by their updated_at
}

// New builds a source; it does not touch the network.
func New(cfg Config) (*Source, error) {
	if cfg.PageSize <= 0 || cfg.PageSize > 100 {
		cfg.PageSize = 100
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	// No retries inside the client: the dashboard schedules retries itself, with backoff and
	// the server's Retry-After, so a long outage does not end in a storm.
	opts := []gl.ClientOptionFunc{gl.WithBaseURL(cfg.BaseURL), gl.WithoutRetries()}
	if cfg.HTTPClient != nil {
		opts = append(opts, gl.WithHTTPClient(cfg.HTTPClient))
	}
	c, err := gl.NewClient(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("gitlab: %w", err)
	}
	return &Source{c: c, cfg: cfg}, nil
}

// Queue returns the open incidents and changes of the production project, sorted for display.
func (s *Source) Queue(ctx context.Context) (incidents []model.Incident, changes []model.Change, err error) {
	defer guard.Recover("gitlab", &err)
	var incIssues, chgIssues []*gl.Issue
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "gitlab", func() (err error) {
		incIssues, err = s.listOpen(gctx, s.cfg.ProductionProject, s.cfg.Labels.Incident)
		return err
	})
	guard.Go(g, "gitlab", func() (err error) {
		chgIssues, err = s.listOpen(gctx, s.cfg.ProductionProject, s.cfg.Labels.Change)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	for _, is := range incIssues {
		incidents = append(incidents, s.cfg.Labels.NewIncident(toIssue(s.cfg.ProductionProject, is)))
	}
	for _, is := range chgIssues {
		changes = append(changes, s.cfg.Labels.NewChange(toIssue(s.cfg.ProductionProject, is), is.Description, dueDate(is)))
	}
	model.SortIncidents(incidents)
	model.SortChanges(changes)
	return incidents, changes, nil
}

// OncallIssues returns the open issues of the on-call tracker labelled for the on-call team.
func (s *Source) OncallIssues(ctx context.Context) (out []model.OncallIssue, err error) {
	defer guard.Recover("gitlab", &err)
	issues, err := s.listOpen(ctx, s.cfg.OncallProject, s.cfg.Labels.Oncall)
	if err != nil {
		return nil, err
	}
	for _, is := range issues {
		out = append(out, s.cfg.Labels.NewOncallIssue(toIssue(s.cfg.OncallProject, is)))
	}
	return out, nil
}

// Handoffs returns the latest n handoff issues, open or closed, newest first.
func (s *Source) Handoffs(ctx context.Context, n int) (out []model.HandoffNote, err error) {
	defer guard.Recover("gitlab", &err)
	opt := &gl.ListProjectIssuesOptions{
		ListOptions: gl.ListOptions{PerPage: int64(min(n, 100)), Page: 1},
		Labels:      &gl.LabelOptions{s.cfg.Labels.Handoff},
		OrderBy:     gl.Ptr("created_at"),
		Sort:        gl.Ptr("desc"),
	}
	issues, _, err := s.c.Issues.ListProjectIssues(s.cfg.HandoffProject, opt, gl.WithContext(ctx))
	if err != nil {
		return nil, describe("handoff issues", s.cfg.HandoffProject, err)
	}
	for _, is := range issues {
		out = append(out, model.HandoffNote{Issue: toIssue(s.cfg.HandoffProject, is)})
	}
	model.LatestHandoffFirst(out)
	if err := s.withAcks(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Detail returns an issue's description and its latest notes (newest first).
func (s *Source) Detail(ctx context.Context, ref model.IssueRef, notes int) (d model.Detail, err error) {
	defer guard.Recover("gitlab", &err)
	var is *gl.Issue
	var ns []model.Note
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "gitlab", func() (err error) {
		is, _, err = s.c.Issues.GetIssue(ref.Project, ref.IID, gl.WithContext(gctx))
		return describe(fmt.Sprintf("issue #%d", ref.IID), ref.Project, err)
	})
	guard.Go(g, "gitlab", func() (err error) {
		ns, err = s.notes(gctx, ref, notes)
		return err
	})
	if err := g.Wait(); err != nil {
		return model.Detail{}, err
	}
	return model.Detail{Issue: toIssue(ref.Project, is), Description: model.CleanText(is.Description), Notes: ns}, nil
}

func (s *Source) listOpen(ctx context.Context, project, label string) ([]*gl.Issue, error) {
	return s.list(ctx, project, label, "opened", nil)
}

// list lists every issue of project carrying label, in state ("" for any) and updated after
// updatedAfter when given. After the first page tells how many pages there are, the rest
// are fetched in parallel (at most cfg.Parallel at once).
func (s *Source) list(ctx context.Context, project, label, state string, updatedAfter *time.Time) ([]*gl.Issue, error) {
	what := "~" + label + " issues"
	page := func(ctx context.Context, n int64) ([]*gl.Issue, *gl.Response, error) {
		opt := &gl.ListProjectIssuesOptions{
			ListOptions:  gl.ListOptions{PerPage: int64(s.cfg.PageSize), Page: n},
			Labels:       &gl.LabelOptions{label},
			OrderBy:      gl.Ptr("created_at"),
			Sort:         gl.Ptr("desc"),
			UpdatedAfter: updatedAfter,
		}
		if state != "" {
			opt.State = gl.Ptr(state)
		}
		is, resp, err := s.c.Issues.ListProjectIssues(project, opt, gl.WithContext(ctx))
		return is, resp, describe(what, project, err)
	}
	first, resp, err := page(ctx, 1)
	if err != nil {
		return nil, err
	}
	if resp.TotalPages <= 1 {
		// Past 10,000 results GitLab omits the totals: follow X-Next-Page one by one.
		all := first
		for next := resp.NextPage; resp.TotalPages == 0 && next > 0; next = resp.NextPage {
			var more []*gl.Issue
			if more, resp, err = page(ctx, next); err != nil {
				return nil, err
			}
			all = append(all, more...)
		}
		return all, nil
	}
	pages := make([][]*gl.Issue, resp.TotalPages+1)
	pages[1] = first
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.cfg.Parallel)
	for n := int64(2); n <= resp.TotalPages; n++ {
		guard.Go(g, "gitlab", func() (err error) {
			pages[n], _, err = page(gctx, n)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Issues can move between pages while we read: keep each once.
	seen := map[int64]bool{}
	var all []*gl.Issue
	for _, p := range pages {
		for _, is := range p {
			if !seen[is.ID] {
				seen[is.ID] = true
				all = append(all, is)
			}
		}
	}
	return all, nil
}

func toIssue(project string, is *gl.Issue) model.Issue {
	out := model.Issue{
		IssueRef:  model.IssueRef{Project: project, IID: is.IID},
		Title:     model.CleanLine(is.Title),
		WebURL:    model.CleanLine(is.WebURL),
		State:     is.State,
		CreatedAt: deref(is.CreatedAt),
		UpdatedAt: deref(is.UpdatedAt),
		ClosedAt:  deref(is.ClosedAt),
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, model.CleanLine(l))
	}
	if is.Author != nil {
		out.Author = person(is.Author.Name, is.Author.Username)
	}
	for _, a := range is.Assignees {
		if a != nil {
			out.Assignees = append(out.Assignees, person(a.Name, a.Username))
		}
	}
	return out
}

func person(name, username string) model.Person {
	return model.Person{Name: model.CleanLine(name), Username: model.CleanLine(username)}
}

func dueDate(is *gl.Issue) time.Time {
	if is.DueDate == nil {
		return time.Time{}
	}
	return time.Time(*is.DueDate)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// describe turns a client error into one line that says what failed and why, without URLs
// (which can be long) and never with the token (which the client keeps in a header).
func describe(what, project string, err error) error {
	if err == nil {
		return nil
	}
	var er *gl.ErrorResponse
	switch {
	case errors.Is(err, gl.ErrNotFound):
		return fmt.Errorf("%s: 404 not found: check that %s exists and the token can read it", what, project)
	case errors.As(err, &er) && er.Response != nil:
		msg := model.CleanLine(er.Message)
		// client-go renders {"message": "x"} as "{message: x}".
		if inner, ok := strings.CutPrefix(msg, "{message: "); ok {
			msg = strings.TrimSuffix(inner, "}")
		}
		code := er.Response.StatusCode
		switch {
		case code == http.StatusTooManyRequests:
			msg = "rate limited"
		case msg == "" || strings.HasPrefix(msg, "failed to parse unknown error format"):
			msg = http.StatusText(code) // an HTML or empty error page
		}
		if strings.HasPrefix(msg, strconv.Itoa(code)+" ") {
			return fmt.Errorf("%s: %s", what, msg) // GitLab's messages often start with the code
		}
		return fmt.Errorf("%s: %d %s", what, code, strings.TrimSpace(msg))
	}
	if r := neterr.Reason(err); r != "" {
		return fmt.Errorf("%s: %s", what, r)
	}
	return fmt.Errorf("%s: %s", what, model.CleanLine(err.Error()))
}
