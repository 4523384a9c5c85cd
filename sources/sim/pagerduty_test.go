package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var ctx = context.Background()

func pdClient(url, token string) *pd.Client { return pd.NewClient(token, pd.WithAPIEndpoint(url)) }

func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.PagerDuty.RateLimit = 3
	srv, _ := simtest.NewTestServer(t, opts, nil)
	for i, path := range []string{"/incidents", "/schedules/NOPE", "/oncalls?since=yesterday"} {
		resp, _ := get(t, srv.URL+path, "Authorization", "Token token=rl")
		if resp.Header.Get("ratelimit-limit") != "3" || resp.Header.Get("ratelimit-remaining") != fmt.Sprint(2-i) {
			t.Errorf("%s (%d): limit %q remaining %q", path, resp.StatusCode, resp.Header.Get("ratelimit-limit"), resp.Header.Get("ratelimit-remaining"))
		}
		if reset := resp.Header.Get("ratelimit-reset"); reset == "" || reset == "0" || len(reset) > 2 {
			t.Errorf("ratelimit-reset %q: seconds to the end of the minute", reset)
		}
	}
	resp, body := get(t, srv.URL+"/incidents", "Authorization", "Token token=rl")
	if resp.StatusCode != 429 || !strings.Contains(string(body), `"code":2020`) || resp.Header.Get("ratelimit-remaining") != "0" {
		t.Errorf("past the limit: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := get(t, srv.URL+"/incidents", "Authorization", "Token token=other"); resp.StatusCode != 200 {
		t.Errorf("the limit is per key: %d", resp.StatusCode)
	}
}

func TestIncidentsDefaultToTheLast30Days(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	c := pdClient(srv.URL, "x")
	count := func(o pd.ListIncidentsOptions) (n int, old bool) {
		t.Helper()
		o.Statuses, o.Limit = []string{"triggered", "acknowledged"}, 100
		resp, err := c.ListIncidentsWithContext(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range resp.Incidents {
			old = old || strings.Contains(in.Title, "WALGBaseBackupFailed")
		}
		return len(resp.Incidents), old
	}
	if n, old := count(pd.ListIncidentsOptions{}); old || n != 3 {
		t.Errorf("default window: %d open, the 45-day-old page listed: %v", n, old)
	}
	if n, old := count(pd.ListIncidentsOptions{DateRange: "all"}); !old || n != 4 {
		t.Errorf("date_range=all: %d open, the 45-day-old page listed: %v", n, old)
	}
	if _, old := count(pd.ListIncidentsOptions{Since: now.Add(-50 * 24 * time.Hour).Format(time.RFC3339), Until: now.Format(time.RFC3339)}); !old {
		t.Error("since 50 days ago: the old page is missing")
	}
	_, err := c.ListIncidentsWithContext(ctx, pd.ListIncidentsOptions{Since: now.AddDate(-1, 0, 0).Format(time.RFC3339), Until: now.Format(time.RFC3339)})
	var ae pd.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Errorf("a year is more than the 6 months allowed: %v", err)
	}
}

func TestOnCallsComeFromEscalationPolicies(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	c := pdClient(srv.URL, "x")
	at := now.Format(time.RFC3339)
	list := func(o pd.ListOnCallOptions) []pd.OnCall {
		t.Helper()
		if o.Since == "" {
			o.Since, o.Until = at, at
		}
		o.Limit = 100
		resp, err := c.ListOnCallsWithContext(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		return resp.OnCalls
	}
	day := now.Add(24 * time.Hour).Format(time.RFC3339)
	if got := list(pd.ListOnCallOptions{ScheduleIDs: []string{"PAMER01"}, Since: at, Until: day}); len(got) != 0 {
		t.Errorf("AMER's schedule feeds no policy, yet /oncalls lists %d entries", len(got))
	}
	emea := list(pd.ListOnCallOptions{ScheduleIDs: []string{"PEMEA01"}})
	if len(emea) != 2 || emea[0].EscalationLevel != 1 || emea[1].EscalationLevel != 2 || emea[0].User.ID != emea[1].User.ID {
		t.Errorf("EMEA's schedule is on levels 1 and 2: %+v", emea)
	}
	all := list(pd.ListOnCallOptions{})
	var permanent *pd.OnCall
	for i := range all {
		if all[i].EscalationLevel == 3 {
			permanent = &all[i]
		}
	}
	if permanent == nil || permanent.Start != "" || permanent.End != "" || permanent.Schedule.ID != "" {
		t.Errorf("level 3 pages a person directly: a permanent on-call with null times and schedule: %+v", permanent)
	}
	// The schedule itself still answers for AMER.
	evening := now.Add(150 * time.Minute) // 17:00 UTC, AMER on
	sched, err := c.GetScheduleWithContext(ctx, "PAMER01", pd.GetScheduleOptions{Since: evening.Format(time.RFC3339), Until: now.Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil || len(sched.FinalSchedule.RenderedScheduleEntries) == 0 {
		t.Fatalf("%v %+v", err, sched)
	}
	if first := sched.FinalSchedule.RenderedScheduleEntries[0]; first.Start != "2026-11-23T12:00:00-05:00" {
		t.Errorf("entries are cut to since (in the schedule's zone): %+v", first)
	}
}

func TestOverridesAndGapsInTheFinalSchedule(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.PagerDuty.Overrides = []sim.Override{{Schedule: "PEMEA01", Start: now.Add(-time.Hour), End: now.Add(time.Hour), Username: "isolberg"}}
	opts.PagerDuty.Gaps = []sim.ScheduleGap{{Schedule: "PAMER01", Start: now.Add(90 * time.Minute), End: now.Add(5 * time.Hour)}}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	c := pdClient(srv.URL, "x")
	var doc struct {
		Schedule struct {
			Final     json.RawMessage `json:"final_schedule"`
			Overrides struct {
				Entries []struct{ Start, End string } `json:"rendered_schedule_entries"`
			} `json:"overrides_subschedule"`
		} `json:"schedule"`
	}
	_, body := get(t, srv.URL+"/schedules/PEMEA01?time_zone=UTC&since="+now.Format(time.RFC3339)+"&until="+now.Add(time.Hour).Format(time.RFC3339), "Authorization", "Token token=x")
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Schedule.Overrides.Entries) != 1 {
		t.Fatalf("overrides_subschedule (the real name): %v %s", err, body)
	}
	if !strings.Contains(string(doc.Schedule.Final), "Ingrid Solberg") {
		t.Errorf("the override is in final_schedule: %s", doc.Schedule.Final)
	}
	ocs, err := c.ListOnCallsWithContext(ctx, pd.ListOnCallOptions{ScheduleIDs: []string{"PEMEA01"}, Since: now.Format(time.RFC3339), Until: now.Format(time.RFC3339)})
	if err != nil || len(ocs.OnCalls) == 0 || ocs.OnCalls[0].User.Summary != "Ingrid Solberg" {
		t.Errorf("/oncalls shows the override: %v %+v", err, ocs)
	}
	sched, err := c.GetScheduleWithContext(ctx, "PAMER01", pd.GetScheduleOptions{TimeZone: "UTC", Since: now.Format(time.RFC3339), Until: now.Add(24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sched.FinalSchedule.RenderedScheduleEntries {
		start, _ := time.Parse(time.RFC3339, e.Start)
		end, _ := time.Parse(time.RFC3339, e.End)
		if start.Before(now.Add(5*time.Hour)) && end.After(now.Add(90*time.Minute)) {
			t.Errorf("an entry covers the gap: %+v", e)
		}
	}
	if sched.FinalSchedule.RenderedCoveragePercentage >= 100 {
		t.Errorf("coverage %v%% with a gap", sched.FinalSchedule.RenderedCoveragePercentage)
	}
}

// put sends a raw PUT, for the shapes go-pagerduty does not send.
func put(t *testing.T, url, token, from, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Token token="+token)
	req.Header.Set("Content-Type", "application/json")
	if from != "" {
		req.Header.Set("From", from)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp, b.String()
}

func openPages(t *testing.T, c *pd.Client) map[string]pd.Incident {
	t.Helper()
	resp, err := c.ListIncidentsWithContext(ctx, pd.ListIncidentsOptions{DateRange: "all", Statuses: []string{"triggered", "acknowledged", "resolved"}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]pd.Incident{}
	for _, in := range resp.Incidents {
		out[in.Status+":"+in.Title[strings.Index(in.Title, "]")+2:]] = in
	}
	return out
}

func TestWritesNeedAUserAndChangeTheIncident(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	c := pdClient(srv.URL, "account-key")
	gitaly := openPages(t, c)["triggered:GitalyCPUSaturation file-cny-01"]
	if gitaly.ID == "" {
		t.Fatal("no triggered page")
	}
	body := `{"incident":{"type":"incident_reference","status":"acknowledged"}}`
	resp, text := put(t, srv.URL+"/incidents/"+gitaly.ID, "account-key", "", body)
	if resp.StatusCode != 400 || !strings.Contains(text, `\"From\" header`) || !strings.Contains(text, `"code":2016`) {
		t.Errorf("an account key without From: %d %s", resp.StatusCode, text)
	}
	if resp, text := put(t, srv.URL+"/incidents/"+gitaly.ID, "account-key", "nobody@example.com", body); resp.StatusCode != 400 || !strings.Contains(text, "Requester User Not Found") {
		t.Errorf("From that is nobody: %d %s", resp.StatusCode, text)
	}
	if resp, text := put(t, srv.URL+"/incidents/"+gitaly.ID, "account-key", "pnowak@example.com", `{"incident":{"type":"page","status":"acknowledged"}}`); resp.StatusCode != 400 {
		t.Errorf("a wrong type: %d %s", resp.StatusCode, text)
	}
	resp, text = put(t, srv.URL+"/incidents/"+gitaly.ID, "account-key", "pnowak@example.com", body)
	if resp.StatusCode != 200 || !strings.Contains(text, `"status":"acknowledged"`) || !strings.Contains(text, `"summary":"Piotr Nowak"`) {
		t.Fatalf("acknowledge as Piotr: %d %s", resp.StatusCode, text)
	}
	// A user key acts as its user, From or not, and may acknowledge again (harmless).
	resp, text = put(t, srv.URL+"/incidents/"+gitaly.ID, sim.UserToken("cmartin"), "", body)
	if resp.StatusCode != 200 || strings.Count(text, `"acknowledger"`) != 2 || !strings.Contains(text, "Chloé Martin") {
		t.Errorf("re-acknowledge with a user key: %d %s", resp.StatusCode, text)
	}
	// The list form, through go-pagerduty.
	res, err := c.ManageIncidentsWithContext(ctx, "pnowak@example.com", []pd.ManageIncidentsOptions{{ID: gitaly.ID, Status: "resolved"}})
	if err != nil || len(res.Incidents) != 1 || res.Incidents[0].Status != "resolved" || len(res.Incidents[0].Assignments) != 0 {
		t.Fatalf("resolve: %v %+v", err, res)
	}
	_, err = c.ManageIncidentsWithContext(ctx, "pnowak@example.com", []pd.ManageIncidentsOptions{{ID: gitaly.ID, Status: "resolved"}})
	var ae pd.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.APIError.ErrorObject.Code != 1001 {
		t.Errorf("resolving again: %v", err)
	}
	// Acknowledging a resolved incident reopens it (PagerDuty's reference), assigned to the actor.
	resp, text = put(t, srv.URL+"/incidents/"+gitaly.ID, sim.UserToken("cmartin"), "", body)
	if resp.StatusCode != 200 || !strings.Contains(text, `"status":"acknowledged"`) || !strings.Contains(text, `"resolved_at":null`) {
		t.Errorf("reopen: %d %s", resp.StatusCode, text)
	}
	many := make([]string, 251)
	for i := range many {
		many[i] = `{"id":"` + gitaly.ID + `","type":"incident_reference","status":"acknowledged"}`
	}
	if resp, _ := put(t, srv.URL+"/incidents", "account-key", "pnowak@example.com", `{"incidents":[`+strings.Join(many, ",")+`]}`); resp.StatusCode != 413 {
		t.Errorf("251 incidents at once: %d", resp.StatusCode)
	}
}

func TestReadOnlyKeysCannotWrite(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.PagerDuty.ReadOnly = true
	srv, _ := simtest.NewTestServer(t, opts, nil)
	c := pdClient(srv.URL, "ro")
	page := openPages(t, c)["triggered:GitalyCPUSaturation file-cny-01"]
	_, err := c.ManageIncidentsWithContext(ctx, "pnowak@example.com", []pd.ManageIncidentsOptions{{ID: page.ID, Status: "acknowledged"}})
	var ae pd.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Errorf("a read-only key writes: %v", err)
	}
	if got := openPages(t, c)["triggered:GitalyCPUSaturation file-cny-01"]; got.ID != page.ID {
		t.Error("the page changed anyway")
	}
}

func TestUsersMeNeedsAUserKey(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	me, err := pdClient(srv.URL, sim.UserToken("akowalska")).GetCurrentUserWithContext(ctx, pd.GetCurrentUserOptions{})
	if err != nil || me.Email != "akowalska@example.com" || me.Name != "Ana Kowalska" {
		t.Errorf("user key: %v %+v", err, me)
	}
	_, err = pdClient(srv.URL, "account-key").GetCurrentUserWithContext(ctx, pd.GetCurrentUserOptions{})
	var ae pd.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Errorf("account key: %v", err)
	}
	if _, err := pdClient(srv.URL, sim.UserToken("nobody")).GetCurrentUserWithContext(ctx, pd.GetCurrentUserOptions{}); !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Errorf("the user key of nobody: %v", err)
	}
}

func TestAlertsAndNotesOfAPage(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	c := pdClient(srv.URL, "x")
	web := openPages(t, c)["acknowledged:WebServiceErrorRatioHigh web gprd us-east1-d"]
	alerts, err := c.ListIncidentAlertsWithContext(ctx, web.ID, pd.ListIncidentAlertsOptions{Limit: 1})
	if err != nil || len(alerts.Alerts) != 1 || !alerts.More || alerts.Alerts[0].Summary == "" || alerts.Alerts[0].Severity != "critical" || alerts.Alerts[0].Incident.ID != web.ID {
		t.Errorf("alerts, one a page: %v %+v", err, alerts)
	}
	notes, err := c.ListIncidentNotesWithContext(ctx, web.ID)
	if err != nil || len(notes) != 1 || notes[0].Content == "" || notes[0].User.Summary == "" || notes[0].CreatedAt == "" {
		t.Errorf("notes: %v %+v", err, notes)
	}
	if _, err := c.ListIncidentNotesWithContext(ctx, "QNOPE"); err == nil {
		t.Error("notes of no incident")
	}
}
