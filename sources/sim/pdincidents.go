package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// incidentsDefaultWindow is what GET /incidents searches without since, until or
// date_range: incidents created in the last month ("default is 1 month", PagerDuty's API
// reference; 30 days per PagerDuty's community answer), so an older open page is left out.
const incidentsDefaultWindow = 30 * 24 * time.Hour

// serveIncidents answers GET /incidents: statuses[] filter, the created_at window
// (since/until, default the last 30 days, at most 6 months; date_range=all lifts it),
// offset paging, include[]=assignees/acknowledgers/users.
func (s *Sim) serveIncidents(w http.ResponseWriter, r *http.Request, _ caller) {
	offset, limit, err := pdPaging(r)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	q := r.URL.Query()
	all := q.Get("date_range") == "all"
	var since, until time.Time
	if !all {
		now := s.clock()
		until, err = pdTime(r, "until", now)
		if err == nil {
			since, err = pdTime(r, "since", until.Add(-incidentsDefaultWindow))
		}
		if err == nil && (until.Before(since) || until.Sub(since) > 183*24*time.Hour) {
			err = fmt.Errorf("since must be before until, at most 6 months apart")
		}
		if err != nil {
			writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
			return
		}
	}
	statuses := q["statuses[]"]
	include := includes(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*pdIncident
	for _, in := range s.pd.incidents {
		if len(statuses) > 0 && !contains(statuses, in.status) {
			continue
		}
		if !all && (in.created.Before(since) || in.created.After(until)) {
			continue
		}
		match = append(match, in)
	}
	writePDList(w, r, "incidents", match, offset, limit, func(in *pdIncident) map[string]any { return s.incidentJSON(in, include) })
}

func includes(r *http.Request) map[string]bool {
	out := map[string]bool{}
	for _, v := range r.URL.Query()["include[]"] {
		out[v] = true
	}
	return out
}

// serveIncident answers GET /incidents/:id (an id or an incident number).
func (s *Sim) serveIncident(w http.ResponseWriter, r *http.Request, _ caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.incidentOr404(w, r)
	if in == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": s.incidentJSON(in, includes(r))})
}

// serveAlerts answers GET /incidents/:id/alerts, offset paged.
func (s *Sim) serveAlerts(w http.ResponseWriter, r *http.Request, _ caller) {
	offset, limit, err := pdPaging(r)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.incidentOr404(w, r)
	if in == nil {
		return
	}
	writePDList(w, r, "alerts", in.alerts, offset, limit, func(a pdAlert) map[string]any {
		return map[string]any{
			"id": a.id, "type": "alert", "summary": a.summary,
			"self": "https://api.pagerduty.com/incidents/" + in.id + "/alerts/" + a.id, "html_url": pdWeb + "/alerts/" + a.id,
			"created_at": utcTime(a.created), "status": a.status, "alert_key": a.key, "service": s.serviceRef(in.service),
			"body":     map[string]any{"type": "alert_body", "contexts": []any{}, "details": map[string]any{"summary": a.summary}},
			"incident": map[string]any{"id": in.id, "type": "incident_reference"}, "suppressed": false, "severity": a.severity,
			"integration": ref("generic_events_api_inbound_integration", "PI"+a.id[1:6], "Alertmanager", "services/integrations"),
		}
	})
}

// serveNotes answers GET /incidents/:id/notes: every note, newest first, not paged, with
// the fields of PagerDuty's example (id, user, channel, content, created_at).
func (s *Sim) serveNotes(w http.ResponseWriter, r *http.Request, _ caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.incidentOr404(w, r)
	if in == nil {
		return
	}
	notes := make([]map[string]any, 0, len(in.notes))
	for i := len(in.notes) - 1; i >= 0; i-- {
		n := in.notes[i]
		notes = append(notes, map[string]any{
			"id": n.id, "user": s.pdUser(n.who, false), "channel": map[string]any{"summary": "The PagerDuty website or APIs"},
			"content": n.content, "created_at": n.created.In(loadZone("", n.who.tz)).Format(time.RFC3339),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"notes": notes})
}

// serveMe answers GET /users/me: the user of a user key. PagerDuty's reference says it
// "will not work" with an account-level key and lists only 400 besides 200 and 429; the
// body below is the simulator's, in PagerDuty's error shape.
func (s *Sim) serveMe(w http.ResponseWriter, r *http.Request, c caller) {
	if c.user == nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided", "/users/me needs a user-level API key; this is an account-level key")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.pdUser(c.user, true)})
}

// servePDUsers answers GET /users?query=: users whose name or email contains the query
// (PagerDuty's reference said "names or email addresses" until 2020; it now says "name"),
// offset paged.
func (s *Sim) servePDUsers(w http.ResponseWriter, r *http.Request, _ caller) {
	offset, limit, err := pdPaging(r)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	q := strings.ToLower(r.URL.Query().Get("query"))
	var match []*person
	for _, p := range s.users {
		if strings.Contains(strings.ToLower(p.name), q) || strings.Contains(strings.ToLower(p.email()), q) {
			match = append(match, p)
		}
	}
	writePDList(w, r, "users", match, offset, limit, func(p *person) map[string]any { return s.pdUser(p, true) })
}

// incidentOr404 is the incident the path names, or nil after answering 404 as PagerDuty
// does. The caller holds s.mu.
func (s *Sim) incidentOr404(w http.ResponseWriter, r *http.Request) *pdIncident {
	in := s.incidentByID(r.PathValue("id"))
	if in == nil {
		writePDError(w, http.StatusNotFound, 2100, "Not Found")
	}
	return in
}
