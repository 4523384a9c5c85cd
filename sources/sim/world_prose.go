package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/oncall-sre/oncall/model"
)

// The human part of a past handoff: what the outgoing engineer adds under the facts. Each
// sentence is picked from the catalogue (catalogue_text.go) only when the facts make it
// true: "quiet shift" only when nothing was opened, active or paged in it.

// shiftStory is what a shift's facts say, sorted the way the prose needs it.
type shiftStory struct {
	opened, active, mitigated, lead []model.Incident
	pages                           int // pages created during the shift
	running, upcoming               []model.Change
	ready                           []model.OncallIssue
}

func storyOf(f model.HandoffFacts) shiftStory {
	var st shiftStory
	for _, in := range f.Incidents {
		open := in.State != "closed"
		if f.Shift.Contains(in.CreatedAt) {
			st.opened = append(st.opened, in)
		}
		switch {
		case open && in.Status == model.StatusActive:
			st.active = append(st.active, in)
		case open && in.Status == model.StatusMitigated:
			st.mitigated = append(st.mitigated, in)
		}
		if open && in.Status != model.StatusResolved && in.Severity.High() {
			st.lead = append(st.lead, in)
		}
	}
	for _, l := range [][]model.Incident{st.opened, st.active, st.mitigated, st.lead} {
		model.SortIncidents(l)
	}
	for _, p := range f.Pages {
		if f.Shift.Contains(p.CreatedAt) {
			st.pages++
		}
	}
	for _, c := range f.Changes {
		switch {
		case c.Workflow == model.ChangeInProgress:
			st.running = append(st.running, c)
		case c.Workflow == model.ChangeScheduled && c.Scheduled.After(f.Shift.End) && c.Scheduled.Before(f.Next.End):
			st.upcoming = append(st.upcoming, c)
		}
	}
	for _, o := range f.Oncall {
		if o.ReadyToHandoff {
			st.ready = append(st.ready, o)
		}
	}
	return st
}

// humanPart writes Context, Time-sensitive tasks and What to watch for facts f.
func (s *Sim) humanPart(r *rand.Rand, f model.HandoffFacts) string {
	st := storyOf(f)
	var b strings.Builder
	b.WriteString("## Context\n\n")
	b.WriteString(strings.Join(contextLines(r, st, f.Incoming), " "))
	b.WriteString("\n\n## Time-sensitive tasks\n\n")
	for _, line := range taskLines(r, st) {
		b.WriteString("- " + line + "\n")
	}
	b.WriteString("\n## What to watch\n\n")
	for _, line := range watchLines(r, st) {
		b.WriteString("- " + line + "\n")
	}
	return b.String()
}

func contextLines(r *rand.Rand, st shiftStory, incoming *model.Person) []string {
	var lines []string
	if len(st.opened) == 0 && len(st.active) == 0 && st.pages == 0 {
		lines = append(lines, oneOf(r, quietContext))
	}
	told := map[int64]bool{}
	if len(st.opened) > 0 {
		first, sentences := st.opened[0], openedContext
		if first.State == "closed" || first.Status == model.StatusResolved {
			sentences = resolvedContext
		}
		lines = append(lines, fmt.Sprintf(oneOf(r, sentences), incidentRef(first)))
		told[first.IID] = true
	}
	for _, in := range st.active {
		if !told[in.IID] {
			lines = append(lines, fmt.Sprintf(oneOf(r, activeContext), incidentRef(in)))
			told[in.IID] = true
			break
		}
	}
	if len(st.mitigated) > 0 && !told[st.mitigated[0].IID] {
		lines = append(lines, fmt.Sprintf(oneOf(r, mitigatedContext), incidentRef(st.mitigated[0])))
	}
	for i, in := range st.lead {
		if i == 2 {
			break
		}
		lines = append(lines, fmt.Sprintf(oneOf(r, leadContext), incoming.Username, incidentRef(in), int(in.Severity)))
	}
	if st.pages > 0 {
		lines = append(lines, fmt.Sprintf(oneOf(r, pageContext), times(st.pages)))
	}
	if len(st.running) > 0 {
		lines = append(lines, fmt.Sprintf(oneOf(r, changeContext), changeRef(st.running[0])))
	}
	return lines
}

func taskLines(r *rand.Rand, st shiftStory) []string {
	var lines []string
	for i, c := range st.upcoming {
		if i == 2 {
			break
		}
		sentences := upcomingTasks[:2]
		if c.Criticality == 1 || c.Criticality == 2 {
			sentences = upcomingTasks
		}
		lines = append(lines, fmt.Sprintf(oneOf(r, sentences), changeRef(c), c.Scheduled.UTC().Format("Mon 15:04"), c.Criticality))
	}
	if len(st.ready) > 0 {
		o := st.ready[r.IntN(len(st.ready))]
		lines = append(lines, fmt.Sprintf(oneOf(r, readyTasks), fmt.Sprintf("#%d (%s)", o.IID, o.Title)))
	}
	if len(lines) == 0 {
		lines = append(lines, oneOf(r, noTasks))
	}
	return lines
}

func watchLines(r *rand.Rand, st shiftStory) []string {
	var lines []string
	seen := map[string]bool{}
	for _, in := range append(append([]model.Incident(nil), st.active...), st.mitigated...) {
		for _, svc := range in.Services {
			if !seen[svc] && len(seen) < 3 && kindOfService(svc).alert != "" { // a service the metrics catalogue knows
				seen[svc] = true
				slug := dashboardSlug(svc)
				lines = append(lines, fmt.Sprintf("%s overview, for #%d: https://dashboards.gitlab.net/d/%s-main/%s-overview", svc, in.IID, slug, slug))
			}
		}
	}
	if len(st.mitigated) > 0 {
		lines = append(lines, fmt.Sprintf("#%d is mitigated, not resolved: if it comes back, reopen the investigation rather than a new incident.", st.mitigated[0].IID))
	}
	if len(lines) == 0 {
		lines = append(lines, oneOf(r, watchFallback))
	}
	return lines
}

// incidentRef names an incident in a sentence: number, severity and title without its
// date prefix.
func incidentRef(in model.Incident) string {
	title := in.Title
	if len(title) > 12 && title[4] == '-' && title[10] == ':' {
		title = title[12:]
	}
	return fmt.Sprintf("#%d (%s, %s)", in.IID, in.Severity, title)
}

// times says how often: once, twice, 3 times.
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func changeRef(c model.Change) string { return fmt.Sprintf("#%d (%s)", c.IID, c.Title) }
