package sim

import (
	"fmt"
	"time"
)

// The generated world behaves like real GitLab where a simulator easily gets it wrong
// (DOMAIN.md, "What the real APIs do"): system notes among the comments, busy issues whose
// last human note lies under pages of them, null descriptions, an incident that was
// resolved, closed, reopened and is Active again (world_build.go), and, on demand, more issues than GitLab
// counts.

// systemNotes are what GitLab writes on its own; "mentioned in" makes busy issues busy.
var systemNotes = []string{"changed the description", "assigned to @%s", "added ~%q label", "mentioned in gitlab-com/gl-infra/production#%d"}

// addSystemNote records a note GitLab wrote on its own. It leaves updated_at alone, so that
// the lists and their order stay those of the human activity.
func (s *Sim) addSystemNote(is *issue, at time.Time, who *person, k int) {
	body := systemNotes[k%len(systemNotes)]
	switch k % len(systemNotes) {
	case 1:
		body = fmt.Sprintf(body, who.username)
	case 2:
		label := "oncall"
		if len(is.labels) > 0 {
			label = is.labels[k%len(is.labels)]
		}
		body = fmt.Sprintf("added ~%q label", label)
	case 3:
		body = fmt.Sprintf(body, 18000+k)
	}
	is.notes = append(is.notes, &note{id: s.id(), body: body, author: who, created: at, system: true})
}

// busyNotes puts n system notes on is, evenly after after and before now.
func (s *Sim) busyNotes(is *issue, after time.Time, n int) {
	span := s.opts.Now.Sub(after)
	for k := 0; k < n; k++ {
		at := after.Add(span * time.Duration(k+1) / time.Duration(n+1))
		s.addSystemNote(is, at, s.users[k%len(s.users)], 3) // "mentioned in ..."
	}
}

// addRealism runs after generate.
func (s *Sim) addRealism() {
	seen := map[*project]bool{}
	for _, path := range []string{s.opts.ProductionProject, s.opts.OncallProject, s.opts.HandoffProject} {
		p := s.projects[path]
		if p == nil || seen[p] {
			continue
		}
		seen[p] = true
		for _, is := range p.issues {
			s.addSystemNote(is, is.created.Add(time.Minute), is.author, 0)
			if len(is.assignees) > 0 {
				s.addSystemNote(is, is.created.Add(2*time.Minute), is.author, 1)
			}
		}
	}
	L := s.opts.Labels
	// The first ~Ready_to_Handoff issue: its handoff note lies under 120 system notes.
	if is := s.firstWithLabel(s.opts.OncallProject, L.ReadyToHandoff); is != nil {
		s.busyNotes(is, lastHumanNote(is), 120)
	}
	// The newest handoff: its acknowledgement lies under 60 system notes.
	if is := s.newest(s.opts.HandoffProject); is != nil {
		s.busyNotes(is, lastHumanNote(is), 60)
	}
	// Null descriptions: an ~oncall issue and a change.
	if is := s.lastWithLabel(s.opts.OncallProject, L.Oncall); is != nil {
		is.nullDesc, is.desc = true, ""
	}
	if is := s.lastWithLabel(s.opts.ProductionProject, L.Change); is != nil {
		is.nullDesc, is.desc = true, ""
	}
	s.addManyIssues()
}

// addManyIssues adds Options.ManyIssues closed incidents, a year old and older.
func (s *Sim) addManyIssues() {
	p := s.projects[s.opts.ProductionProject]
	if p == nil || s.opts.ManyIssues <= 0 {
		return
	}
	L := s.opts.Labels
	for k := 0; k < s.opts.ManyIssues; k++ {
		ago := 365*24*time.Hour + time.Duration(k)*time.Hour
		is := s.add(p, ago, fmt.Sprintf("Old incident %d", k), "", []string{L.Incident, L.Severity + "4", L.IncidentStatus + "Resolved"}, s.users[0])
		is.incident = true
		is.close(is.created.Add(time.Hour))
	}
}

func (s *Sim) firstWithLabel(project, label string) *issue {
	if p := s.projects[project]; p != nil {
		for _, is := range p.issues {
			if hasAllLabels(is.labels, []string{label}) {
				return is
			}
		}
	}
	return nil
}

func (s *Sim) lastWithLabel(project, label string) *issue {
	if p := s.projects[project]; p != nil {
		for i := len(p.issues) - 1; i >= 0; i-- {
			if hasAllLabels(p.issues[i].labels, []string{label}) {
				return p.issues[i]
			}
		}
	}
	return nil
}

func (s *Sim) newest(project string) *issue {
	var out *issue
	if p := s.projects[project]; p != nil {
		for _, is := range p.issues {
			if out == nil || is.created.After(out.created) {
				out = is
			}
		}
	}
	return out
}

func lastHumanNote(is *issue) time.Time {
	t := is.created
	for _, n := range is.notes {
		if !n.system && n.created.After(t) {
			t = n.created
		}
	}
	return t
}
