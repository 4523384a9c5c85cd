package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func get(t *testing.T, rawURL string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestGitLabIssuesHaveTheRealShape(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	resp, body := get(t, srv.URL+"/api/v4/projects/"+url.PathEscape("gitlab-com/gl-infra/production")+"/issues?labels=incident&state=opened&per_page=3", "Private-Token", "x")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	for _, h := range []string{"X-Total", "X-Total-Pages", "X-Page", "X-Per-Page", "X-Next-Page", "Link"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing paging header %s", h)
		}
	}
	if !strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Errorf("Link %q", resp.Header.Get("Link"))
	}
	var raw []map[string]any
	if err := json.Unmarshal(body, &raw); err != nil || len(raw) != 3 {
		t.Fatalf("%v, %d issues", err, len(raw))
	}
	is := raw[0]
	for field, kind := range map[string]string{"id": "float64", "iid": "float64", "project_id": "float64", "title": "string",
		"description": "string", "state": "string", "created_at": "string", "labels": "[]interface {}", "assignees": "[]interface {}",
		"author": "map[string]interface {}", "web_url": "string", "type": "string", "confidential": "bool", "references": "map[string]interface {}"} {
		if got := typeName(is[field]); got != kind {
			t.Errorf("field %s is %s; GitLab sends %s", field, got, kind)
		}
	}
	if is["type"] != "INCIDENT" || is["issue_type"] != "incident" {
		t.Errorf("type %v issue_type %v", is["type"], is["issue_type"])
	}
	labels := toStrings(is["labels"])
	if !sort.StringsAreSorted(labels) {
		t.Errorf("labels not sorted by title, byte-wise: %v", labels)
	}
	// And the real client reads it.
	var issues []*gl.Issue
	if err := json.Unmarshal(body, &issues); err != nil || issues[0].CreatedAt == nil || issues[0].Author == nil {
		t.Fatalf("client-go cannot read the issues: %v", err)
	}
}

func TestErrorsHaveTheRealShape(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	resp, body := get(t, srv.URL+"/api/v4/projects/1/issues")
	if resp.StatusCode != 401 || !strings.Contains(string(body), `"message":"401 Unauthorized"`) {
		t.Errorf("GitLab without a token: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, srv.URL+"/oncalls")
	if resp.StatusCode != 401 || !strings.Contains(string(body), `"error":{`) || !strings.Contains(string(body), `"code":2006`) {
		t.Errorf("PagerDuty without a token: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, srv.URL+"/oncalls?since=yesterday", "Authorization", "Token token=x")
	if resp.StatusCode != 400 {
		t.Errorf("bad since: %d", resp.StatusCode)
	}
}

func TestOnCallTimesAreInTheUsersZone(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	_, body := get(t, srv.URL+"/oncalls?schedule_ids%5B%5D=PEMEA01&since=2026-11-23T10:00:00Z&until=2026-11-23T10:00:00Z", "Authorization", "Token token=x")
	var doc struct {
		OnCalls []struct {
			User  map[string]any `json:"user"`
			Start string         `json:"start"`
			End   string         `json:"end"`
		} `json:"oncalls"`
		More bool `json:"more"`
	}
	// The EMEA schedule is on levels 1 and 2 of the default policy: two entries.
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.OnCalls) != 2 {
		t.Fatalf("%v %s", err, body)
	}
	oc := doc.OnCalls[0]
	if oc.Start != "2026-11-23T05:00:00+01:00" || oc.End != "2026-11-23T17:00:00+01:00" {
		t.Errorf("EMEA shift in Amsterdam time: %s..%s", oc.Start, oc.End)
	}
	if oc.User["type"] != "user_reference" || oc.User["summary"] == "" {
		t.Errorf("without include[]=users the user is a reference: %v", oc.User)
	}
}

func TestPostsAreKept(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	c, err := gl.NewClient("x", gl.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	project := "gitlab-com/gl-infra/on-call-handovers"
	is, _, err := c.Issues.CreateIssue(project, &gl.CreateIssueOptions{Title: gl.Ptr("On-call handoff test"), Labels: &gl.LabelOptions{"oncall-handoff"}, Confidential: gl.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Notes.CreateIssueNote(project, is.IID, &gl.CreateIssueNoteOptions{Body: gl.Ptr("Acknowledged")}); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Issues.GetIssue(project, is.IID)
	if err != nil || got.Title != "On-call handoff test" || !got.Confidential || got.UserNotesCount != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	list, _, err := c.Issues.ListProjectIssues(project, &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{"oncall-handoff"}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")})
	if err != nil || list[0].IID != is.IID {
		t.Fatalf("the new handoff is not listed first: %v", err)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64:
		return "float64"
	case string:
		return "string"
	case bool:
		return "bool"
	case []any:
		return "[]interface {}"
	case map[string]any:
		return "map[string]interface {}"
	}
	return "?"
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestLabelEventsHaveTheRealShape(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	base := srv.URL + "/api/v4/projects/" + url.PathEscape("gitlab-com/gl-infra/production")
	_, body := get(t, base+"/issues?labels=incident&state=opened&per_page=1", "Private-Token", "x")
	var issues []map[string]any
	_ = json.Unmarshal(body, &issues)
	iid := int(issues[0]["iid"].(float64))
	resp, body := get(t, base+"/issues/"+strconv.Itoa(iid)+"/resource_label_events", "Private-Token", "x")
	if resp.StatusCode != 200 || resp.Header.Get("X-Total") == "" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	var events []map[string]any
	if err := json.Unmarshal(body, &events); err != nil || len(events) == 0 {
		t.Fatalf("%v %s", err, body)
	}
	e := events[0]
	for field, kind := range map[string]string{"id": "float64", "action": "string", "created_at": "string", "resource_type": "string",
		"resource_id": "float64", "user": "map[string]interface {}", "label": "map[string]interface {}"} {
		if got := typeName(e[field]); got != kind {
			t.Errorf("field %s is %s; GitLab sends %s", field, got, kind)
		}
	}
	if e["resource_type"] != "Issue" || (e["action"] != "add" && e["action"] != "remove") {
		t.Errorf("event %v", e)
	}
}
