package model

import (
	"math"
	"sort"
	"time"
)

// LabelEvent is one entry of GitLab's resource label events: a label added or removed.
type LabelEvent struct {
	Label  string    `json:"label"`
	Action string    `json:"action"` // add, remove
	At     time.Time `json:"at"`
}

// IncidentHistory is an incident with its label events (oldest first).
type IncidentHistory struct {
	Incident
	Events []LabelEvent `json:"events"`
}

// Window is a half-open span of time [From, To).
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t is in the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && t.Before(w.To) }

// overlap is how much of [a, b) lies inside w.
func (w Window) overlap(a, b time.Time) time.Duration {
	if a.Before(w.From) {
		a = w.From
	}
	if b.After(w.To) {
		b = w.To
	}
	return max(0, b.Sub(a))
}

// Durations summarises a set of durations.
type Durations struct {
	Count  int           `json:"count"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
}

// summarise returns the median and the 90th percentile (nearest rank) of ds.
func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	rank := func(p float64) time.Duration { return s[int(math.Ceil(p*float64(len(s))))-1] }
	med := rank(0.5)
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Durations{Count: len(s), Median: med, P90: rank(0.9)}
}

// SeverityStats are the figures of one severity in a report.
type SeverityStats struct {
	Severity       Severity  `json:"severity"`
	Opened         int       `json:"opened"`
	StillOpen      int       `json:"still_open"`
	TimeToMitigate Durations `json:"time_to_mitigate"`
	TimeToResolve  Durations `json:"time_to_resolve"`
}

// IncidentLine is one incident of a report.
type IncidentLine struct {
	Incident
	MitigatedAt time.Time `json:"mitigated_at,omitzero"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
}

// Report holds the figures of a window, computed from the production queue.
type Report struct {
	Window Window `json:"window"`
	// AsOf is when the report was made: StillOpen and the times to resolve are as of then,
	// whenever the window ends.
	AsOf       time.Time       `json:"as_of,omitzero"`
	Incidents  []IncidentLine  `json:"incidents"` // opened in the window
	BySeverity []SeverityStats `json:"by_severity"`
	ByService  map[string]int  `json:"by_service"`
	// StillOpen are the incidents opened in the window and not resolved as of AsOf (not
	// every open incident: the dashboard's "open" counts those whenever they were opened).
	StillOpen []IncidentLine `json:"still_open"`
	PerDay    []int          `json:"per_day"` // incidents opened in each 24 hours from Window.From
	// Days counts the incidents opened on each UTC calendar day the window touches.
	Days []DayCount `json:"days"`
	// Notices say what the sources left out although they answered (a list cut at its
	// page limit): the figures count only what was read.
	Notices      []string     `json:"notices,omitempty"`
	Changes      ChangeCounts `json:"changes"`
	OncallOpened int          `json:"oncall_opened"`
	OncallClosed int          `json:"oncall_closed"`
	Budget       Budget       `json:"budget"`
}

// ChangeCounts counts changes by outcome and criticality (index 1..4; 0: unlabelled).
type ChangeCounts struct {
	Completed  [5]int `json:"completed"`
	Aborted    [5]int `json:"aborted"`
	InProgress [5]int `json:"in_progress"`
}

// ReportInput is what a report is computed from.
type ReportInput struct {
	Window          Window
	Now             time.Time // incidents not yet mitigated count until now
	Incidents       []IncidentHistory
	Changes         []Change      // changes touched in the window, open or closed
	Oncall          []OncallIssue // ~oncall issues touched in the window, open or closed
	Budget          BudgetPolicy
	BudgetIncidents []IncidentHistory // incidents touching the budget's window (may be Incidents)
}

// NewReport computes the figures. Pure: time comes from in.Now.
func (l Labels) NewReport(in ReportInput) Report {
	r := Report{Window: in.Window, AsOf: in.Now, ByService: map[string]int{}, Days: in.Window.calendarDays()}
	days := int(math.Ceil(in.Window.To.Sub(in.Window.From).Hours() / 24))
	r.PerDay = make([]int, max(days, 0))
	ttm := map[Severity][]time.Duration{}
	ttr := map[Severity][]time.Duration{}
	stats := map[Severity]*SeverityStats{}
	for _, h := range in.Incidents {
		if !in.Window.Contains(h.CreatedAt) {
			continue
		}
		line := IncidentLine{Incident: h.Incident, MitigatedAt: l.MitigatedAt(h), ResolvedAt: l.ResolvedAt(h)}
		r.Incidents = append(r.Incidents, line)
		st := stats[h.Severity]
		if st == nil {
			st = &SeverityStats{Severity: h.Severity}
			stats[h.Severity] = st
		}
		st.Opened++
		if d := int(h.CreatedAt.Sub(in.Window.From).Hours() / 24); d >= 0 && d < len(r.PerDay) {
			r.PerDay[d]++
		}
		countDay(r.Days, h.CreatedAt)
		for _, s := range h.Services {
			r.ByService[s]++
		}
		if !line.MitigatedAt.IsZero() {
			ttm[h.Severity] = append(ttm[h.Severity], line.MitigatedAt.Sub(h.CreatedAt))
		}
		if line.ResolvedAt.IsZero() {
			st.StillOpen++
			r.StillOpen = append(r.StillOpen, line)
		} else {
			ttr[h.Severity] = append(ttr[h.Severity], line.ResolvedAt.Sub(h.CreatedAt))
		}
	}
	for _, st := range stats {
		st.TimeToMitigate = summarise(ttm[st.Severity])
		st.TimeToResolve = summarise(ttr[st.Severity])
		r.BySeverity = append(r.BySeverity, *st)
	}
	sort.Slice(r.BySeverity, func(a, b int) bool {
		sa, sb := r.BySeverity[a].Severity, r.BySeverity[b].Severity
		if sa == 0 || sb == 0 {
			return sb == 0 && sa != 0
		}
		return sa < sb
	})
	sort.SliceStable(r.Incidents, func(a, b int) bool { return r.Incidents[a].CreatedAt.Before(r.Incidents[b].CreatedAt) })

	for _, c := range in.Changes {
		crit := max(0, min(c.Criticality, 4))
		switch {
		case c.Workflow == ChangeInProgress && c.State != "closed":
			r.Changes.InProgress[crit]++
		case c.Workflow == ChangeComplete && in.Window.Contains(closedOrUpdated(c.Issue)):
			r.Changes.Completed[crit]++
		case c.Workflow == ChangeAborted && in.Window.Contains(closedOrUpdated(c.Issue)):
			r.Changes.Aborted[crit]++
		}
	}
	for _, o := range in.Oncall {
		if in.Window.Contains(o.CreatedAt) {
			r.OncallOpened++
		}
		if o.State == "closed" && in.Window.Contains(o.ClosedAt) {
			r.OncallClosed++
		}
	}
	budgetIncidents := in.BudgetIncidents
	if budgetIncidents == nil {
		budgetIncidents = in.Incidents
	}
	r.Budget = l.ErrorBudget(in.Budget, budgetIncidents, in.Now)
	return r
}

func closedOrUpdated(i Issue) time.Time {
	if !i.ClosedAt.IsZero() {
		return i.ClosedAt
	}
	return i.UpdatedAt
}

// BudgetPolicy is how the error budget is counted.
type BudgetPolicy struct {
	Target        float64       `json:"target"`         // availability, e.g. 99.95
	Window        time.Duration `json:"window"`         // e.g. 28 days, ending now
	Severities    []Severity    `json:"severities"`     // which incidents consume it, e.g. S1 and S2
	UntilResolved bool          `json:"until_resolved"` // count to resolution instead of mitigation
}

// DefaultBudgetPolicy is the handbook's: 99.95% over 28 days, S1 and S2, opened to mitigated.
func DefaultBudgetPolicy() BudgetPolicy {
	return BudgetPolicy{Target: 99.95, Window: 28 * 24 * time.Hour, Severities: []Severity{1, 2}}
}

// Budget is the state of the error budget.
type Budget struct {
	Policy    BudgetPolicy  `json:"policy"`
	Window    Window        `json:"window"`
	Allowed   time.Duration `json:"allowed"`   // (100 - target)% of the window
	Consumed  time.Duration `json:"consumed"`  // impact of the counted incidents inside the window
	Remaining time.Duration `json:"remaining"` // negative when overspent
	// BurnRate is how fast the last 7 days spent it, relative to the pace that would spend
	// exactly the budget over the window: above 1 the budget runs out before the window ends.
	BurnRate float64 `json:"burn_rate"`
	Burning  bool    `json:"burning"` // BurnRate > 1, or nothing left
}

// RemainingFraction is what is left of the budget, 0..1 (0 when overspent).
func (b Budget) RemainingFraction() float64 {
	if b.Allowed <= 0 {
		return 0
	}
	return max(0, float64(b.Remaining)/float64(b.Allowed))
}

// ErrorBudget counts the impact of the policy's incidents inside the window ending at now:
// every period each was Active (or not yet resolved), see ImpactPeriods.
func (l Labels) ErrorBudget(p BudgetPolicy, incidents []IncidentHistory, now time.Time) Budget {
	b := Budget{Policy: p, Window: Window{From: now.Add(-p.Window), To: now}}
	// to the millisecond: 99.95% is not exact in binary
	b.Allowed = time.Duration(math.Round(float64(p.Window)*(100-p.Target)/100/1e6)) * time.Millisecond
	recent := Window{From: now.Add(-7 * 24 * time.Hour), To: now}
	var recentSpent time.Duration
	for _, h := range incidents {
		if !countsAgainst(p, h.Severity) {
			continue
		}
		for _, w := range l.ImpactPeriods(h, p.UntilResolved, now) {
			b.Consumed += b.Window.overlap(w.From, w.To)
			recentSpent += recent.overlap(w.From, w.To)
		}
	}
	b.Remaining = b.Allowed - b.Consumed
	if b.Allowed > 0 {
		allowedPerWeek := float64(b.Allowed) * float64(recent.To.Sub(recent.From)) / float64(p.Window)
		b.BurnRate = float64(recentSpent) / allowedPerWeek
	}
	b.Burning = b.BurnRate > 1 || b.Remaining <= 0
	return b
}

func countsAgainst(p BudgetPolicy, s Severity) bool {
	for _, c := range p.Severities {
		if c == s {
			return true
		}
	}
	return false
}
