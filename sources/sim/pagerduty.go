package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

const pdWeb = "https://gitlab.pagerduty.com"

// pdPaging reads offset/limit like PagerDuty: limit defaults to 25 and is capped at 100.
func pdPaging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	limit = 25
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, 0, fmt.Errorf("limit must be a positive integer")
		}
		limit = min(limit, 100)
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, fmt.Errorf("offset must be a non-negative integer")
		}
	}
	return offset, limit, nil
}

func pdTime(r *http.Request, key string, def time.Time) (time.Time, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not an ISO 8601 date-time", key)
	}
	return t, nil
}

func ref(kind, id, summary, path string) map[string]any {
	return map[string]any{
		"id": id, "type": kind + "_reference", "summary": summary,
		"self": "https://api.pagerduty.com/" + path + "/" + id, "html_url": pdWeb + "/" + path + "/" + id,
	}
}

func (s *Sim) pdUser(p *person, full bool) map[string]any {
	if !full {
		return ref("user", p.pdID, p.name, "users")
	}
	return map[string]any{
		"id": p.pdID, "type": "user", "summary": p.name, "name": p.name, "email": p.email(),
		"time_zone": p.tz, "color": "purple", "role": "user", "avatar_url": "https://secure.gravatar.com/avatar/" + p.pdID,
		"description": "", "invitation_sent": false, "job_title": "Site Reliability Engineer",
		"self": "https://api.pagerduty.com/users/" + p.pdID, "html_url": pdWeb + "/users/" + p.pdID,
	}
}

// serveOnCalls answers GET /oncalls: every on-call period of the asked schedules that
// overlaps [since, until] (default: now), ordered by start, with times in the region's zone.
func (s *Sim) serveOnCalls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, err := pdPaging(r)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	since, err1 := pdTime(r, "since", s.clock())
	until, err2 := pdTime(r, "until", since)
	if err1 != nil || err2 != nil || until.Before(since) {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: since and until must be ISO 8601 with since <= until")
		return
	}
	if until.Sub(since) > 90*24*time.Hour {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: the range may not exceed 90 days")
		return
	}
	full := false
	for _, inc := range q["include[]"] {
		full = full || inc == "users"
	}
	var scheduleIDs []string
	scheduleIDs = append(scheduleIDs, q["schedule_ids[]"]...)

	s.mu.Lock()
	defer s.mu.Unlock()
	type period struct {
		region model.Region
		start  time.Time
		end    time.Time
		who    *person
	}
	var periods []period
	for _, reg := range s.opts.Rotation {
		if len(scheduleIDs) > 0 && !contains(scheduleIDs, reg.Schedule) {
			continue
		}
		sh := reg.NextShiftOf(since.Add(-25 * time.Hour))
		for ; sh.Start.Before(until) || sh.Start.Equal(until); sh = reg.NextShiftOf(sh.Start) {
			if sh.End.After(since) {
				periods = append(periods, period{reg, sh.Start, sh.End, s.onCallFor(reg, sh.Start)})
			}
		}
	}
	sort.SliceStable(periods, func(a, b int) bool { return periods[a].start.Before(periods[b].start) })
	total := len(periods)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	out := make([]map[string]any, 0, hi-lo)
	for _, p := range periods[lo:hi] {
		loc := loadZone(q.Get("time_zone"), p.who.tz)
		out = append(out, map[string]any{
			"escalation_policy": ref("escalation_policy", "EP"+p.region.Schedule, "GitLab.com Production - "+p.region.Name, "escalation_policies"),
			"escalation_level":  1,
			"schedule":          ref("schedule", p.region.Schedule, "SRE 8-hour "+p.region.Name, "schedules"),
			"user":              s.pdUser(p.who, full),
			"start":             p.start.In(loc).Format(time.RFC3339),
			"end":               p.end.In(loc).Format(time.RFC3339),
		})
	}
	var totalField any
	if q.Get("total") == "true" {
		totalField = total
	}
	writeJSON(w, http.StatusOK, map[string]any{"oncalls": out, "limit": limit, "offset": offset, "more": hi < total, "total": totalField})
}

// serveIncidents answers GET /incidents filtered by statuses[].
func (s *Sim) serveIncidents(w http.ResponseWriter, r *http.Request) {
	offset, limit, err := pdPaging(r)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	statuses := r.URL.Query()["statuses[]"]
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []pdIncident
	for _, in := range s.pages {
		if len(statuses) == 0 || contains(statuses, in.status) {
			match = append(match, in)
		}
	}
	lo := min(offset, len(match))
	hi := min(lo+limit, len(match))
	out := make([]map[string]any, 0, hi-lo)
	for _, in := range match[lo:hi] {
		created := in.created.UTC().Format(time.RFC3339)
		svcID := fmt.Sprintf("PS%05X", s.hash(in.service)%0xFFFFF)
		out = append(out, map[string]any{
			"id": in.id, "type": "incident", "summary": fmt.Sprintf("[#%d] %s", in.number, in.title),
			"self": "https://api.pagerduty.com/incidents/" + in.id, "html_url": pdWeb + "/incidents/" + in.id,
			"incident_number": in.number, "title": in.title, "created_at": created, "updated_at": created,
			"status": in.status, "incident_key": in.key, "urgency": "high",
			"service":               ref("service", svcID, in.service, "services"),
			"assignments":           []map[string]any{{"at": created, "assignee": s.pdUser(in.assignee, false)}},
			"acknowledgements":      []any{},
			"last_status_change_at": created,
			"escalation_policy":     ref("escalation_policy", "EPGLCOM", "GitLab.com Production", "escalation_policies"),
			"teams":                 []any{}, "priority": nil, "alert_counts": map[string]any{"all": 1, "triggered": 1, "resolved": 0},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": out, "limit": limit, "offset": offset, "more": hi < len(match), "total": nil})
}

// serveSchedule answers GET /schedules/:id; final_schedule is rendered only for since/until.
func (s *Sim) serveSchedule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var reg *model.Region
	for i := range s.opts.Rotation {
		if s.opts.Rotation[i].Schedule == id {
			reg = &s.opts.Rotation[i]
		}
	}
	if reg == nil {
		writePDError(w, http.StatusNotFound, 2100, "Not Found")
		return
	}
	sched := ref("schedule", id, "SRE 8-hour "+reg.Name, "schedules")
	sched["type"] = "schedule"
	sched["name"] = sched["summary"]
	sched["time_zone"] = "UTC"
	sched["description"] = fmt.Sprintf("%s on call %s-%s UTC", reg.Name, reg.Start, reg.End)
	q := r.URL.Query()
	if q.Get("since") != "" && q.Get("until") != "" {
		since, err1 := pdTime(r, "since", time.Time{})
		until, err2 := pdTime(r, "until", time.Time{})
		if err1 != nil || err2 != nil {
			writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: since and until must be ISO 8601")
			return
		}
		s.mu.Lock()
		var entries []map[string]any
		for sh := reg.NextShiftOf(since.Add(-25 * time.Hour)); !sh.Start.After(until); sh = reg.NextShiftOf(sh.Start) {
			if sh.End.After(since) {
				entries = append(entries, map[string]any{"start": sh.Start.Format(time.RFC3339), "end": sh.End.Format(time.RFC3339), "user": s.pdUser(s.onCallFor(*reg, sh.Start), false)})
			}
		}
		s.mu.Unlock()
		sched["final_schedule"] = map[string]any{"name": "Final Schedule", "rendered_schedule_entries": entries, "rendered_coverage_percentage": 100.0}
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedule": sched})
}

func loadZone(asked, def string) *time.Location {
	for _, name := range []string{asked, def} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// writePDError answers like PagerDuty: {"error": {"message": ..., "code": ...}}.
func writePDError(w http.ResponseWriter, code, pdCode int, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"message": msg, "code": pdCode, "errors": []string{msg}}})
}
