package main

import (
	"time"

	"github.com/oncall-sre/oncall/model"
)

// reportDoc is the document of `oncall report --json` (schema in jsonout.go).
type reportDoc struct {
	SchemaVersion int        `json:"schema_version"`
	Window        jsonWindow `json:"window"`
	// AsOf is when the report was made: still_open and the times to resolve are as of then.
	AsOf       jsonTime           `json:"as_of"`
	Incidents  []jsonIncidentLine `json:"incidents"`
	BySeverity []jsonSeverity     `json:"by_severity"`
	ByService  map[string]int     `json:"by_service"`
	// StillOpen: opened in the window and not resolved as of as_of.
	StillOpen []jsonIncidentLine `json:"still_open"`
	PerDay    []int              `json:"per_day"` // incidents opened in each 24 hours from window.from; prefer days
	// Days: incidents opened on each UTC calendar day the window touches, dated.
	Days         []jsonDay        `json:"days"`
	Changes      jsonChangeCounts `json:"changes"`
	OncallOpened int              `json:"oncall_opened"`
	OncallClosed int              `json:"oncall_closed"`
	Budget       jsonBudget       `json:"budget"`
	// Warnings say what the sources left out (a list cut at gitlab.max_pages): the
	// figures count only what was read. Always a list.
	Warnings []string `json:"warnings"`
}

type jsonDay struct {
	Date  string `json:"date"` // YYYY-MM-DD, UTC
	Count int    `json:"count"`
}

type jsonWindow struct {
	From jsonTime `json:"from"`
	To   jsonTime `json:"to"`
}

type jsonIncidentLine struct {
	jsonIncident
	MitigatedAt    jsonTime `json:"mitigated_at"`
	ResolvedAt     jsonTime `json:"resolved_at"`
	TimeToMitigate *seconds `json:"time_to_mitigate_seconds"`
	TimeToResolve  *seconds `json:"time_to_resolve_seconds"`
}

type jsonSeverity struct {
	Severity       optString     `json:"severity"`
	Opened         int           `json:"opened"`
	StillOpen      int           `json:"still_open"`
	TimeToMitigate jsonDurations `json:"time_to_mitigate"`
	TimeToResolve  jsonDurations `json:"time_to_resolve"`
}

type jsonDurations struct {
	Count  int      `json:"count"`
	Median *seconds `json:"median_seconds"` // null when count is 0
	P90    *seconds `json:"p90_seconds"`
}

// jsonCounts counts changes by criticality (c1 = C1); "none" counts the unlabelled ones.
type jsonCounts struct {
	C1   int `json:"c1"`
	C2   int `json:"c2"`
	C3   int `json:"c3"`
	C4   int `json:"c4"`
	None int `json:"none"`
}

type jsonChangeCounts struct {
	Completed  jsonCounts `json:"completed"`
	Aborted    jsonCounts `json:"aborted"`
	InProgress jsonCounts `json:"in_progress"`
}

type jsonBudget struct {
	Policy           jsonPolicy `json:"policy"`
	Window           jsonWindow `json:"window"`
	AllowedSeconds   seconds    `json:"allowed_seconds"`
	ConsumedSeconds  seconds    `json:"consumed_seconds"`
	RemainingSeconds seconds    `json:"remaining_seconds"` // negative when overspent
	BurnRate         float64    `json:"burn_rate"`
	Burning          bool       `json:"burning"`
}

type jsonPolicy struct {
	TargetPercent float64     `json:"target_percent"`
	WindowSeconds seconds     `json:"window_seconds"`
	Severities    []optString `json:"severities"`
	Until         string      `json:"until"` // mitigated or resolved
}

func newReportDoc(r model.Report) reportDoc {
	b := r.Budget
	until := "mitigated"
	if b.Policy.UntilResolved {
		until = "resolved"
	}
	return reportDoc{
		SchemaVersion: schemaVersion,
		Window:        window(r.Window),
		AsOf:          jsonTime(r.AsOf),
		Incidents:     mapList(r.Incidents, incidentLine),
		BySeverity: mapList(r.BySeverity, func(s model.SeverityStats) jsonSeverity {
			return jsonSeverity{severityName(s.Severity), s.Opened, s.StillOpen, durations(s.TimeToMitigate), durations(s.TimeToResolve)}
		}),
		ByService: nonNilMap(r.ByService),
		StillOpen: mapList(r.StillOpen, incidentLine),
		PerDay:    nonNil(r.PerDay),
		Days: mapList(r.Days, func(d model.DayCount) jsonDay {
			return jsonDay{d.Date.UTC().Format(time.DateOnly), d.Count}
		}),
		Warnings:     nonNil(r.Notices),
		Changes:      jsonChangeCounts{counts(r.Changes.Completed), counts(r.Changes.Aborted), counts(r.Changes.InProgress)},
		OncallOpened: r.OncallOpened,
		OncallClosed: r.OncallClosed,
		Budget: jsonBudget{
			Policy: jsonPolicy{b.Policy.Target, seconds(b.Policy.Window), mapList(b.Policy.Severities, severityName), until},
			Window: window(b.Window), AllowedSeconds: seconds(b.Allowed), ConsumedSeconds: seconds(b.Consumed),
			RemainingSeconds: seconds(b.Remaining), BurnRate: b.BurnRate, Burning: b.Burning,
		},
	}
}

func window(w model.Window) jsonWindow { return jsonWindow{jsonTime(w.From), jsonTime(w.To)} }

func incidentLine(l model.IncidentLine) jsonIncidentLine {
	out := jsonIncidentLine{jsonIncident: incident(l.Incident), MitigatedAt: jsonTime(l.MitigatedAt), ResolvedAt: jsonTime(l.ResolvedAt)}
	out.TimeToMitigate = since(l.CreatedAt, l.MitigatedAt)
	out.TimeToResolve = since(l.CreatedAt, l.ResolvedAt)
	return out
}

func since(from, to time.Time) *seconds {
	if to.IsZero() {
		return nil
	}
	d := seconds(to.Sub(from))
	return &d
}

func durations(d model.Durations) jsonDurations {
	out := jsonDurations{Count: d.Count}
	if d.Count > 0 {
		med, p90 := seconds(d.Median), seconds(d.P90)
		out.Median, out.P90 = &med, &p90
	}
	return out
}

func counts(c [5]int) jsonCounts {
	return jsonCounts{C1: c[1], C2: c[2], C3: c[3], C4: c[4], None: c[0]}
}

func nonNilMap(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}
