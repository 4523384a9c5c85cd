package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// A label missing from its project and a gap in the rotation are said in the text and in
// the JSON; the rotation names the gap, and the incidents are counted by state.
func TestStatusSaysWarningsGapsAndCounts(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.WithRotationGap(sim.DefaultOptions(simNow)), nil)
	cfg := writeConfig(t, srv.URL)
	appendConfig(t, cfg, "labels:\n  oncall: OnCall\n")
	at := simNow.Format(time.RFC3339)
	code, out, errs := oncall("status", "--config", cfg, "--now", at)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"AMER  16:00-04:00  now: off shift    next: nobody scheduled (Mon 16:00 UTC)",
		"Warnings\n  ! label 'OnCall' does not exist in gitlab-com/gl-infra/infrastructure; did you mean 'oncall'?",
		"  ! nobody is scheduled for AMER from 16:00 to 19:00 UTC",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`Incidents \(\d+ open: \d+ active, \d+ mitigated`).MatchString(out) {
		t.Errorf("the incidents are not counted by state:\n%s", out)
	}

	code, out, _ = oncall("status", "--json", "--config", cfg, "--now", at)
	var doc struct {
		Warnings []string `json:"warnings"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Warnings) != 2 || !strings.Contains(doc.Warnings[0], "'OnCall'") {
		t.Errorf("JSON warnings: exit %d %q", code, doc.Warnings)
	}
}

// When PagerDuty fails, who is on call is unknown: never a name from nowhere, never a zero
// time; the next shift's start still comes from the configured hours.
func TestStatusSaysUnknownWhenPagerDutyFails(t *testing.T) {
	breakPD := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/schedules/") || strings.HasPrefix(r.URL.Path, "/oncalls") {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), breakPD)
	code, out, _ := oncall("status", "--config", writeConfig(t, srv.URL), "--now", simNow.Format(time.RFC3339))
	if code != 1 {
		t.Fatalf("exit %d; want 1", code)
	}
	for _, want := range []string{"EMEA  04:00-16:00  now: unknown    next: unknown (Tue 04:00 UTC)", "AMER  16:00-04:00  now: off shift  next: unknown (Mon 16:00 UTC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Mon 00:00") || strings.Contains(out, "0001") {
		t.Errorf("a zero time was printed:\n%s", out)
	}
}

func appendConfig(t *testing.T, path, doc string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Clean(path), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(doc); err != nil {
		t.Fatal(err)
	}
}

// Incidents and changes are named by their #IID like the other issues; the open pages are
// listed under the Pages line, at most statusPages of them.
func TestStatusTextListsIIDsAndPages(t *testing.T) {
	snap := fixtureSnapshot()
	snap.Pages.Open[0].Assignees = append(snap.Pages.Open[0].Assignees, model.Person{Username: "akowalska"})
	var b strings.Builder
	if err := writeText(&b, mustRotation(t), snap, fixedNow); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Pages: 1 triggered, 0 acknowledged\n  #4312  high  triggered  [FIRING:1] GitalyCPUSaturation  GitLab.com Gitaly  4m  Piotr Nowak, @akowalska\n",
		"\n  #101  S1  Active  [blocks deploys] 10 Elevated 5xx on web",
		"\n  #102  S?  —       11 Unlabelled incident",
		"\n  #201  in-progress  C2  Mon 18:00  20 Postgres upgrade",
		"\n  #202  —            -   -          21 Unplanned change",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	pg := snap.Pages.Open[0]
	snap.Pages.Open = nil
	for range statusPages + 5 {
		snap.Pages.Open = append(snap.Pages.Open, pg)
	}
	b.Reset()
	if err := writeText(&b, mustRotation(t), snap, fixedNow); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	if n := strings.Count(out, "GitalyCPUSaturation"); n != statusPages || !strings.Contains(out, "\n  … and 5 more\n") {
		t.Errorf("%d of %d pages listed, and no count of the rest:\n%s", n, statusPages+5, out)
	}
}
