package sim_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

const infraPath = "gitlab-com/gl-infra/infrastructure"

func iids(issues []map[string]any) map[int64]map[string]any {
	out := map[int64]map[string]any{}
	for _, is := range issues {
		out[int64(is["iid"].(float64))] = is
	}
	return out
}

// GitLab's answers carry its own clock in Date; a client asks for what changed since it.
func TestDateIsTheSimulatedClock(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	resp, _ := listJSON(t, srv.URL+project(prodPath)+"/issues?per_page=1")
	at, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil || at.Before(now) || at.After(now.Add(time.Hour)) {
		t.Fatalf("Date %q (%v); want the simulated clock, from %s", resp.Header.Get("Date"), err, now)
	}
}

func TestHooksChangeTheWorldAndUpdatedAt(t *testing.T) {
	srv, s := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	open := s.Issues(prodPath, "opened", "incident")
	if len(open) < 3 {
		t.Fatalf("%d open incidents", len(open))
	}
	relabelled, closed, moved := open[0], open[1], open[2]
	if err := s.SetLabels(prodPath, relabelled, []string{"change", "change::scheduled"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(prodPath, closed); err != nil {
		t.Fatal(err)
	}
	newIID, err := s.Move(prodPath, moved, infraPath)
	if err != nil {
		t.Fatal(err)
	}
	added, err := s.AddIssue(prodPath, "A new incident", []string{"incident", "severity::2"})
	if err != nil {
		t.Fatal(err)
	}

	_, incidents := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&state=opened&per_page=100")
	got := iids(incidents)
	for _, gone := range []int64{relabelled, closed, moved} {
		if got[gone] != nil {
			t.Errorf("#%d is still an open incident", gone)
		}
	}
	if got[added] == nil {
		t.Errorf("the new incident #%d is not listed", added)
	}
	since := url.QueryEscape(now.Format(time.RFC3339))
	_, changed := listJSON(t, srv.URL+project(prodPath)+"/issues?state=all&per_page=100&updated_after="+since)
	got = iids(changed)
	if len(got) != 4 || got[relabelled] == nil || got[closed]["state"] != "closed" || got[moved]["moved_to_id"] == nil || got[added] == nil {
		t.Fatalf("updated since the start: %d issues, want the 4 changed ones with their new state", len(got))
	}
	_, infra := listJSON(t, srv.URL+project(infraPath)+"/issues?labels=incident&per_page=100")
	if iids(infra)[newIID] == nil {
		t.Errorf("the moved issue #%d is not in %s", newIID, infraPath)
	}
	_, events := listJSON(t, srv.URL+project(prodPath)+"/issues/"+strconv.FormatInt(relabelled, 10)+"/resource_label_events?per_page=100")
	if last := events[len(events)-1]; last["action"] != "add" {
		t.Errorf("the relabelling left no label event: %v", last)
	}

	if err := s.Delete(prodPath, added); err != nil {
		t.Fatal(err)
	}
	_, changed = listJSON(t, srv.URL+project(prodPath)+"/issues?state=all&per_page=100&updated_after="+since)
	if iids(changed)[added] != nil {
		t.Errorf("a deleted issue is still listed")
	}
}

// Lists keep each issue's JSON until it changes: a change shows at once.
func TestAChangeShowsInTheNextList(t *testing.T) {
	srv, s := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	list := func() map[int64]map[string]any {
		_, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?labels=incident&per_page=100")
		return iids(issues)
	}
	before := list()
	iid := s.Issues(prodPath, "opened", "incident")[0]
	if err := s.SetTitle(prodPath, iid, "Renamed"); err != nil {
		t.Fatal(err)
	}
	if got := list()[iid]["title"]; got != "Renamed" || before[iid]["title"] == "Renamed" {
		t.Fatalf("title %v after the change", got)
	}
	req, _ := http.NewRequest("POST", srv.URL+project(prodPath)+"/issues/"+strconv.FormatInt(iid, 10)+"/notes", strings.NewReader(`{"body": "a note"}`))
	req.Header.Set("Private-Token", "x")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, was := list()[iid]["user_notes_count"], before[iid]["user_notes_count"].(float64); got != was+1 {
		t.Fatalf("user_notes_count %v after a note; was %v", got, was)
	}
}

// A page far past the last (page*per_page beyond an int) is empty, and the simulator goes
// on answering.
func TestAPageFarPastTheLastIsEmpty(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	for _, page := range []string{"100000000000000000", "3"} {
		resp, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?per_page=100&page="+page)
		if resp.StatusCode != http.StatusOK || len(issues) != 0 {
			t.Fatalf("page %s: %d, %d issues", page, resp.StatusCode, len(issues))
		}
	}
	if _, issues := listJSON(t, srv.URL+project(prodPath)+"/issues?per_page=5"); len(issues) != 5 {
		t.Fatalf("after them, the first page has %d issues", len(issues))
	}
}
