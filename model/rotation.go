package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// minutesPerDay is the length of the rotation cycle: regions repeat daily in UTC.
const minutesPerDay = 24 * 60

// ClockTime is a time of day in UTC, in minutes after midnight (0..1439).
type ClockTime int

// ParseClock reads "HH:MM" (24-hour, UTC). "24:00" is accepted as midnight.
func ParseClock(s string) (ClockTime, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day: want HH:MM in UTC, e.g. \"04:00\"", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day: want HH:MM between 00:00 and 23:59 UTC", s)
	}
	return ClockTime((hh*60 + mm) % minutesPerDay), nil
}

func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Region is one follow-the-sun region: who answers pages between Start and End (UTC).
// End may be earlier than Start: the shift wraps midnight (AMER 16:00-04:00).
type Region struct {
	Name     string
	Start    ClockTime
	End      ClockTime
	Schedule string // PagerDuty schedule id
}

// Length is the shift length. A single region may span the whole day (Start == End).
func (r Region) Length() time.Duration {
	m := (int(r.End) - int(r.Start) + minutesPerDay) % minutesPerDay
	if m == 0 {
		m = minutesPerDay
	}
	return time.Duration(m) * time.Minute
}

// Rotation is the ordered set of regions that together cover every minute of the day once.
type Rotation []Region

// RotationError says which region (by index in the configured list) is wrong and why.
type RotationError struct {
	Index int    // index of the region in the configured list, -1 for the whole rotation
	Field string // "region", "start", "end", "schedule" or "" for the whole entry
	Msg   string
}

func (e *RotationError) Error() string {
	if e.Index < 0 {
		return e.Msg
	}
	if e.Field == "" {
		return fmt.Sprintf("rotation[%d]: %s", e.Index, e.Msg)
	}
	return fmt.Sprintf("rotation[%d].%s: %s", e.Index, e.Field, e.Msg)
}

// Validate checks that the regions are named, distinct, and cover 24 h without gap or overlap.
func (rot Rotation) Validate() error {
	if len(rot) == 0 {
		return &RotationError{Index: -1, Msg: "rotation: no regions; list at least one {region, start, end, schedule}"}
	}
	seen := map[string]int{}
	for i, r := range rot {
		if strings.TrimSpace(r.Name) == "" {
			return &RotationError{Index: i, Field: "region", Msg: "missing region name"}
		}
		if j, dup := seen[strings.ToLower(r.Name)]; dup {
			return &RotationError{Index: i, Field: "region", Msg: fmt.Sprintf("%q is listed twice (also rotation[%d])", r.Name, j)}
		}
		seen[strings.ToLower(r.Name)] = i
		if strings.TrimSpace(r.Schedule) == "" {
			return &RotationError{Index: i, Field: "schedule", Msg: fmt.Sprintf("region %s has no PagerDuty schedule id", r.Name)}
		}
		if len(rot) > 1 && r.Start == r.End {
			return &RotationError{Index: i, Field: "end", Msg: fmt.Sprintf("region %s starts and ends at %s: with more than one region a shift cannot span 24 h", r.Name, r.Start)}
		}
	}
	order := rot.byStart()
	var total time.Duration
	for k, i := range order {
		r := rot[i]
		total += r.Length()
		next := rot[order[(k+1)%len(order)]]
		if len(rot) == 1 {
			break
		}
		switch {
		case r.Start == next.Start:
			return &RotationError{Index: i, Field: "start", Msg: fmt.Sprintf("regions %s and %s both start at %s (overlap)", r.Name, next.Name, r.Start)}
		case r.End != next.Start && inShift(next.Start, r):
			return &RotationError{Index: i, Field: "end", Msg: fmt.Sprintf("region %s ends at %s, after %s starts at %s (overlap)", r.Name, r.End, next.Name, next.Start)}
		case r.End != next.Start:
			return &RotationError{Index: i, Field: "end", Msg: fmt.Sprintf("gap: region %s ends at %s but the next region, %s, starts at %s", r.Name, r.End, next.Name, next.Start)}
		}
	}
	if total != 24*time.Hour {
		kind := "a gap"
		if total > 24*time.Hour {
			kind = "an overlap"
		}
		return &RotationError{Index: -1, Msg: fmt.Sprintf("rotation: shifts add up to %s, not 24h: %s", fmtHours(total), kind)}
	}
	return nil
}

func fmtHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// inShift reports whether clock time c falls inside r's shift [Start, End).
func inShift(c ClockTime, r Region) bool {
	off := (int(c) - int(r.Start) + minutesPerDay) % minutesPerDay
	return time.Duration(off)*time.Minute < r.Length()
}

// byStart returns region indexes ordered by start time.
func (rot Rotation) byStart() []int {
	idx := make([]int, len(rot))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rot[idx[a]].Start < rot[idx[b]].Start })
	return idx
}

// Shift is one concrete occurrence of a region's shift.
type Shift struct {
	Region Region
	Start  time.Time // UTC
	End    time.Time // UTC; the instant of handoff
}

// Contains reports whether t is inside [Start, End).
func (s Shift) Contains(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// ShiftAt returns the shift in progress at t. The rotation must be valid.
func (rot Rotation) ShiftAt(t time.Time) Shift {
	t = t.UTC()
	for _, r := range rot {
		s := r.shiftAround(t)
		if s.Contains(t) {
			return s
		}
	}
	// Unreachable for a valid rotation; return a degenerate shift rather than panic.
	return Shift{Region: rot[0], Start: t, End: t}
}

// NextShift returns the shift that starts when s ends.
func (rot Rotation) NextShift(s Shift) Shift { return rot.ShiftAt(s.End) }

// NextShiftOf returns the first shift of region r that starts strictly after t.
func (r Region) NextShiftOf(t time.Time) Shift {
	s := r.shiftAround(t.UTC())
	for !s.Start.After(t) {
		s = Shift{Region: r, Start: s.Start.Add(24 * time.Hour), End: s.End.Add(24 * time.Hour)}
	}
	return s
}

// shiftAround returns r's shift that starts on t's UTC day or, if t is before that
// start, the one that started the day before (the one that may wrap into t's day).
func (r Region) shiftAround(t time.Time) Shift {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	start := day.Add(time.Duration(r.Start) * time.Minute)
	if start.After(t) {
		start = start.Add(-24 * time.Hour)
	}
	return Shift{Region: r, Start: start, End: start.Add(r.Length())}
}

// Handoff describes the next rotation boundary after t.
type Handoff struct {
	At   time.Time
	From Region
	To   Region
}

// NextHandoff returns the next instant the pager changes region, and between whom.
func (rot Rotation) NextHandoff(t time.Time) Handoff {
	cur := rot.ShiftAt(t)
	return Handoff{At: cur.End, From: cur.Region, To: rot.NextShift(cur).Region}
}
