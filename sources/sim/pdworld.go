package sim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// PagerDutyOptions shape the simulated PagerDuty account.
type PagerDutyOptions struct {
	// Policies are the escalation policies. nil: DefaultPolicies of the rotation, in which
	// the first region's schedule is paged on levels 1 and 2, a person is paged directly on
	// level 3, and the last region's schedule feeds no policy at all, so GET /oncalls never
	// lists it (as in a real account where a schedule was never wired to a policy).
	Policies []Policy
	// Overrides put someone else on a schedule for a while, on top of its layer. Next to
	// these the default world has one override, in the middle of the first region's next
	// shift (so that it changes neither who is on call now nor at a shift's start).
	Overrides []Override
	// Gaps leave a schedule uncovered for a while: a real hole in the rotation.
	Gaps []ScheduleGap
	// ReadOnly makes every key read-only: writes get 403 Access Denied.
	ReadOnly bool
	// RateLimit is how many requests a token may make a minute before it gets 429; 0 means
	// PagerDuty's 960.
	RateLimit int
}

// Policy is an escalation policy: per level (level 1 first), the schedules it pages, or
// "user:USERNAME" for a person paged directly (a permanent on-call, with no start or end).
type Policy struct {
	ID, Name string
	Levels   [][]string
}

// Override puts Username on Schedule from Start to End.
type Override struct {
	Schedule   string
	Start, End time.Time
	Username   string
}

// ScheduleGap leaves Schedule uncovered from Start to End.
type ScheduleGap struct {
	Schedule   string
	Start, End time.Time
}

// User tokens: PagerDuty's user API keys start with "u+"; in the simulator "u+USERNAME" is
// the user key of that simulated person. Any other non-empty token is an account-level key.
const userTokenPrefix = "u+"

// UserToken is the simulated user API key of the person with that username.
func UserToken(username string) string { return userTokenPrefix + username }

// EOCUserToken is the user API key of whoever the rotation's layer puts on call at the
// simulator's start: the one to act on pages as in the demo.
func (s *Sim) EOCUserToken() string { return UserToken(s.eocAt(s.opts.Now).username) }

// WithRotationGap adds a three-hour hole to the schedule of the region that takes over
// at the next handoff, starting at that handoff: "nobody is scheduled" for the demo.
func WithRotationGap(opts Options) Options {
	h := opts.Rotation.NextHandoff(opts.Now)
	opts.PagerDuty.Gaps = append(opts.PagerDuty.Gaps, ScheduleGap{Schedule: h.To.Schedule, Start: h.At, End: h.At.Add(3 * time.Hour)})
	return opts
}

// imocName is the incident manager paged directly on level 3 of seed 1's default policy
// (imocFor names another seed's).
const imocName = "Robin Park"

// DefaultPolicies is the escalation setup of the default world for the rotation of opts.
func DefaultPolicies(opts Options) []Policy {
	var level1 []string
	rot := opts.Rotation
	for i, r := range rot {
		if i < len(rot)-1 || len(rot) == 1 {
			level1 = appendNew(level1, r.Schedule)
		}
	}
	levels := [][]string{level1}
	if len(rot) > 0 {
		levels = append(levels, []string{rot[0].Schedule})
	}
	levels = append(levels, []string{"user:" + usernameOf(imocFor(opts.Seed))})
	return []Policy{{ID: "PGLCOM1", Name: "GitLab.com Production", Levels: levels}}
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// pdState is the simulated PagerDuty account beyond the rotation's layers.
type pdState struct {
	policies  []Policy
	overrides []override
	gaps      []ScheduleGap
	incidents []*pdIncident
	rate      rateWindows
}

type override struct {
	schedule, id string
	start, end   time.Time
	who          *person
}

// entry is one rendered stretch of a schedule.
type entry struct {
	start, end time.Time
	who        *person
}

// scheduleExists reports whether a region of the rotation is on schedule id.
func (s *Sim) scheduleExists(id string) bool {
	for _, r := range s.opts.Rotation {
		if r.Schedule == id {
			return true
		}
	}
	return false
}

// finalSchedule renders schedule id over [since, until): the layer (the rotation's shifts
// of each region on that schedule), then the overrides on top, minus the gaps, ordered by
// start. Entries overlapping the bounds are whole (overflow); callers cut them if asked.
func (s *Sim) finalSchedule(id string, since, until time.Time) []entry {
	var es []entry
	for _, r := range s.opts.Rotation {
		if r.Schedule != id {
			continue
		}
		for sh := r.NextShiftOf(since.Add(-25 * time.Hour)); sh.Start.Before(until); sh = r.NextShiftOf(sh.Start) {
			if sh.End.After(since) {
				es = append(es, entry{sh.Start, sh.End, s.onCallFor(r, sh.Start)})
			}
		}
	}
	for _, o := range s.pd.overrides {
		if o.schedule == id && o.end.After(since) && o.start.Before(until) {
			es = append(subtract(es, o.start, o.end), entry{o.start, o.end, o.who})
		}
	}
	for _, g := range s.pd.gaps {
		if g.Schedule == id {
			es = subtract(es, g.Start, g.End)
		}
	}
	sort.Slice(es, func(a, b int) bool { return es[a].start.Before(es[b].start) })
	return es
}

// subtract cuts [from, to) out of every entry.
func subtract(es []entry, from, to time.Time) []entry {
	var out []entry
	for _, e := range es {
		if !e.start.Before(to) || !e.end.After(from) {
			out = append(out, e)
			continue
		}
		if e.start.Before(from) {
			out = append(out, entry{e.start, from, e.who})
		}
		if e.end.After(to) {
			out = append(out, entry{to, e.end, e.who})
		}
	}
	return out
}

// clip cuts entries to [since, until], as PagerDuty does unless overflow=true.
func clip(es []entry, since, until time.Time) []entry {
	out := make([]entry, 0, len(es))
	for _, e := range es {
		if e.start.Before(since) {
			e.start = since
		}
		if e.end.After(until) {
			e.end = until
		}
		if e.start.Before(e.end) {
			out = append(out, e)
		}
	}
	return out
}

func (s *Sim) personByUsername(username string) *person {
	for _, p := range s.users {
		if p.username == username {
			return p
		}
	}
	return nil
}

func (s *Sim) personByEmail(email string) *person {
	for _, p := range s.users {
		if strings.EqualFold(p.email(), email) {
			return p
		}
	}
	return nil
}

// generatePagerDuty builds the account: policies, overrides, gaps and the pages (seed 1's
// fixture, or those of the world's incidents).
func (s *Sim) generatePagerDuty(incidents []incidentPlan) {
	o := s.opts.PagerDuty
	s.pd.policies = o.Policies
	if s.pd.policies == nil {
		s.pd.policies = DefaultPolicies(s.opts)
	}
	s.pd.gaps = o.Gaps
	if rot := s.opts.Rotation; len(rot) > 0 {
		// Someone from the same region covers the middle of the first region's next shift.
		next := rot[0].NextShiftOf(s.opts.Now)
		layer := s.onCallFor(rot[0], next.Start)
		people := s.regionPeople(rot[0].Name)
		stand := people[0]
		for _, p := range people {
			if p != layer {
				stand = p
				break
			}
		}
		quarter := next.End.Sub(next.Start) / 4
		s.pd.overrides = append(s.pd.overrides, override{schedule: rot[0].Schedule, start: next.Start.Add(quarter), end: next.Start.Add(2 * quarter), who: stand})
	}
	for _, ov := range o.Overrides {
		if p := s.personByUsername(ov.Username); p != nil {
			s.pd.overrides = append(s.pd.overrides, override{schedule: ov.Schedule, start: ov.Start, end: ov.End, who: p})
		}
	}
	for i := range s.pd.overrides {
		s.pd.overrides[i].id = fmt.Sprintf("PO%05X", s.hash("override", i)%0xFFFFF)
	}
	if s.opts.Seed == 1 {
		s.writePages(s.fixturePages())
	} else {
		s.writePages(s.drawPages(incidents))
	}
}
