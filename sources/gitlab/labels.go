package gitlab

import (
	"context"
	"fmt"
	"strings"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// GitLab's labels= filter is an exact, case-sensitive match on the title: a config that says
// "Incident" where the project has "incident" gets empty lists and no error. CheckLabels finds
// such mistakes with GET /projects/:id/labels?search= (a case-insensitive substring match on
// title and description, app/models/label.rb Label.search).

const (
	labelsPerPage   = 100
	labelPages      = 3  // of one search
	allLabelPages   = 10 // of a project's whole list, read only to suggest a near spelling
	labelCheckLimit = 16 // labels checked at once: the ten of the default config in one round trip
)

// labelCheck is one configured label, or scoped-label prefix, and the project it lives in.
type labelCheck struct {
	project, name string
	prefix        bool // name is a scoped prefix such as "severity::": some label must start with it
}

func (s *Source) labelChecks() []labelCheck {
	l := s.cfg.Labels
	var out []labelCheck
	add := func(project string, prefix bool, names ...string) {
		for _, n := range names {
			if project != "" && strings.TrimSpace(n) != "" {
				out = append(out, labelCheck{project: project, name: n, prefix: prefix})
			}
		}
	}
	add(s.cfg.ProductionProject, false, l.Incident, l.Change, l.BlocksDeployments, l.DataLoss)
	add(s.cfg.ProductionProject, true, l.Severity, l.IncidentStatus, l.ChangeState)
	add(s.cfg.OncallProject, false, l.Oncall, l.ReadyToHandoff)
	add(s.cfg.HandoffProject, false, l.Handoff)
	return out
}

// CheckLabels checks that each configured label exists in its project, and that some label
// starts with each scoped prefix. It returns one warning per missing label, naming the
// closest existing one: "label 'Incident' does not exist in gitlab-com/gl-infra/production;
// did you mean 'incident'?".
func (s *Source) CheckLabels(ctx context.Context) (warnings []string, err error) {
	defer guard.Recover("gitlab", &err)
	checks := s.labelChecks()
	results := make([]string, len(checks))
	all := &projectLabels{s: s, lists: map[string]*labelList{}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(labelCheckLimit)
	for i, c := range checks {
		guard.Go(g, "gitlab", func() (err error) {
			results[i], err = s.checkLabel(gctx, c, all)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, w := range results {
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	return warnings, nil
}

// checkLabel returns the warning for c, or "" when its label exists.
func (s *Source) checkLabel(ctx context.Context, c labelCheck, all *projectLabels) (string, error) {
	found, err := s.searchLabels(ctx, c.project, c.name, labelPages)
	if err != nil {
		return "", err
	}
	if c.prefix {
		return prefixWarning(c, found), nil
	}
	for _, name := range found {
		if name == c.name {
			return "", nil
		}
	}
	near := closestLabel(c.name, found)
	if near == "" {
		names, err := all.get(ctx, c.project)
		if err != nil {
			return "", err
		}
		near = closestLabel(c.name, names)
	}
	w := fmt.Sprintf("label '%s' does not exist in %s", model.CleanLine(c.name), c.project)
	if near != "" {
		w += fmt.Sprintf("; did you mean '%s'?", near)
	}
	return w, nil
}

// prefixWarning is the warning for a scoped prefix no label starts with, or "".
func prefixWarning(c labelCheck, found []string) string {
	near := ""
	for _, name := range found {
		if strings.HasPrefix(name, c.name) {
			return ""
		}
		if near == "" && len(name) >= len(c.name) && strings.EqualFold(name[:len(c.name)], c.name) {
			near = name[:len(c.name)]
		}
	}
	w := fmt.Sprintf("no label starts with '%s' in %s", model.CleanLine(c.name), c.project)
	if near != "" {
		w += fmt.Sprintf("; did you mean '%s'?", near)
	}
	return w
}

// searchLabels lists the names of project's labels matching query, at most pages pages.
func (s *Source) searchLabels(ctx context.Context, project, query string, pages int) ([]string, error) {
	what := "labels"
	page := func(ctx context.Context, n int64) ([]string, *gl.Response, error) {
		opt := &gl.ListLabelsOptions{ListOptions: gl.ListOptions{PerPage: labelsPerPage, Page: n}}
		if query != "" {
			opt.Search = gl.Ptr(query)
		}
		ls, resp, err := s.c.Labels.ListLabels(project, opt, gl.WithContext(ctx))
		if err != nil {
			return nil, nil, describe(what, project, err)
		}
		names := make([]string, 0, len(ls))
		for _, l := range ls {
			if l != nil {
				names = append(names, model.CleanLine(l.Name))
			}
		}
		return names, resp, nil
	}
	names, _, err := allPages(ctx, pages, 1, page)
	if err != nil {
		return nil, describe(what, project, err)
	}
	return names, nil
}

// projectLabels reads each project's whole label list once, when a suggestion needs it.
type projectLabels struct {
	s     *Source
	mu    sync.Mutex
	lists map[string]*labelList
}

type labelList struct {
	once  sync.Once
	names []string
	err   error
}

func (p *projectLabels) get(ctx context.Context, project string) ([]string, error) {
	p.mu.Lock()
	l, ok := p.lists[project]
	if !ok {
		l = &labelList{}
		p.lists[project] = l
	}
	p.mu.Unlock()
	l.once.Do(func() { l.names, l.err = p.s.searchLabels(ctx, project, "", allLabelPages) })
	return l.names, l.err
}

// closestLabel is the existing label most like name: one equal but for case, else the one at
// the smallest edit distance within a bound that grows with the name's length; "" when
// nothing is close.
func closestLabel(name string, existing []string) string {
	for _, e := range existing {
		if strings.EqualFold(e, name) {
			return e
		}
	}
	best, bestDist := "", 1+len([]rune(name))/4
	for _, e := range existing {
		if d := model.EditDistance(strings.ToLower(name), strings.ToLower(e)); d < bestDist || d == bestDist && best == "" {
			best, bestDist = e, d
		}
	}
	return best
}
