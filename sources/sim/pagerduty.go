package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
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

// writePDError answers like PagerDuty: {"error": {"message": ..., "code": ..., "errors":
// [details]}}; without details the message is the one detail.
func writePDError(w http.ResponseWriter, code, pdCode int, msg string, details ...string) {
	if len(details) == 0 {
		details = []string{msg}
	}
	writeJSON(w, code, map[string]any{"error": map[string]any{"message": msg, "code": pdCode, "errors": details}})
}

// pdWindow reads since/until (default: now) like GET /oncalls: since <= until, at most
// maxRange apart.
func (s *Sim) pdWindow(r *http.Request, maxRange time.Duration) (since, until time.Time, err error) {
	since, err1 := pdTime(r, "since", s.clock())
	until, err2 := pdTime(r, "until", since)
	switch {
	case err1 != nil || err2 != nil || until.Before(since):
		return since, until, fmt.Errorf("since and until must be ISO 8601 with since <= until")
	case until.Sub(since) > maxRange:
		return since, until, fmt.Errorf("the range may not exceed %d days", int(maxRange.Hours()/24))
	}
	return since, until, nil
}

// oncall is one entry of GET /oncalls; zero start and end: a permanent on-call.
type oncall struct {
	policy     Policy
	level      int
	schedule   string // "" for a person paged directly
	start, end time.Time
	who        *person
}

// serveOnCalls answers GET /oncalls. On-calls come from the escalation policies: a
// schedule no policy uses is never listed, one used on two levels is listed twice, and a
// person paged directly is a permanent on-call (null start, end and schedule), listed only
// when schedule_ids[] is absent or holds "null".
func (s *Sim) serveOnCalls(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	offset, limit, err := pdPaging(r)
	var since, until time.Time
	if err == nil {
		since, until, err = s.pdWindow(r, 90*24*time.Hour)
	}
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	full := contains(q["include[]"], "users")
	schedules, policies, users := q["schedule_ids[]"], q["escalation_policy_ids[]"], q["user_ids[]"]

	s.mu.Lock()
	defer s.mu.Unlock()
	var list []oncall
	for _, p := range s.pd.policies {
		if len(policies) > 0 && !contains(policies, p.ID) {
			continue
		}
		for i, targets := range p.Levels {
			for _, target := range targets {
				list = append(list, s.targetOnCalls(p, i+1, target, schedules, since, until)...)
			}
		}
	}
	if len(users) > 0 {
		kept := list[:0]
		for _, oc := range list {
			if contains(users, oc.who.pdID) {
				kept = append(kept, oc)
			}
		}
		list = kept
	}
	sort.SliceStable(list, func(a, b int) bool {
		if list[a].start.Equal(list[b].start) {
			return list[a].level < list[b].level
		}
		return list[a].start.Before(list[b].start)
	})
	writePDList(w, r, "oncalls", list, offset, limit, func(oc oncall) map[string]any {
		return s.onCallJSON(oc, loadZone(q.Get("time_zone"), oc.who.tz), full)
	})
}

// writePDList writes one page of a PagerDuty list (classic pagination): the items from
// offset, at most limit, rendered, with "more", and "total" only when the request asked
// for it (total=true), as PagerDuty does.
func writePDList[T any](w http.ResponseWriter, r *http.Request, key string, items []T, offset, limit int, render func(T) map[string]any) {
	lo := min(offset, len(items))
	hi := min(lo+limit, len(items))
	out := make([]map[string]any, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	var total any
	if r.URL.Query().Get("total") == "true" {
		total = len(items)
	}
	writeJSON(w, http.StatusOK, map[string]any{key: out, "limit": limit, "offset": offset, "more": hi < len(items), "total": total})
}

// targetOnCalls are the on-calls of one escalation target overlapping [since, until].
func (s *Sim) targetOnCalls(p Policy, level int, target string, schedules []string, since, until time.Time) []oncall {
	if username, ok := cutUser(target); ok {
		who := s.personByUsername(username)
		if who == nil || (len(schedules) > 0 && !contains(schedules, "null")) {
			return nil
		}
		return []oncall{{policy: p, level: level, who: who}}
	}
	if len(schedules) > 0 && !contains(schedules, target) {
		return nil
	}
	var out []oncall
	for _, e := range s.finalSchedule(target, since, until.Add(time.Nanosecond)) {
		if e.end.After(since) && !e.start.After(until) {
			out = append(out, oncall{policy: p, level: level, schedule: target, start: e.start, end: e.end, who: e.who})
		}
	}
	return out
}

func (s *Sim) onCallJSON(oc oncall, loc *time.Location, full bool) map[string]any {
	var start, end, schedule any
	if !oc.start.IsZero() {
		start, end = oc.start.In(loc).Format(time.RFC3339), oc.end.In(loc).Format(time.RFC3339)
		schedule = ref("schedule", oc.schedule, s.scheduleName(oc.schedule), "schedules")
	}
	return map[string]any{
		"escalation_policy": ref("escalation_policy", oc.policy.ID, oc.policy.Name, "escalation_policies"),
		"escalation_level":  oc.level, "schedule": schedule, "user": s.pdUser(oc.who, full), "start": start, "end": end,
	}
}

func (s *Sim) scheduleName(id string) string {
	for _, r := range s.opts.Rotation {
		if r.Schedule == id {
			return "SRE " + r.Name
		}
	}
	return id
}

// scheduleZone is the time zone a schedule renders in: its first region's people's.
func (s *Sim) scheduleZone(id string) string {
	for _, r := range s.opts.Rotation {
		if r.Schedule == id {
			return regionTZ[rosterKey(r.Name)]
		}
	}
	return "UTC"
}

// serveSchedule answers GET /schedules/:id. The rendered entries (of the layer, the
// overrides and the final schedule) are there only when since and until are given, cut to
// that range unless overflow=true, in time_zone (default: the schedule's zone).
func (s *Sim) serveSchedule(w http.ResponseWriter, r *http.Request, _ caller) {
	id := r.PathValue("id")
	if !s.scheduleExists(id) {
		writePDError(w, http.StatusNotFound, 2100, "Not Found")
		return
	}
	q := r.URL.Query()
	tz := s.scheduleZone(id)
	sched := ref("schedule", id, s.scheduleName(id), "schedules")
	sched["type"], sched["name"], sched["time_zone"], sched["description"] = "schedule", s.scheduleName(id), tz, "Follow-the-sun on-call"
	sched["teams"] = []any{}
	s.mu.Lock()
	defer s.mu.Unlock()
	policies := []map[string]any{}
	for _, p := range s.pd.policies {
		for _, targets := range p.Levels {
			if contains(targets, id) {
				policies = append(policies, ref("escalation_policy", p.ID, p.Name, "escalation_policies"))
				break
			}
		}
	}
	sched["escalation_policies"] = policies
	if q.Get("since") == "" || q.Get("until") == "" {
		sched["final_schedule"] = map[string]any{"name": "Final Schedule", "rendered_schedule_entries": []any{}, "rendered_coverage_percentage": nil}
		writeJSON(w, http.StatusOK, map[string]any{"schedule": sched})
		return
	}
	since, until, err := s.pdWindow(r, 366*24*time.Hour)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	loc := loadZone(q.Get("time_zone"), tz)
	final := s.finalSchedule(id, since, until)
	var overrides []entry
	for _, o := range s.pd.overrides {
		if o.schedule == id && o.end.After(since) && o.start.Before(until) {
			overrides = append(overrides, entry{o.start, o.end, o.who})
		}
	}
	if q.Get("overflow") != "true" {
		final, overrides = clip(final, since, until), clip(overrides, since, until)
	}
	sched["final_schedule"] = s.layerJSON("Final Schedule", final, loc, since, until)
	// The real field is overrides_subschedule (go-pagerduty v1.8.0 reads override_subschedule).
	sched["overrides_subschedule"] = s.layerJSON("Overrides", overrides, loc, since, until)
	writeJSON(w, http.StatusOK, map[string]any{"schedule": sched})
}

func (s *Sim) layerJSON(name string, es []entry, loc *time.Location, since, until time.Time) map[string]any {
	out := make([]map[string]any, 0, len(es))
	for _, e := range es {
		out = append(out, map[string]any{"start": e.start.In(loc).Format(time.RFC3339), "end": e.end.In(loc).Format(time.RFC3339), "user": s.pdUser(e.who, false)})
	}
	var covered time.Duration
	for _, e := range clip(es, since, until) {
		covered += e.end.Sub(e.start)
	}
	pct := 100.0
	if span := until.Sub(since); span > 0 {
		pct = float64(int(1000*float64(covered)/float64(span))) / 10
	}
	return map[string]any{"name": name, "rendered_schedule_entries": out, "rendered_coverage_percentage": pct}
}

// serveScheduleUsers answers GET /schedules/:id/users: the users on call in the schedule's
// final layer over [since, until], as full user objects (emails included).
func (s *Sim) serveScheduleUsers(w http.ResponseWriter, r *http.Request, _ caller) {
	id := r.PathValue("id")
	if !s.scheduleExists(id) {
		writePDError(w, http.StatusNotFound, 2100, "Not Found")
		return
	}
	since, until, err := s.pdWindow(r, 366*24*time.Hour)
	if err != nil {
		writePDError(w, http.StatusBadRequest, 2001, "Invalid Input Provided: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	users := []map[string]any{}
	seen := map[string]bool{}
	for _, e := range s.finalSchedule(id, since, until.Add(time.Nanosecond)) {
		if e.end.After(since) && !e.start.After(until) && !seen[e.who.pdID] {
			seen[e.who.pdID] = true
			users = append(users, s.pdUser(e.who, true))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}
