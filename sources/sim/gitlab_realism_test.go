package sim_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

const prodPath = "gitlab-com/gl-infra/production"

func project(path string) string { return "/api/v4/projects/" + url.PathEscape(path) }

func listJSON(t *testing.T, rawURL string) (*http.Response, []map[string]any) {
	t.Helper()
	resp, body := get(t, rawURL, "Private-Token", "x")
	var out []map[string]any
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return resp, out
}

func TestLabelsFilterIsExact(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, lower := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&state=opened")
	_, upper := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=Incident&state=opened")
	if len(lower) == 0 || len(upper) != 0 {
		t.Fatalf("labels=incident: %d issues, labels=Incident: %d; GitLab matches titles exactly", len(lower), len(upper))
	}
}

func TestLabelsEndpointHasTheRealShapeAndSearch(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	resp, labels := listJSON(t, srv.URL+project(prodPath)+"/labels?search=INCIDENT&per_page=100")
	if resp.StatusCode != 200 || len(labels) == 0 {
		t.Fatalf("%d, %d labels", resp.StatusCode, len(labels))
	}
	names := map[string]bool{}
	for _, l := range labels {
		names[l["name"].(string)] = true
		for field, kind := range map[string]string{"id": "float64", "name": "string", "color": "string", "text_color": "string",
			"open_issues_count": "float64", "closed_issues_count": "float64", "subscribed": "bool", "is_project_label": "bool"} {
			if got := typeName(l[field]); got != kind {
				t.Errorf("label field %s is %s; GitLab sends %s", field, got, kind)
			}
		}
	}
	// A case-insensitive substring match on the title (or the description).
	if !names["incident"] || !names["Incident::Active"] || !names["Incident::Resolved"] || names["change"] {
		t.Errorf("search=INCIDENT found %v", names)
	}
	_, byDesc := listJSON(t, srv.URL+project(prodPath)+"/labels?search=production+change")
	if len(byDesc) != 1 || byDesc[0]["name"] != "change" {
		t.Errorf("search on the description: %v", byDesc)
	}
	var real []*gl.Label
	_, body := get(t, srv.URL+project(prodPath)+"/labels", "Private-Token", "x")
	if err := json.Unmarshal(body, &real); err != nil || len(real) != 20 {
		t.Fatalf("client-go reads %d labels (want the default page of 20): %v", len(real), err)
	}
}

func TestActivityFilter(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&state=opened&per_page=1")
	notes := srv.URL + project(prodPath) + "/issues/" + strconv.Itoa(int(issues[0]["iid"].(float64))) + "/notes?per_page=100"
	_, all := listJSON(t, notes)
	_, human := listJSON(t, notes+"&activity_filter=only_comments")
	_, system := listJSON(t, notes+"&activity_filter=only_activity")
	if len(human) == 0 || len(system) == 0 || len(human)+len(system) != len(all) {
		t.Fatalf("%d notes: %d comments, %d system notes", len(all), len(human), len(system))
	}
	for _, n := range human {
		if n["system"] != false {
			t.Errorf("only_comments gave a system note: %v", n["body"])
		}
	}
	if resp, _ := listJSON(t, notes+"&activity_filter=humans"); resp.StatusCode != 400 {
		t.Errorf("activity_filter=humans: %d; GitLab answers 400", resp.StatusCode)
	}
}

func TestNullDescriptionsAndReopenedIncident(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?per_page=100")
	nulls := 0
	var reopened map[string]any
	for _, is := range issues {
		if v, ok := is["description"]; ok && v == nil {
			nulls++
		}
		if strings.Contains(is["title"].(string), "Sidekiq urgent-other queue backlog") {
			reopened = is
		}
	}
	if nulls == 0 {
		t.Error("no issue has description: null")
	}
	if reopened == nil || reopened["state"] != "opened" || reopened["closed_at"] != nil {
		t.Fatalf("the reopened incident: %v", reopened)
	}
	_, events := listJSON(t, srv.URL+project(prodPath)+"/issues/"+strconv.Itoa(int(reopened["iid"].(float64)))+"/resource_label_events?per_page=100")
	var seq []string
	for _, e := range events {
		l := e["label"].(map[string]any)["name"].(string)
		if strings.HasPrefix(l, "Incident::") {
			seq = append(seq, e["action"].(string)+" "+l)
		}
	}
	want := "add Incident::Active,remove Incident::Active,add Incident::Mitigated,remove Incident::Mitigated,add Incident::Resolved,remove Incident::Resolved,add Incident::Active"
	if strings.Join(seq, ",") != want {
		t.Errorf("label events %v", seq)
	}
}

func TestUpdatedAfterIsOnOrAfter(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&per_page=1&order_by=updated_at")
	at := issues[0]["updated_at"].(string)
	_, got := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&updated_after="+url.QueryEscape(at))
	for _, is := range got {
		if is["iid"] == issues[0]["iid"] {
			return
		}
	}
	t.Fatalf("updated_after=%s left out the issue updated at that instant", at)
}

func TestNoTotalsPastTenThousand(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.ManyIssues = 10_001
	srv, _ := simtest.NewTestServer(t, opts, nil)
	resp, _ := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&per_page=100&page=3")
	if resp.Header.Get("X-Total") != "" || resp.Header.Get("X-Total-Pages") != "" || strings.Contains(resp.Header.Get("Link"), `rel="last"`) {
		t.Errorf("past 10,000 results: X-Total %q, X-Total-Pages %q, Link %q", resp.Header.Get("X-Total"), resp.Header.Get("X-Total-Pages"), resp.Header.Get("Link"))
	}
	if resp.Header.Get("X-Next-Page") != "4" {
		t.Errorf("X-Next-Page %q", resp.Header.Get("X-Next-Page"))
	}
	resp, _ = listJSON(t, srv.URL+project(prodPath)+"/issues?labels=change&per_page=100")
	if resp.Header.Get("X-Total-Pages") != "1" {
		t.Errorf("a short list keeps its totals: %q", resp.Header.Get("X-Total-Pages"))
	}
}

func TestReadOnlyTokenAndFreeTier(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.ReadOnlyTokens = []string{"glpat-readonly"}
	opts.FreeTier = true
	opts.NonMembers = []string{"mbell"}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	handoffs := "gitlab-com/gl-infra/on-call-handovers"
	ro, _ := gl.NewClient("glpat-readonly", gl.WithBaseURL(srv.URL), gl.WithoutRetries())
	if _, _, err := ro.Issues.ListProjectIssues(handoffs, nil); err != nil {
		t.Fatalf("a read_api token can read: %v", err)
	}
	_, _, err := ro.Issues.CreateIssue(handoffs, &gl.CreateIssueOptions{Title: gl.Ptr("x")})
	var er *gl.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 403 ||
		string(er.Body) != `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}`+"\n" {
		t.Fatalf("a write with a read_api token: %v (%s)", err, bodyOf(er))
	}
	rw, _ := gl.NewClient("glpat-full", gl.WithBaseURL(srv.URL), gl.WithoutRetries())
	var ids []int64
	for _, u := range []string{"mbell", "akowalska", "jreyes"} {
		users, _, err := rw.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(u)})
		if err != nil || len(users) != 1 {
			t.Fatalf("user %s: %v", u, err)
		}
		ids = append(ids, users[0].ID)
	}
	is, _, err := rw.Issues.CreateIssue(handoffs, &gl.CreateIssueOptions{Title: gl.Ptr("On-call handoff"), AssigneeIDs: &ids})
	if err != nil || len(is.Assignees) != 1 || is.Assignees[0].Username != "akowalska" {
		t.Fatalf("Free keeps the first assignee who can see the issue, only: %v %v", err, is)
	}
}

func bodyOf(er *gl.ErrorResponse) string {
	if er == nil {
		return ""
	}
	return string(er.Body)
}
