package model

import (
	"sort"
	"time"
)

// An incident's status moves with its labels: Active, then Mitigated or Resolved, and
// sometimes back (an incident Resolved, then Active again). What counts is the transitions
// that stand: it is mitigated at the last move into Mitigated/Resolved after which it never
// returned to Active, and it hurts users (burns error budget) during every Active period.
// A return to Active is an "add Incident::Active", or a "remove" of the Mitigated/Resolved
// label with no other status label added. Events whose label was deleted (GitLab sends
// "label": null) carry no name and say nothing.

// Transition is one change of an incident's status.
type Transition struct {
	At time.Time      `json:"at"`
	To IncidentStatus `json:"to"`
}

// Timeline is the incident's status from its creation on: the first transition is to Active
// at creation, each next one a change. Events are read in time order; those at one instant
// (GitLab swaps scoped labels in one go) count together.
func (l Labels) Timeline(h IncidentHistory) []Transition {
	events := append([]LabelEvent(nil), h.Events...)
	sort.SliceStable(events, func(a, b int) bool { return events[a].At.Before(events[b].At) })
	out := []Transition{{At: h.CreatedAt, To: StatusActive}}
	has := map[IncidentStatus]bool{}
	for i := 0; i < len(events); {
		j := i
		var added, removed []IncidentStatus
		for ; j < len(events) && events[j].At.Equal(events[i].At); j++ {
			st := l.statusOf(events[j].Label)
			if st == StatusUnknown {
				continue
			}
			switch events[j].Action {
			case "add":
				has[st] = true
				added = append(added, st)
			case "remove":
				delete(has, st)
				removed = append(removed, st)
			}
		}
		cur := out[len(out)-1].To
		if next := nextStatus(cur, added, removed, has); next != cur {
			at := events[i].At
			if at.Before(h.CreatedAt) {
				at = h.CreatedAt
			}
			out = append(out, Transition{At: at, To: next})
		}
		i = j
	}
	return out
}

// statusOf is the status a label names, StatusUnknown for any other label.
func (l Labels) statusOf(label string) IncidentStatus {
	if label == "" || l.IncidentStatus == "" {
		return StatusUnknown
	}
	return l.ParseIncidentLabels([]string{label}).Status
}

// nextStatus applies one instant's label changes: an added status label wins (Active first:
// an explicit re-activation); otherwise a removal leaves the strongest status label left,
// and removing Mitigated/Resolved with none left means Active again.
func nextStatus(cur IncidentStatus, added, removed []IncidentStatus, has map[IncidentStatus]bool) IncidentStatus {
	for _, st := range []IncidentStatus{StatusActive, StatusResolved, StatusMitigated} {
		if containsStatus(added, st) {
			return st
		}
	}
	if len(removed) == 0 {
		return cur
	}
	for _, st := range []IncidentStatus{StatusResolved, StatusMitigated, StatusActive} {
		if has[st] {
			return st
		}
	}
	if containsStatus(removed, StatusMitigated) || containsStatus(removed, StatusResolved) {
		return StatusActive
	}
	return cur
}

func containsStatus(list []IncidentStatus, st IncidentStatus) bool {
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}

// settledAt is when the incident last entered one of the end states and stayed there;
// zero when it is not in one now. A closed issue that its labels do not settle ends at its
// close (GitLab clears closed_at on reopening, so a reopened issue has none).
func (l Labels) settledAt(h IncidentHistory, end func(IncidentStatus) bool) time.Time {
	tl := l.Timeline(h)
	if !end(tl[len(tl)-1].To) {
		if h.State == "closed" {
			return h.ClosedAt
		}
		return time.Time{}
	}
	at := tl[len(tl)-1].At
	for i := len(tl) - 1; i > 0 && end(tl[i-1].To); i-- {
		at = tl[i-1].At
	}
	return at
}

func mitigatedOrResolved(s IncidentStatus) bool { return s == StatusMitigated || s == StatusResolved }
func resolved(s IncidentStatus) bool            { return s == StatusResolved }

// MitigatedAt is when the incident stopped hurting users for good: the last move into
// Mitigated or Resolved after which it never returned to Active, else its close. Zero: not
// yet (or, for an open issue with no events, not known to be).
func (l Labels) MitigatedAt(h IncidentHistory) time.Time {
	return l.settledAt(h, mitigatedOrResolved)
}

// ResolvedAt is when the incident was resolved for good: the last move into Resolved after
// which it never left it, else its close.
func (l Labels) ResolvedAt(h IncidentHistory) time.Time {
	return l.settledAt(h, resolved)
}

// StillActive reports whether the incident is active now: open, and Active by the
// transitions that stand (by its status label when it has no status events). It states
// what the timeline means; the handoff reads the status label, which is where the
// transitions end.
func (l Labels) StillActive(h IncidentHistory) bool {
	if h.State == "closed" {
		return false
	}
	tl := l.Timeline(h)
	if len(tl) == 1 && !l.hasStatusEvents(h) {
		return h.Status == StatusActive || h.Status == StatusUnknown
	}
	return tl[len(tl)-1].To == StatusActive
}

func (l Labels) hasStatusEvents(h IncidentHistory) bool {
	for _, e := range h.Events {
		if l.statusOf(e.Label) != StatusUnknown {
			return true
		}
	}
	return false
}

// ImpactPeriods are the spans during which the incident hurt users: each stretch that is
// not Mitigated/Resolved (not Resolved, with untilResolved), up to now for the one still
// going, or to its close.
func (l Labels) ImpactPeriods(h IncidentHistory, untilResolved bool, now time.Time) []Window {
	end := mitigatedOrResolved
	if untilResolved {
		end = resolved
	}
	tl := l.Timeline(h)
	var out []Window
	for i, t := range tl {
		if end(t.To) || (i > 0 && !end(tl[i-1].To)) {
			continue // not the start of a stretch of impact
		}
		stop := now
		for _, u := range tl[i+1:] {
			if end(u.To) {
				stop = u.At
				break
			}
		}
		if h.State == "closed" && !h.ClosedAt.IsZero() && h.ClosedAt.Before(stop) {
			stop = h.ClosedAt
		}
		if stop.After(t.At) {
			out = append(out, Window{From: t.At, To: stop})
		}
	}
	return out
}
