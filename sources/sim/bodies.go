package sim

import (
	"fmt"
	"strings"
	"time"
)

// The descriptions of issues, in the sections GitLab's templates give them.

// incidentDescription is a planned incident's description: impact, status, summary and a
// timeline of what happened up to now.
func (s *Sim) incidentDescription(p incidentPlan, service string) string {
	now := s.opts.Now
	var timeline strings.Builder
	step := func(t time.Time, what string) {
		if !t.IsZero() && !t.After(now) {
			fmt.Fprintf(&timeline, "- %s UTC: %s\n", t.UTC().Format("2006-01-02 15:04"), what)
		}
	}
	if p.kind.alert != "" {
		step(p.opened.Add(-3*time.Minute), p.kind.alert+" fired and the EOC was paged")
	}
	step(p.opened, "incident declared")
	step(p.mitigated, "mitigated")
	step(p.resolved, "resolved")
	impact := p.kind.impact
	if impact == "" {
		impact = "Users of " + service + " see errors or slow responses. Scope is being confirmed"
	}
	return fmt.Sprintf(`## Customer Impact

%s.

## Current Status

%s. See the latest notes for the details.

## Summary

%s

## Timeline

%s`, fill(impact, p.place), p.status(now), p.title, timeline.String())
}

// incidentBody is a short incident description (the bulk world's).
func incidentBody(title, status, service string, started time.Time) string {
	return fmt.Sprintf(`## Customer Impact

Users of %s see errors or slow responses. Scope is being confirmed.

## Current Status

%s. See the latest notes for the timeline.

## Summary

%s

## Timeline

- %s UTC: alert fired and the EOC was paged
- %s UTC: incident declared
`, service, status, title, started.Format("15:04"), started.Add(3*time.Minute).Format("15:04"))
}

func changeBody(title string, crit int, sched time.Time) string {
	when := "TBD"
	if !sched.IsZero() {
		when = sched.Format("2006-01-02 15:04")
	}
	return fmt.Sprintf(`## Change Summary

%s

## Change Details

1. **Services Impacted** - see the title
1. **Change Technician** - the assignee
1. **Change Criticality** - C%d
1. **Scheduled Date and Time (UTC in format YYYY-MM-DD HH:MM)** - %s
1. **Time tracking** - 90 minutes

## Rollback

Revert the MR and re-run the pipeline.
`, title, crit, when)
}
