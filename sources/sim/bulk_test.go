package sim_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// issue 11's benchmark world.
var benchBulk = sim.Bulk{QueueIssues: 3000, OncallIssues: 500, Handoffs: 200, Incidents: 300}

func bulkOptions(seed uint64, b sim.Bulk) sim.Options {
	opts := sim.DefaultOptions(now)
	opts.Seed = seed
	opts.Bulk = b
	return opts
}

// total asks GitLab's X-Total of a list, through the real client.
func total(t *testing.T, c *gl.Client, project string, opt *gl.ListProjectIssuesOptions) int64 {
	t.Helper()
	opt.PerPage = 1
	_, resp, err := c.Issues.ListProjectIssues(project, opt)
	if err != nil {
		t.Fatal(err)
	}
	return resp.TotalItems
}

func glClient(t *testing.T, url string) *gl.Client {
	t.Helper()
	c, err := gl.NewClient("glpat-test", gl.WithBaseURL(url), gl.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBulkWorldHasTheSizesAsked(t *testing.T) {
	opts := bulkOptions(1, benchBulk)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	c := glClient(t, srv.URL)
	L := opts.Labels
	open := gl.Ptr("opened")
	queue := total(t, c, opts.ProductionProject, &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{L.Incident}, State: open}) +
		total(t, c, opts.ProductionProject, &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{L.Change}, State: open})
	if queue != 3000 {
		t.Errorf("%d open queue issues; want 3000", queue)
	}
	if n := total(t, c, opts.OncallProject, &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{L.Oncall}, State: open}); n != 500 {
		t.Errorf("%d open ~oncall issues; want 500", n)
	}
	if n := total(t, c, opts.HandoffProject, &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{L.Handoff}}); n != 200 {
		t.Errorf("%d handoffs; want 200", n)
	}

	// The incidents of the budget window, each with the label events of its life.
	since := now.Add(-28 * 24 * time.Hour)
	var inWindow []*gl.Issue
	opt := &gl.ListProjectIssuesOptions{Labels: &gl.LabelOptions{L.Incident}, UpdatedAfter: &since, ListOptions: gl.ListOptions{PerPage: 100, Page: 1}}
	for {
		page, resp, err := c.Issues.ListProjectIssues(opts.ProductionProject, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range page {
			if is.CreatedAt.After(since) {
				inWindow = append(inWindow, is)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	if len(inWindow) != 300 {
		t.Fatalf("%d incidents opened in the budget window; want 300", len(inWindow))
	}
	states := map[string]int{}
	for _, is := range inWindow[:40] {
		states[is.State]++
		events, _, err := c.ResourceLabelEvents.ListIssueLabelEvents(opts.ProductionProject, is.IID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) < 4 || events[0].Action != "add" || !events[0].CreatedAt.Equal(*is.CreatedAt) {
			t.Fatalf("incident #%d has %d label events, the first %+v; want its labels added when it was opened", is.IID, len(events), events[0])
		}
		if last := events[len(events)-1]; last.CreatedAt.After(now) {
			t.Errorf("incident #%d has a label event in the future: %v", is.IID, last.CreatedAt)
		}
	}
	if states["opened"] == 0 || states["closed"] == 0 {
		t.Errorf("the window's incidents are %v; want some open and some closed", states)
	}
}

func TestBulkWorldComesFromTheSeed(t *testing.T) {
	firstPage := func(seed uint64) string {
		opts := bulkOptions(seed, sim.Bulk{QueueIssues: 400, Incidents: 60})
		srv, _ := simtest.NewTestServer(t, opts, nil)
		_, body := get(t, srv.URL+"/api/v4/projects/"+url.PathEscape(opts.ProductionProject)+"/issues?state=opened&per_page=100", "Private-Token", "x")
		var issues []map[string]any
		if err := json.Unmarshal(body, &issues); err != nil || len(issues) != 100 {
			t.Fatalf("%v: %d issues", err, len(issues))
		}
		return strings.ReplaceAll(string(body), srv.URL, "") // links name the server
	}
	one, again := firstPage(7), firstPage(7)
	if one != again {
		t.Error("the same seed gave two different worlds")
	}
	if one == firstPage(8) {
		t.Error("two seeds gave the same world")
	}
}

func TestBulkKeepsIIDsInTheOrderOfCreation(t *testing.T) {
	opts := bulkOptions(1, sim.Bulk{QueueIssues: 300, Incidents: 50, Handoffs: 30})
	srv, _ := simtest.NewTestServer(t, opts, nil)
	c := glClient(t, srv.URL)
	for _, project := range []string{opts.ProductionProject, opts.HandoffProject} {
		issues, _, err := c.Issues.ListProjectIssues(project, &gl.ListProjectIssuesOptions{OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("asc"), ListOptions: gl.ListOptions{PerPage: 100}}, gl.WithContext(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(issues); i++ {
			if issues[i].IID <= issues[i-1].IID {
				t.Fatalf("%s: #%d created %v after #%d created %v", project, issues[i].IID, issues[i].CreatedAt, issues[i-1].IID, issues[i-1].CreatedAt)
			}
		}
	}
}

// BenchmarkNewBulk is the simulator's start with issue 11's world, and with 10,000 issues.
func BenchmarkNewBulk(b *testing.B) {
	for _, bulk := range []sim.Bulk{benchBulk, {QueueIssues: 10_000, OncallIssues: 500, Handoffs: 200, Incidents: 300}} {
		b.Run(fmtQueue(bulk.QueueIssues), func(b *testing.B) {
			for b.Loop() {
				sim.New(bulkOptions(1, bulk))
			}
		})
	}
}

func fmtQueue(n int) string { return "queue=" + strconv.Itoa(n) }
