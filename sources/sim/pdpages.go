package sim

import (
	"fmt"
	"time"
)

type pdIncident struct {
	id, title, status, service, key, urgency, policy string
	number                                           uint
	created, updated, resolved                       time.Time // resolved: zero while open
	assignments, acks                                []pdAction
	firstAck                                         time.Time // kept after it resolves: the world's past handoffs read it
	lastChangeAt                                     time.Time
	lastChangeBy                                     *person // nil: the service (the trigger)
	alerts                                           []pdAlert
	notes                                            []pdNote
}

// pdAction is an assignment or an acknowledgement: who, when.
type pdAction struct {
	at  time.Time
	who *person
}

type pdAlert struct {
	id, summary, status, severity, key string
	created                            time.Time
}

type pdNote struct {
	id, content string
	who         *person
	created     time.Time
}

// onCallAt is who the policy pages on level at t: the first target with someone on it.
func (s *Sim) onCallAt(p Policy, level int, t time.Time) *person {
	if level < 1 || level > len(p.Levels) {
		return nil
	}
	for _, target := range p.Levels[level-1] {
		if username, ok := cutUser(target); ok {
			return s.personByUsername(username)
		}
		for _, e := range s.finalSchedule(target, t, t.Add(time.Second)) {
			if !t.Before(e.start) && t.Before(e.end) {
				return e.who
			}
		}
	}
	return nil
}

func cutUser(target string) (string, bool) {
	if len(target) > 5 && target[:5] == "user:" {
		return target[5:], true
	}
	return "", false
}

func (s *Sim) incidentByID(id string) *pdIncident {
	for _, in := range s.pd.incidents {
		if in.id == id || fmt.Sprint(in.number) == id {
			return in
		}
	}
	return nil
}

func (s *Sim) serviceRef(name string) map[string]any {
	return ref("service", fmt.Sprintf("PS%05X", s.hash(name)%0xFFFFF), name, "services")
}

func (s *Sim) policyName(id string) string {
	for _, p := range s.pd.policies {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

// incidentJSON is an incident as the REST API shows it; include holds the include[] asked
// (assignees, acknowledgers, users: full user objects instead of references).
func (s *Sim) incidentJSON(in *pdIncident, include map[string]bool) map[string]any {
	created := in.created.UTC().Format(time.RFC3339)
	assignments := make([]map[string]any, 0, len(in.assignments))
	for _, a := range in.assignments {
		assignments = append(assignments, map[string]any{"at": utcTime(a.at), "assignee": s.pdUser(a.who, include["assignees"] || include["users"])})
	}
	acks := make([]map[string]any, 0, len(in.acks))
	for _, a := range in.acks {
		acks = append(acks, map[string]any{"at": utcTime(a.at), "acknowledger": s.pdUser(a.who, include["acknowledgers"] || include["users"])})
	}
	triggered := 0
	for _, a := range in.alerts {
		if a.status == "triggered" {
			triggered++
		}
	}
	var resolved, by any
	if !in.resolved.IsZero() {
		resolved = utcTime(in.resolved)
	}
	by = s.serviceRef(in.service)
	if in.lastChangeBy != nil {
		by = s.pdUser(in.lastChangeBy, false)
	}
	return map[string]any{
		"id": in.id, "type": "incident", "summary": fmt.Sprintf("[#%d] %s", in.number, in.title),
		"self": "https://api.pagerduty.com/incidents/" + in.id, "html_url": pdWeb + "/incidents/" + in.id,
		"incident_number": in.number, "title": in.title, "description": in.title, "created_at": created, "updated_at": utcTime(in.updated),
		"status": in.status, "incident_key": in.key, "urgency": in.urgency, "service": s.serviceRef(in.service),
		"assignments": assignments, "assigned_via": "escalation_policy", "acknowledgements": acks,
		"last_status_change_at": utcTime(in.lastChangeAt), "last_status_change_by": by, "resolved_at": resolved,
		"first_trigger_log_entry": ref("trigger_log_entry", "R"+in.id[1:], "Triggered through the API", "log_entries"),
		"alert_counts":            map[string]any{"all": len(in.alerts), "triggered": triggered, "resolved": len(in.alerts) - triggered},
		"is_mergeable":            true, "incident_type": map[string]any{"name": "incident_default"},
		"escalation_policy": ref("escalation_policy", in.policy, s.policyName(in.policy), "escalation_policies"),
		"teams":             []any{}, "pending_actions": []any{}, "priority": nil, "resolve_reason": nil, "alert_grouping": nil,
	}
}

func utcTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
