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

// generatePages opens the account's incidents: three recent open pages, one acknowledged
// 45 days ago and still open (older than the 30 days GET /incidents lists by default), and
// two resolved ones.
func (s *Sim) generatePages() {
	now := s.opts.Now
	var policy Policy
	if len(s.pd.policies) > 0 {
		policy = s.pd.policies[0]
	}
	eoc := s.onCallAt(policy, 1, now)
	if eoc == nil {
		eoc = s.eocAt(now)
	}
	imoc := s.personByUsername(usernameOf(imocName))
	specs := []struct {
		number                          uint
		ago                             time.Duration
		status, urgency, service, title string
		who                             *person
		alerts                          []string
		note                            string
	}{
		{104_200, 50 * time.Minute, "acknowledged", "high", "GitLab.com Web", "[FIRING:1] WebServiceErrorRatioHigh web gprd us-east1-d", eoc,
			[]string{"WebServiceErrorRatioHigh: 5xx ratio 4.2% on web in gprd us-east1-d", "WebServiceApdexSLOViolation: apdex 0.91 on web in gprd"},
			"Rolled back the canary; the error ratio is dropping. Tracked in the production incident."},
		{104_207, 3 * time.Hour, "acknowledged", "high", "GitLab.com Sidekiq", "[FIRING:2] SidekiqQueueingApdexSLOViolation urgent-other", eoc,
			[]string{"SidekiqQueueingApdexSLOViolation: urgent-other queueing apdex 0.62", "SidekiqQueueSizeHigh: urgent-other above 10k jobs"},
			"Scaled urgent-other to 40 pods; backlog draining at about 2k jobs a minute."},
		{104_214, 4 * time.Minute, "triggered", "high", "GitLab.com Gitaly", "[FIRING:1] GitalyCPUSaturation file-cny-01", eoc,
			[]string{"GitalyCPUSaturation: file-cny-01 CPU above 95% for 10m"}, ""},
		{98_113, 45 * 24 * time.Hour, "acknowledged", "low", "GitLab.com Patroni", "[FIRING:1] WALGBaseBackupFailed patroni-main-v16", imoc,
			[]string{"WALGBaseBackupFailed: no base backup of patroni-main-v16 for 26h"},
			"Kept open on purpose until the new backup bucket policy ships; see the infrastructure issue."},
		{104_190, 2 * time.Hour, "resolved", "high", "GitLab.com Pages", "[FIRING:1] HAProxyBackendDown fe-pages", eoc,
			[]string{"HAProxyBackendDown: pages backend down on fe-pages-01"}, ""},
		{102_871, 10 * 24 * time.Hour, "resolved", "high", "GitLab.com Registry", "[FIRING:1] RegistryErrorRatioHigh registry gprd", s.users[s.hash("reg")%uint64(len(s.users))],
			[]string{"RegistryErrorRatioHigh: 503s on image pulls"}, ""},
	}
	for i, sp := range specs {
		created := now.Add(-sp.ago)
		in := &pdIncident{
			id: fmt.Sprintf("Q%07X", s.hash("page", i)%0xFFFFFFF), number: sp.number, title: sp.title, status: sp.status,
			service: sp.service, key: fmt.Sprintf("%032x", s.hash("key", i)), urgency: sp.urgency, policy: policy.ID,
			created: created, updated: created, lastChangeAt: created,
		}
		severity := "critical"
		if sp.urgency == "low" {
			severity = "warning"
		}
		for j, summary := range sp.alerts {
			status := "resolved"
			if j == 0 && sp.status != "resolved" {
				status = "triggered"
			}
			in.alerts = append(in.alerts, pdAlert{id: fmt.Sprintf("A%07X", s.hash("alert", i, j)%0xFFFFFFF), summary: summary, status: status,
				severity: severity, key: fmt.Sprintf("%x", s.hash("alertkey", i, j)), created: created.Add(time.Duration(j) * time.Minute)})
		}
		acked := created.Add(time.Duration(2+s.hash("ack", i)%8) * time.Minute)
		switch sp.status {
		case "acknowledged":
			in.assignments = []pdAction{{created, sp.who}}
			in.acks = []pdAction{{acked, sp.who}}
			in.lastChangeAt, in.lastChangeBy, in.updated = acked, sp.who, acked
		case "triggered":
			in.assignments = []pdAction{{created, sp.who}}
		case "resolved":
			in.resolved = created.Add(sp.ago / 3)
			in.lastChangeAt, in.lastChangeBy, in.updated = in.resolved, sp.who, in.resolved
		}
		if sp.note != "" {
			at := created.Add(10 * time.Minute)
			in.notes = append(in.notes, pdNote{id: fmt.Sprintf("N%07X", s.hash("note", i)%0xFFFFFFF), content: sp.note, who: sp.who, created: at})
			if at.After(in.updated) {
				in.updated = at
			}
		}
		s.pd.incidents = append(s.pd.incidents, in)
	}
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
