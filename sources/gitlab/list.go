package gitlab

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

// issueQuery is one list of a project's issues.
type issueQuery struct {
	project string
	label   string     // "" for any
	state   string     // "opened", "closed", "" for any
	since   *time.Time // updated on or after, when set
	orderBy string     // created_at (default) or updated_at
}

func (q issueQuery) what() string {
	if q.label == "" {
		return "issues"
	}
	return "~" + q.label + " issues"
}

// issuePage reads page n of q (newest first) through the client's NewRequest and Do, which
// keep its authentication, paging headers and errors, decoding into slim issues.
func (s *Source) issuePage(ctx context.Context, q issueQuery, perPage, n int64) ([]*slimIssue, *gl.Response, error) {
	opt := &gl.ListProjectIssuesOptions{
		ListOptions:  gl.ListOptions{PerPage: perPage, Page: n},
		OrderBy:      gl.Ptr("created_at"),
		Sort:         gl.Ptr("desc"),
		UpdatedAfter: q.since,
	}
	if q.orderBy != "" {
		opt.OrderBy = gl.Ptr(q.orderBy)
	}
	if q.label != "" {
		opt.Labels = &gl.LabelOptions{q.label}
	}
	if q.state != "" {
		opt.State = gl.Ptr(q.state)
	}
	req, err := s.c.NewRequest(http.MethodGet, "projects/"+gl.PathEscape(q.project)+"/issues", opt, []gl.RequestOptionFunc{gl.WithContext(ctx)})
	if err != nil {
		return nil, nil, describe(q.what(), q.project, err)
	}
	body := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(body)
	body.Reset()
	resp, err := s.c.Do(req, body)
	if err != nil {
		return nil, resp, describe(q.what(), q.project, err)
	}
	page, err := decodePage(body.Bytes()) // copies what it keeps: the buffer can be reused
	if err == nil {
		page, err = validIssues(page)
	}
	return page, resp, describe(q.what(), q.project, err)
}

// pageBuffers keep the buffers pages are read into: a page of 100 issues is about 250 KB,
// and growing a new buffer for each was a tenth of a big refresh's CPU.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 { // an outsized answer's buffer is not kept
		pageBuffers.Put(b)
	}
}

// read reads every page of q, at most cfg.MaxPages. A list longer than that is cut to its
// first (newest) issues, with a notice in the context (see CollectNotices); cut reports it.
// served is when the first page was served, on the server's clock (see serverTime).
func (s *Source) read(ctx context.Context, q issueQuery) (issues []*slimIssue, cut bool, served time.Time, err error) {
	page := func(ctx context.Context, n int64) ([]*slimIssue, *gl.Response, error) {
		sent := s.cfg.Now()
		items, resp, err := s.issuePage(ctx, q, int64(s.cfg.PageSize), n)
		if n == 1 && resp != nil {
			served = httpx.ServerTime(resp.Header, sent) // else sent: no later than it was served
		}
		return items, resp, err
	}
	issues, cut, err = allPages(ctx, s.cfg.MaxPages, s.cfg.Parallel, page)
	if err != nil {
		return nil, false, served, describe(q.what(), q.project, err)
	}
	if cut {
		n := model.Thousands(int64(s.cfg.MaxPages * s.cfg.PageSize))
		notice(ctx, fmt.Sprintf("more than %s %s in %s: showing the newest %s", n, q.what(), q.project, n))
	}
	return dedupe(issues), cut, served, nil
}

// list lists the issues of project carrying label, newest first, in state ("" for any)
// and updated on or after updatedAfter when given.
func (s *Source) list(ctx context.Context, project, label, state string, updatedAfter *time.Time) ([]*slimIssue, error) {
	issues, _, _, err := s.read(ctx, issueQuery{project: project, label: label, state: state, since: updatedAfter})
	return issues, err
}

// dedupe keeps each issue once: issues can move between pages while they are read.
func dedupe(issues []*slimIssue) []*slimIssue {
	seen := make(map[int64]bool, len(issues))
	out := issues[:0]
	for _, is := range issues {
		if !seen[is.IID] {
			seen[is.IID] = true
			out = append(out, is)
		}
	}
	return out
}
