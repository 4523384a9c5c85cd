package pagerduty

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// OnCall returns, for each region, who is on call now and who takes the region's next
// shift, and the gaps of its schedule until the end of that shift.
//
// It always reads the regions' schedules themselves (GET /schedules/{id}?since=&until=,
// final_schedule), never GET /oncalls: on-calls are computed from escalation policies, so
// /oncalls leaves out a schedule no policy uses (the region would show "unknown" with no
// error) and lists a schedule once per policy and level that uses it, whereas the
// schedule's final layer, overrides included, is the source of truth for who is on the
// rotation, and the only one that tells a real gap (nobody scheduled) from a schedule
// nobody pages. Falling back to the schedule only when /oncalls is empty would cost a
// request more and still show a schedule's level-2 use as its on-call. The final
// schedule's users are references without email; the emails (to find GitLab usernames)
// come from GET /schedules/{id}/users over the same window.
func (s *Source) OnCall(ctx context.Context, rot model.Rotation, now time.Time) (out []model.OnCall, err error) {
	defer guard.Recover("pagerduty", &err)
	// One read per schedule, over the longest window its regions need.
	until := map[string]time.Time{}
	regions := map[string][]string{}
	for _, r := range rot {
		if end := r.NextShiftOf(now).End; end.After(until[r.Schedule]) {
			until[r.Schedule] = end
		}
		regions[r.Schedule] = append(regions[r.Schedule], r.Name)
	}
	ids := make([]string, 0, len(until))
	for id := range until {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	read := make([][]period, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	for i, id := range ids {
		guard.Go(g, "pagerduty", func() error {
			ps, err := s.schedule(gctx, id, now, until[id])
			if err != nil {
				return fmt.Errorf("on-call for %s (%s): %w", strings.Join(regions[id], ", "), id, err)
			}
			read[i] = ps
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	byID := make(map[string][]period, len(ids))
	for i, id := range ids {
		byID[id] = read[i]
	}
	out = make([]model.OnCall, len(rot))
	for i, r := range rot {
		out[i] = coverage(r, byID[r.Schedule], now)
	}
	return out, nil
}

// period is one entry of a schedule's final layer.
type period struct {
	who        model.Person
	start, end time.Time
}

// schedule reads schedule id's final layer over [since, until], with its users' emails.
func (s *Source) schedule(ctx context.Context, id string, since, until time.Time) ([]period, error) {
	what := call{what: "schedule " + id}
	if !validID.MatchString(id) {
		return nil, &model.PermanentError{Err: fmt.Errorf("%q is not a PagerDuty schedule id", model.CleanLine(id)),
			Hint: "a schedule id is letters and digits, e.g. PEMEA01: check the rotation's schedule ids"}
	}
	window := url.Values{"time_zone": {"UTC"}, "since": {since.UTC().Format(time.RFC3339)}, "until": {until.UTC().Format(time.RFC3339)}}
	var sched struct {
		Schedule struct {
			// go-pagerduty v1.8.0 reads overrides from "override_subschedule" (the API says
			// overrides_subschedule); final_schedule has them applied anyway.
			Final struct {
				Entries []pd.RenderedScheduleEntry `json:"rendered_schedule_entries"`
			} `json:"final_schedule"`
		} `json:"schedule"`
	}
	var users struct {
		Users []pd.User `json:"users"`
	}
	userWindow := url.Values{"since": window["since"], "until": window["until"]}
	// The schedule and its users are read at once: one round trip, not two.
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "pagerduty", func() error { return s.get(gctx, "/schedules/"+id, window, &sched) })
	guard.Go(g, "pagerduty", func() error { return s.get(gctx, "/schedules/"+id+"/users", userWindow, &users) })
	if err := g.Wait(); err != nil {
		return nil, describe(err, what)
	}
	emails := make(map[string]string, len(users.Users))
	for _, u := range users.Users {
		emails[u.ID] = model.CleanLine(u.Email)
	}
	entries := sched.Schedule.Final.Entries
	out := make([]period, 0, len(entries))
	for _, e := range entries {
		var err error
		p := period{who: user(e.User)}
		p.who.Email = emails[e.User.ID]
		if p.start, err = parseTime(e.Start); err == nil {
			p.end, err = parseTime(e.End)
		}
		if err != nil || p.start.IsZero() || !p.start.Before(p.end) {
			return nil, fmt.Errorf("malformed entry of schedule %s (%s to %s)", id, quote(e.Start), quote(e.End))
		}
		out = append(out, p)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].start.Before(out[b].start) })
	return out, nil
}

// coverage says who covers region r now and at its next shift's start, and which parts of
// its shifts from now to the end of the next one nobody covers.
func coverage(r model.Region, ps []period, now time.Time) model.OnCall {
	next := r.NextShiftOf(now)
	oc := model.OnCall{Region: r.Name, Schedule: r.Schedule, NextStart: next.Start, NowCoverage: model.CoverageOffShift}
	if r.OnShift(now) {
		oc.Now, oc.NowCoverage = covering(ps, now)
		oc.Gaps = uncovered(ps, now, next.Start.Add(-24*time.Hour).Add(r.Length()))
	}
	oc.Next, oc.NextCoverage = covering(ps, next.Start)
	oc.Gaps = merge(oc.Gaps, uncovered(ps, next.Start, next.End))
	return oc
}

// covering is who the schedule has on call at t, or a gap.
func covering(ps []period, t time.Time) (*model.Person, model.Coverage) {
	for _, p := range ps {
		if !t.Before(p.start) && t.Before(p.end) {
			who := p.who
			return &who, model.CoverageOnCall
		}
	}
	return nil, model.CoverageGap
}

// uncovered lists the parts of [from, to) no period covers; ps is sorted by start.
func uncovered(ps []period, from, to time.Time) []model.Gap {
	var gaps []model.Gap
	cursor := from
	for _, p := range ps {
		if !p.end.After(cursor) || !p.start.Before(to) {
			continue
		}
		if p.start.After(cursor) {
			gaps = append(gaps, model.Gap{Start: cursor, End: p.start})
		}
		cursor = p.end
	}
	if cursor.Before(to) {
		gaps = append(gaps, model.Gap{Start: cursor, End: to})
	}
	return gaps
}

// merge appends b to a, joining a gap that ends where the next begins.
func merge(a, b []model.Gap) []model.Gap {
	for _, g := range b {
		if n := len(a); n > 0 && a[n-1].End.Equal(g.Start) {
			a[n-1].End = g.End
			continue
		}
		a = append(a, g)
	}
	return a
}
