package sim

import (
	"encoding/json"
	"net/http"
	"time"
)

// incidentUpdate is one incident of PUT /incidents/{id} ({"incident": {...}}) or of
// PUT /incidents ({"incidents": [{"id": ...}, ...]}).
type incidentUpdate struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

// pdFailure is an error answer, in PagerDuty's shape.
type pdFailure struct {
	status, code int
	msg          string
	details      []string
}

func (f *pdFailure) write(w http.ResponseWriter) {
	writePDError(w, f.status, f.code, f.msg, f.details...)
}

func invalid(detail string) *pdFailure {
	return &pdFailure{http.StatusBadRequest, 2001, "Invalid Input Provided", []string{detail}}
}

// maxManaged is how many incidents PUT /incidents takes at once; more is 413.
const maxManaged = 250

// serveUpdateIncident answers PUT /incidents/{id}.
func (s *Sim) serveUpdateIncident(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Incident *incidentUpdate `json:"incident"`
	}
	if f := decodePDBody(w, r, &body); f != nil {
		f.write(w)
		return
	}
	if body.Incident == nil {
		invalid("incident is required").write(w)
		return
	}
	body.Incident.ID = r.PathValue("id")
	updated, f := s.updateIncidents(r, c, []incidentUpdate{*body.Incident})
	if f != nil {
		f.write(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": updated[0]})
}

// serveUpdateIncidents answers PUT /incidents, the list form.
func (s *Sim) serveUpdateIncidents(w http.ResponseWriter, r *http.Request, c caller) {
	var body struct {
		Incidents []incidentUpdate `json:"incidents"`
	}
	if f := decodePDBody(w, r, &body); f != nil {
		f.write(w)
		return
	}
	if len(body.Incidents) > maxManaged {
		writePDError(w, http.StatusRequestEntityTooLarge, 2001, "Request Entity Too Large")
		return
	}
	if len(body.Incidents) == 0 {
		invalid("incidents must be a non-empty array").write(w)
		return
	}
	updated, f := s.updateIncidents(r, c, body.Incidents)
	if f != nil {
		f.write(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": updated, "limit": len(updated), "offset": 0, "more": false, "total": nil})
}

func decodePDBody(w http.ResponseWriter, r *http.Request, into any) *pdFailure {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(into); err != nil {
		return invalid("the body is not JSON of the expected shape")
	}
	return nil
}

// actor is the user a write is done as: a user key's own user; for an account-level key
// the user named by the From header, which PagerDuty then requires.
func (s *Sim) actor(r *http.Request, c caller) (*person, *pdFailure) {
	from := r.Header.Get("From")
	if c.user != nil && from == "" {
		return c.user, nil
	}
	if from == "" {
		// As PagerDuty answers (its BadRequest, code 2016, in several clients' reports).
		return nil, &pdFailure{http.StatusBadRequest, 2016, `You must specify a user's email address in the "From" header to perform this action`, nil}
	}
	p := s.personByEmail(from)
	if p == nil {
		return nil, &pdFailure{http.StatusBadRequest, 1008, "Requester User Not Found", nil}
	}
	return p, nil
}

// updateIncidents checks every update, then applies them all, as one user.
func (s *Sim) updateIncidents(r *http.Request, c caller, updates []incidentUpdate) ([]map[string]any, *pdFailure) {
	who, f := s.actor(r, c)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	targets := make([]*pdIncident, len(updates))
	for i, u := range updates {
		if u.Type != "incident" && u.Type != "incident_reference" {
			return nil, invalid("type must be incident or incident_reference")
		}
		switch u.Status {
		case "", "acknowledged", "resolved", "triggered":
		default:
			return nil, invalid("status must be triggered, acknowledged or resolved")
		}
		if targets[i] = s.incidentByID(u.ID); targets[i] == nil {
			return nil, &pdFailure{http.StatusNotFound, 2100, "Not Found", []string{"Incident Not Found"}}
		}
		if u.Status == "resolved" && targets[i].status == "resolved" {
			// PagerDuty's error code table: 1001 Incident Already Resolved.
			return nil, &pdFailure{http.StatusBadRequest, 1001, "Incident Already Resolved", nil}
		}
	}
	now := s.clock()
	out := make([]map[string]any, len(updates))
	for i, u := range updates {
		s.setStatus(targets[i], u.Status, who, now)
		out[i] = s.incidentJSON(targets[i], nil)
	}
	return out, nil
}

// setStatus moves an incident as PagerDuty's reference describes: acknowledging records an
// acknowledgement (again on an acknowledged incident: the timeout restarts); resolving
// clears assignments and acknowledgements; acknowledging or triggering a resolved incident
// reopens it, assigned to the acting user.
func (s *Sim) setStatus(in *pdIncident, status string, who *person, at time.Time) {
	if status == "" {
		return
	}
	reopened := in.status == "resolved" && status != "resolved"
	switch status {
	case "acknowledged":
		in.acks = append(in.acks, pdAction{at, who})
	case "resolved":
		in.assignments, in.acks, in.resolved = nil, nil, at
		for i := range in.alerts {
			in.alerts[i].status = "resolved"
		}
	case "triggered":
		in.acks = nil
	}
	if reopened {
		in.resolved = time.Time{}
		in.assignments = []pdAction{{at, who}}
	}
	in.status, in.lastChangeAt, in.lastChangeBy, in.updated = status, at, who, at
}
