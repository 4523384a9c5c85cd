// Package pagerduty reads who is on call for each region of the rotation and how many
// pages are open, through the PagerDuty REST v2 client.
package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
	"github.com/oncall-sre/oncall/sources/internal/neterr"
)

// pageLimit is the page size of every list call. It must not be zero: the client omits a
// zero limit, the server then uses 25, and offset += 0 would loop for ever.
const pageLimit = 100

// Source reads PagerDuty. Its methods are safe for concurrent use.
type Source struct {
	c *pd.Client
}

// New builds a source for the API at baseURL (e.g. https://api.pagerduty.com).
func New(baseURL, token string, hc *http.Client) *Source {
	c := pd.NewClient(token, pd.WithAPIEndpoint(strings.TrimRight(baseURL, "/")))
	if hc != nil {
		c.HTTPClient = hc
	}
	return &Source{c: c}
}

// OnCall returns, for each region, who is on call now and who takes the region's next shift.
func (s *Source) OnCall(ctx context.Context, rot model.Rotation, now time.Time) (out []model.OnCall, err error) {
	defer guard.Recover("pagerduty", &err)
	out = make([]model.OnCall, len(rot))
	g, gctx := errgroup.WithContext(ctx)
	for i, r := range rot {
		guard.Go(g, "pagerduty", func() error {
			next := r.NextShiftOf(now)
			entries, err := s.onCalls(gctx, r.Schedule, now, next.Start.Add(time.Minute))
			if err != nil {
				return fmt.Errorf("on-call for %s (%s): %w", r.Name, r.Schedule, err)
			}
			out[i] = model.OnCall{Region: r.Name, NextStart: next.Start, Now: covering(entries, now), Next: covering(entries, next.Start)}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

type period struct {
	who        model.Person
	start, end time.Time // zero: open-ended (a permanent on-call)
	level      uint
}

// covering picks the first-level responder whose period contains t.
func covering(ps []period, t time.Time) *model.Person {
	var best *period
	for i, p := range ps {
		if (!p.start.IsZero() && t.Before(p.start)) || (!p.end.IsZero() && !t.Before(p.end)) {
			continue
		}
		if best == nil || p.level < best.level {
			best = &ps[i]
		}
	}
	if best == nil {
		return nil
	}
	who := best.who
	return &who
}

// onCalls lists the on-call periods of one schedule overlapping [since, until], all pages.
func (s *Source) onCalls(ctx context.Context, schedule string, since, until time.Time) ([]period, error) {
	var out []period
	opt := pd.ListOnCallOptions{
		ScheduleIDs: []string{schedule},
		Since:       since.UTC().Format(time.RFC3339),
		Until:       until.UTC().Format(time.RFC3339),
		Includes:    []string{"users"},
		Limit:       pageLimit,
	}
	for {
		resp, err := s.c.ListOnCallsWithContext(ctx, opt)
		if err != nil {
			return nil, describe(err)
		}
		for _, oc := range resp.OnCalls {
			p := period{who: user(oc.User), level: oc.EscalationLevel}
			if p.start, err = parseTime(oc.Start); err != nil {
				return nil, err
			}
			if p.end, err = parseTime(oc.End); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		if !resp.More || len(resp.OnCalls) == 0 {
			return out, nil
		}
		opt.Offset += pageLimit
	}
}

// Pages counts open PagerDuty incidents by status.
func (s *Source) Pages(ctx context.Context) (out model.Pages, err error) {
	defer guard.Recover("pagerduty", &err)
	opt := pd.ListIncidentsOptions{Statuses: []string{"triggered", "acknowledged"}, Limit: pageLimit}
	for {
		resp, err := s.c.ListIncidentsWithContext(ctx, opt)
		if err != nil {
			return model.Pages{}, fmt.Errorf("open incidents: %w", describe(err))
		}
		for _, in := range resp.Incidents {
			switch in.Status {
			case "triggered":
				out.Triggered++
			case "acknowledged":
				out.Acknowledged++
			default:
				continue
			}
			created, _ := time.Parse(time.RFC3339, in.CreatedAt)
			out.Open = append(out.Open, model.Page{
				Title: model.CleanLine(in.Title), Status: in.Status, Service: model.CleanLine(in.Service.Summary),
				URL: model.CleanLine(in.HTMLURL), CreatedAt: created.UTC(),
			})
		}
		if !resp.More || len(resp.Incidents) == 0 {
			return out, nil
		}
		opt.Offset += pageLimit
	}
}

func user(u pd.User) model.Person {
	name := u.Name
	if name == "" {
		name = u.Summary // a user_reference carries the name as its summary
	}
	return model.Person{Name: model.CleanLine(name), Email: model.CleanLine(u.Email)}
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("malformed on-call time %q", model.CleanLine(s))
	}
	return t.UTC(), nil
}

func describe(err error) error {
	var ae pd.APIError
	switch {
	case errors.As(err, &ae):
		if ae.RateLimited() {
			return fmt.Errorf("%d rate limited", ae.StatusCode)
		}
		msg := http.StatusText(ae.StatusCode)
		if ae.APIError.Valid && ae.APIError.ErrorObject.Message != "" {
			msg = model.CleanLine(ae.APIError.ErrorObject.Message)
		}
		return fmt.Errorf("%d %s", ae.StatusCode, msg)
	}
	if r := neterr.Reason(err); r != "" {
		return errors.New(r)
	}
	return errors.New(model.CleanLine(err.Error()))
}
