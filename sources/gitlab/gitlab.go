// Package gitlab reads the production queue, the on-call tracker and the handoff project
// through the GitLab REST v4 client, and turns what it gets into model types.
package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
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
	MaxPages          int          // pages read of one list at most; default 100 (10,000 issues)
	HTTPClient        *http.Client // optional
}

// DefaultMaxPages bounds one list: 100 pages of 100 issues.
const DefaultMaxPages = 100

// Source reads GitLab. Its methods are safe for concurrent use.
type Source struct {
	c   *gl.Client
	cfg Config

	meMu sync.Mutex
	me   *model.Person // the token's user, once known

	eventsMu sync.Mutex
	events   map[model.IssueRef]cachedEvents // label events of incidents, by their updated_at

	acksMu sync.Mutex
	acks   map[model.IssueRef]cachedAck // acknowledgements found, by the handoff's updated_at
}

// New builds a source; it does not touch the network.
func New(cfg Config) (*Source, error) {
	if cfg.PageSize <= 0 || cfg.PageSize > 100 {
		cfg.PageSize = 100
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
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

// list lists the issues of project carrying label, newest first, in state ("" for any)
// and updated on or after updatedAfter when given. A list longer than cfg.MaxPages pages is
// cut to its newest issues, with a notice in the context (see CollectNotices).
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
	issues, truncated, err := allPages(ctx, s.cfg.MaxPages, s.cfg.Parallel, page)
	if err != nil {
		return nil, describe(what, project, err)
	}
	if truncated {
		n := s.cfg.MaxPages * s.cfg.PageSize
		notice(ctx, fmt.Sprintf("more than %s %s in %s: showing the newest %s", thousands(n), what, project, thousands(n)))
	}
	// Issues can move between pages while we read: keep each once.
	seen := map[int64]bool{}
	all := issues[:0]
	for _, is := range issues {
		if is != nil && !seen[is.ID] {
			seen[is.ID] = true
			all = append(all, is)
		}
	}
	return all, nil
}

// thousands writes n with a comma every three digits: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
		UserNotes: int(is.UserNotesCount),
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
