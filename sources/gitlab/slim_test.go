package gitlab

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// decoded is what oncall takes from an issue: the model's issue, the description (changes'
// schedule, handoffs' incoming engineer) and the due date.
type decoded struct {
	Issue       model.Issue
	Description string
	Due         string
}

func fromSlim(project string, is *slimIssue) decoded {
	d := decoded{Issue: toIssue(project, is), Description: is.Description}
	if due := dueDate(is); !due.IsZero() {
		d.Due = due.Format("2006-01-02")
	}
	return d
}

// both reads page 1 of q twice, with client-go's ListProjectIssues and with the slim
// decoding, and says what each gave; a panic in the client counts as a failure.
func both(t *testing.T, s *Source, q issueQuery) (viaClient, viaSlim []decoded, clientErr, slimErr error) {
	t.Helper()
	func() {
		defer func() {
			if r := recover(); r != nil {
				clientErr = fmt.Errorf("panic: %v", r)
			}
		}()
		opt := &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: 100, Page: 1}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")}
		if q.label != "" {
			opt.Labels = &gl.LabelOptions{q.label}
		}
		if q.state != "" {
			opt.State = gl.Ptr(q.state)
		}
		var issues []*gl.Issue
		issues, _, clientErr = s.c.Issues.ListProjectIssues(q.project, opt)
		for _, is := range issues {
			if is != nil {
				viaClient = append(viaClient, fromSlim(q.project, slimOf(is)))
			}
		}
	}()
	issues, _, slimErr := s.issuePage(context.Background(), q, 100, 1)
	for _, is := range issues {
		viaSlim = append(viaSlim, fromSlim(q.project, is))
	}
	return viaClient, viaSlim, clientErr, slimErr
}

func TestSlimDecodingEqualsTheClientsOnTheSimulatorsPages(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Bulk = sim.Bulk{QueueIssues: 150, OncallIssues: 30, Handoffs: 10, Incidents: 60}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	s := newSource(t, srv.URL, 100)
	queries := []issueQuery{
		{project: opts.ProductionProject, label: "incident", state: "opened"},
		{project: opts.ProductionProject, label: "incident"}, // closed ones too: closed_at
		{project: opts.ProductionProject, label: "change", state: "opened"},
		{project: opts.OncallProject, label: "oncall"},
		{project: opts.HandoffProject, label: "oncall-handoff"},
	}
	var nullDescriptions, dueDates int
	for _, q := range queries {
		viaClient, viaSlim, clientErr, slimErr := both(t, s, q)
		if clientErr != nil || slimErr != nil {
			t.Fatalf("%+v: client %v, slim %v", q, clientErr, slimErr)
		}
		if len(viaSlim) == 0 || !reflect.DeepEqual(viaClient, viaSlim) {
			t.Fatalf("%+v: the slim decoding differs from the client's (%d and %d issues)", q, len(viaClient), len(viaSlim))
		}
		for _, d := range viaSlim {
			if d.Description == "" {
				nullDescriptions++
			}
			if d.Due != "" {
				dueDates++
			}
		}
	}
	if nullDescriptions == 0 || dueDates == 0 {
		t.Errorf("the pages had %d null descriptions and %d due dates; the comparison needs both", nullDescriptions, dueDates)
	}
}

// serveBody answers every request with body as a page of issues.
func serveBody(t *testing.T, body string) *Source {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Total-Pages", "1")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return newSource(t, srv.URL, 100)
}

const fullIssue = `"id": 7, "iid": 3, "title": "t", "description": "d", "state": "opened", "web_url": "http://x/3",
	"created_at": "2026-11-23T10:00:00.000Z", "updated_at": "2026-11-23T11:00:00Z", "closed_at": null,
	"due_date": "2026-11-30", "labels": ["b", "a"], "author": {"name": "Ana", "username": "ana"},
	"assignees": [{"name": "Bo", "username": "bo"}], "user_notes_count": 4`

func TestSlimDecodingEqualsTheClientsOnHostileInput(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	cases := map[string]string{
		"full":                       `[{` + fullIssue + `}]`,
		"nulls":                      `[{"id": 1, "iid": null, "title": null, "description": null, "state": null, "web_url": null, "created_at": null, "updated_at": null, "closed_at": null, "due_date": null, "labels": null, "author": null, "assignees": null, "user_notes_count": null}]`,
		"only an id":                 `[{"id": 1}]`,
		"null issue":                 `[null, {` + fullIssue + `}]`,
		"empty page":                 `[]`,
		"no id":                      `[{"iid": 1, "title": "no id"}]`,
		"null id":                    `[{"id": null, "iid": 1}]`,
		"string id":                  `[{"id": "JIRA-1", "iid": 1, "title": "external"}]`,
		"fractional id":              `[{"id": 1.5, "iid": 1}]`,
		"title a number":             `[{"id": 1, "iid": 1, "title": 5}]`,
		"iid a string":               `[{"id": 1, "iid": "1"}]`,
		"labels a string":            `[{"id": 1, "iid": 1, "labels": "incident"}]`,
		"labels numbers":             `[{"id": 1, "iid": 1, "labels": [1, 2]}]`,
		"label details":              `[{"id": 1, "iid": 1, "labels": [{"id": 9, "name": "incident"}, {"name": "severity::1"}, {"id": 3}]}]`,
		"label details then a title": `[{"id": 1, "iid": 1, "labels": [{"name": "incident"}, "severity::1"]}]`,
		"a title then label details": `[{"id": 1, "iid": 1, "labels": ["incident", {"name": "severity::1"}]}]`,
		"a null label":               `[{"id": 1, "iid": 1, "labels": ["incident", null]}]`,
		"bad time":                   `[{"id": 1, "iid": 1, "created_at": "yesterday"}]`,
		"due date with a time":       `[{"id": 1, "iid": 1, "due_date": "2026-11-30T12:00:00Z"}]`,
		"bad due date":               `[{"id": 1, "iid": 1, "due_date": "2026-13-45"}]`,
		"author a list":              `[{"id": 1, "iid": 1, "author": []}]`,
		"assignees an object":        `[{"id": 1, "iid": 1, "assignees": {"name": "x"}}]`,
		"a null assignee":            `[{"id": 1, "iid": 1, "assignees": [null, {"name": "Bo"}]}]`,
		"notes count a string":       `[{"id": 1, "iid": 1, "user_notes_count": "4"}]`,
		"huge strings":               `[{"id": 1, "iid": 1, "title": "` + huge + `", "description": "` + huge + `"}]`,
		"escapes":                    `[{"id": 1, "iid": 1, "title": "a\u001b[2Jb\u202e", "labels": ["x\u001b]52;c;ZQ==\u0007"]}]`,
		"truncated":                  `[{"id": 1, "iid": 1, "title": "cut`,
		"not a list":                 `{"message": "hello"}`,
		"a number in the list":       `[5]`,
		"trailing garbage":           `[{"id": 1, "iid": 1}] trailing`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			viaClient, viaSlim, clientErr, slimErr := both(t, serveBody(t, body), issueQuery{project: "p", label: "incident"})
			if (clientErr == nil) != (slimErr == nil) {
				t.Fatalf("client error %v, slim error %v", clientErr, slimErr)
			}
			if !reflect.DeepEqual(viaClient, viaSlim) {
				t.Fatalf("client %+v\nslim %+v", viaClient, viaSlim)
			}
		})
	}
}

// A wrong type in a field oncall does not read fails client-go's decoding, not the slim one.
func TestSlimDecodingIgnoresFieldsItDoesNotRead(t *testing.T) {
	viaClient, viaSlim, clientErr, slimErr := both(t, serveBody(t, `[{`+fullIssue+`, "milestone": 5, "time_stats": "x"}]`), issueQuery{project: "p"})
	if clientErr == nil || slimErr != nil || len(viaClient) != 0 || len(viaSlim) != 1 || viaSlim[0].Issue.Title != "t" {
		t.Fatalf("client %v %d issues, slim %v %d issues", clientErr, len(viaClient), slimErr, len(viaSlim))
	}
}
