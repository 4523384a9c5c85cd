package gitlab

import (
	"context"
	"reflect"
	"testing"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func TestCheckLabelsNamesTheClosest(t *testing.T) {
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(now), nil)
	src := newSource(t, srv.URL, 100)
	if w, err := src.CheckLabels(context.Background()); err != nil || len(w) != 0 {
		t.Fatalf("the default labels: %v %q", err, w)
	}
	src.cfg.Labels.Incident = "Incident"              // case
	src.cfg.Labels.Change = "chnage"                  // a typo
	src.cfg.Labels.Oncall = "pager-duty-rotation-xyz" // nothing close
	src.cfg.Labels.Severity = "Severity::"            // a scoped prefix, case
	src.cfg.Labels.ChangeState = "state::"            // a scoped prefix nothing starts with
	w, err := src.CheckLabels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"label 'Incident' does not exist in gitlab-com/gl-infra/production; did you mean 'incident'?",
		"label 'chnage' does not exist in gitlab-com/gl-infra/production; did you mean 'change'?",
		"no label starts with 'Severity::' in gitlab-com/gl-infra/production; did you mean 'severity::'?",
		"no label starts with 'state::' in gitlab-com/gl-infra/production",
		"label 'pager-duty-rotation-xyz' does not exist in gitlab-com/gl-infra/infrastructure",
	}
	if !reflect.DeepEqual(w, want) {
		t.Fatalf("warnings:\n%q\nwant\n%q", w, want)
	}
	// And the lists really are empty: GitLab's filter is exact.
	inc, _, err := src.Queue(context.Background())
	if err != nil || len(inc) != 0 {
		t.Fatalf("labels=Incident listed %d incidents (%v); GitLab lists none", len(inc), err)
	}
}

func TestClosestLabel(t *testing.T) {
	existing := []string{"incident", "Incident::Active", "change", "oncall-handoff"}
	for name, want := range map[string]string{"INCIDENT": "incident", "incidnet": "incident", "oncall-handof": "oncall-handoff", "xyz": "", "": "", "chg": ""} {
		if got := closestLabel(name, existing); got != want {
			t.Errorf("closestLabel(%q) = %q; want %q", name, got, want)
		}
	}
}
