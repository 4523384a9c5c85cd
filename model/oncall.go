package model

import (
	"fmt"
	"time"
)

// Coverage is what is known about who holds a region's pager at one instant.
type Coverage string

const (
	// CoverageUnknown: PagerDuty did not answer (or has not been asked yet).
	CoverageUnknown Coverage = "unknown"
	// CoverageOnCall: the schedule names someone; the Person is set.
	CoverageOnCall Coverage = "on-call"
	// CoverageGap: the schedule answered and nobody covers the instant, a hole in the
	// rotation (pages would go unanswered).
	CoverageGap Coverage = "gap"
	// CoverageOffShift: the region is not on shift then (Now only).
	CoverageOffShift Coverage = "off-shift"
)

// Gap is a stretch of a region's shift that its schedule leaves uncovered.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// OnShift reports whether the region's shift is in progress at t.
func (r Region) OnShift(t time.Time) bool { return r.shiftAround(t.UTC()).Contains(t.UTC()) }

// OnCallFor is what list (a snapshot's OnCall) says about region r at now, made safe to
// print: a region PagerDuty has not told about, or whose entry was computed for an earlier
// shift, is Unknown yet still has its NextStart (from the configured hours, so nothing has
// to print a zero time); the region's on-shift state follows the configured hours, and a
// gap in progress at now shows as a gap.
func OnCallFor(list []OnCall, r Region, now time.Time) OnCall {
	next := r.NextShiftOf(now)
	for _, oc := range list {
		if oc.Region == r.Name && oc.NextStart.Equal(next.Start) {
			return oc.at(r, now)
		}
	}
	out := OnCall{Region: r.Name, Schedule: r.Schedule, NextStart: next.Start, NowCoverage: CoverageUnknown, NextCoverage: CoverageUnknown}
	if !r.OnShift(now) {
		out.NowCoverage = CoverageOffShift
	}
	return out
}

// at brings an entry computed earlier in the same stretch (same NextStart) up to now.
func (oc OnCall) at(r Region, now time.Time) OnCall {
	if oc.Schedule == "" {
		oc.Schedule = r.Schedule
	}
	if oc.NextCoverage == "" { // cached before coverage was recorded
		oc.NextCoverage = CoverageGap
		if oc.Next != nil {
			oc.NextCoverage = CoverageOnCall
		}
	}
	var gaps []Gap
	inGap := false
	for _, g := range oc.Gaps {
		if g.End.After(now) {
			gaps = append(gaps, g)
			inGap = inGap || !now.Before(g.Start)
		}
	}
	oc.Gaps = gaps
	switch {
	case !r.OnShift(now):
		oc.Now, oc.NowCoverage = nil, CoverageOffShift
	case inGap:
		oc.Now, oc.NowCoverage = nil, CoverageGap
	case oc.Now != nil:
		oc.NowCoverage = CoverageOnCall
	case oc.NowCoverage == "" || oc.NowCoverage == CoverageOffShift:
		oc.NowCoverage = CoverageGap // on shift and nobody named
	}
	return oc
}

// Warning says in one line what is wrong with the region's coverage from now on (a gap
// now, at the next shift, or later in the shifts ahead), or "" when every minute the
// schedule was asked about is covered. Unknown coverage is no warning: the source's
// health already says PagerDuty is failing.
func (oc OnCall) Warning(now time.Time) string {
	for _, g := range oc.Gaps {
		if !g.End.After(now) {
			continue
		}
		if !now.Before(g.Start) {
			return fmt.Sprintf("nobody is on call for %s now (a gap in its PagerDuty schedule until %s UTC)", oc.Region, clockOrDay(now, g.End))
		}
		return fmt.Sprintf("nobody is scheduled for %s from %s to %s UTC (a gap in its PagerDuty schedule)", oc.Region, clockOrDay(now, g.Start), clockOrDay(now, g.End))
	}
	if oc.NowCoverage == CoverageGap {
		return fmt.Sprintf("nobody is on call for %s now (a gap in its PagerDuty schedule)", oc.Region)
	}
	if oc.NextCoverage == CoverageGap {
		return fmt.Sprintf("nobody is scheduled for %s's next shift at %s UTC", oc.Region, clockOrDay(now, oc.NextStart))
	}
	return ""
}

// clockOrDay is "15:04" for an instant on now's UTC day, else "Mon 15:04".
func clockOrDay(now, t time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}
