package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

const (
	maxAlerts = pageLimit // the detail lists the first page of alerts and says when there are more
	maxNotes  = 100       // the newest notes of a page
)

// errNoUser: an account-level key has no user of its own, and no From is configured.
var errNoUser = errors.New("no PagerDuty user to act as")

// Me is the PagerDuty user oncall acts as: the one whose email is configured as From
// (SetFrom), else the user API key's own user (GET /users/me). PagerDuty answers /users/me
// only for user keys; with an account-level key and no From the error says what to set.
// Someone else's email is never guessed.
func (s *Source) Me(ctx context.Context) (me model.Person, err error) {
	defer guard.Recover("pagerduty", &err)
	s.mu.Lock()
	from, known := s.from, s.me
	s.mu.Unlock()
	if known != nil {
		return *known, nil
	}
	if from != "" {
		me, err = s.userByEmail(ctx, from)
	} else {
		me, err = s.currentUser(ctx)
	}
	if err != nil {
		return model.Person{}, err
	}
	s.mu.Lock()
	if s.from == from {
		s.me = &me
	}
	s.mu.Unlock()
	return me, nil
}

func (s *Source) currentUser(ctx context.Context) (model.Person, error) {
	var doc struct {
		User pd.User `json:"user"`
	}
	err := s.get(ctx, "/users/me", nil, &doc)
	var ae pd.APIError
	if errors.As(err, &ae) && ae.StatusCode == 400 {
		return model.Person{}, &model.PermanentError{
			Err:  &shortError{"the PagerDuty key is an account-level key: " + errNoUser.Error(), err},
			Hint: "set pagerduty.from to your PagerDuty login email (or use a user API key) to acknowledge and resolve pages",
		}
	}
	if err != nil {
		return model.Person{}, fmt.Errorf("who the PagerDuty token is: %w", describe(err, call{}))
	}
	me := fullUser(doc.User)
	if me.Email == "" {
		return model.Person{}, fmt.Errorf("who the PagerDuty token is: /users/me has no email")
	}
	return me, nil
}

// userByEmail finds the configured From user, for its id ("assigned to me"). A From that
// no search finds is still used as is: writes only need the email, and PagerDuty says
// itself if it is nobody's.
func (s *Source) userByEmail(ctx context.Context, email string) (model.Person, error) {
	resp, err := s.c.ListUsersWithContext(ctx, pd.ListUsersOptions{Query: email, Limit: 25})
	if err != nil {
		return model.Person{}, fmt.Errorf("the PagerDuty user %s: %w", model.CleanLine(email), describe(err, call{}))
	}
	for _, u := range resp.Users {
		if strings.EqualFold(u.Email, email) {
			return fullUser(u), nil
		}
	}
	return model.Person{Email: model.CleanLine(email)}, nil
}

// fromEmail is the email writes are sent with: From, else the user key's own.
func (s *Source) fromEmail(ctx context.Context) (string, error) {
	s.mu.Lock()
	from := s.from
	s.mu.Unlock()
	if from != "" {
		return from, nil
	}
	me, err := s.Me(ctx)
	return me.Email, err
}

// SetStatus acknowledges or resolves page id as Me, and returns the page as PagerDuty then
// shows it. A page already in that state is left alone (no error). A resolved page is not
// acknowledged: PagerDuty would reopen it ("setting the status to acknowledged will reopen
// it", its reference for Update an incident), which a late key press must not do.
func (s *Source) SetStatus(ctx context.Context, id, status string) (p model.Page, err error) {
	defer guard.Recover("pagerduty", &err)
	verb := map[string]string{model.PageAcknowledged: "acknowledge", model.PageResolved: "resolve"}[status]
	if verb == "" || !validID.MatchString(id) {
		return model.Page{}, fmt.Errorf("cannot set page %q to %q", model.CleanLine(id), model.CleanLine(status))
	}
	from, err := s.fromEmail(ctx)
	if err != nil {
		return model.Page{}, fmt.Errorf("%s the page: %w", verb, err)
	}
	what := call{write: true, what: "page " + id, from: from}
	cur, err := s.incident(ctx, id)
	if err != nil {
		return model.Page{}, fmt.Errorf("%s the page: %w", verb, describe(err, call{what: what.what}))
	}
	p = page(cur)
	switch {
	case cur.Status == status:
		return p, nil
	case cur.Status == model.PageResolved:
		return p, &model.PermanentError{Err: fmt.Errorf("page #%d is already resolved", cur.IncidentNumber), Hint: "acknowledging it would reopen it; nothing was changed"}
	}
	resp, err := s.c.ManageIncidentsWithContext(ctx, from, []pd.ManageIncidentsOptions{{ID: id, Status: status}})
	if alreadyResolved(err) && status == model.PageResolved {
		p.Status = model.PageResolved // resolved meanwhile, by someone else: harmless
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("%s page #%d: %w", verb, cur.IncidentNumber, describe(err, what))
	}
	for _, in := range resp.Incidents {
		if in.ID == id {
			return page(in), nil
		}
	}
	p.Status = status
	return p, nil
}

// alreadyResolved: PagerDuty's error code 1001, Incident Already Resolved.
func alreadyResolved(err error) bool {
	var ae pd.APIError
	return errors.As(err, &ae) && ae.APIError.Valid && ae.APIError.ErrorObject.Code == 1001
}

// PageDetail reads a page with its alerts (the first maxAlerts) and its notes.
func (s *Source) PageDetail(ctx context.Context, id string) (d model.PageDetail, err error) {
	defer guard.Recover("pagerduty", &err)
	if !validID.MatchString(id) {
		return d, fmt.Errorf("%q is not a PagerDuty incident id", model.CleanLine(id))
	}
	what := call{what: "page " + id}
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "pagerduty", func() error {
		in, err := s.incident(gctx, id)
		if err != nil {
			return fmt.Errorf("page %s: %w", id, describe(err, what))
		}
		d.Page = page(in)
		return nil
	})
	guard.Go(g, "pagerduty", func() error {
		resp, err := s.c.ListIncidentAlertsWithContext(gctx, id, pd.ListIncidentAlertsOptions{Limit: maxAlerts})
		if err != nil {
			return fmt.Errorf("alerts of page %s: %w", id, describe(err, what))
		}
		d.Alerts, d.MoreAlerts = alerts(resp.Alerts), resp.More || len(resp.Alerts) > maxAlerts
		return nil
	})
	guard.Go(g, "pagerduty", func() error {
		var doc struct {
			Notes []pd.IncidentNote `json:"notes"`
		}
		if err := s.get(gctx, "/incidents/"+id+"/notes", nil, &doc); err != nil {
			return fmt.Errorf("notes of page %s: %w", id, describe(err, what))
		}
		d.Notes = notes(doc.Notes)
		return nil
	})
	if err := g.Wait(); err != nil {
		return model.PageDetail{}, err
	}
	return d, nil
}

func alerts(in []pd.IncidentAlert) []model.PageAlert {
	out := make([]model.PageAlert, 0, min(len(in), maxAlerts))
	for _, a := range in[:min(len(in), maxAlerts)] {
		created, _ := time.Parse(time.RFC3339, a.CreatedAt)
		out = append(out, model.PageAlert{Summary: model.CleanLine(a.Summary), Status: model.CleanLine(a.Status),
			Severity: model.CleanLine(a.Severity), CreatedAt: created.UTC(), URL: model.CleanLine(a.HTMLURL)})
	}
	return out
}

// notes are the newest maxNotes notes, newest first.
func notes(in []pd.IncidentNote) []model.Note {
	out := make([]model.Note, 0, len(in))
	for _, n := range in {
		created, _ := time.Parse(time.RFC3339, n.CreatedAt)
		out = append(out, model.Note{Author: user(n.User), Body: model.CleanText(n.Content), CreatedAt: created.UTC()})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].CreatedAt.After(out[b].CreatedAt) })
	return out[:min(len(out), maxNotes)]
}
