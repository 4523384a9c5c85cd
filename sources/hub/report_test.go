package hub_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// Label events are kept on disk by (issue, updated_at): after a restart, a report reads
// the label events only of the incidents that changed.
func TestLabelEventsAreKeptOnDiskAcrossRuns(t *testing.T) {
	opts := bulk()
	var log requestLog
	srv, s := simtest.NewTestServer(t, opts, log.wrap)
	file := filepath.Join(t.TempDir(), "cache", "label-events.json")
	report := func() model.Report {
		t.Helper()
		cfg := hubConfig(srv.URL, opts)
		cfg.LabelEventsFile = file
		r, err := newHub(t, cfg).Report(context.Background(), model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := report()
	if n := len(matching(log.take(), "/resource_label_events")); n < 50 {
		t.Fatalf("the first report read the label events of %d incidents; the world has more", n)
	}
	again := report()
	if n := len(matching(log.take(), "/resource_label_events")); n != 0 {
		t.Fatalf("after a restart the report read %d label event lists; none changed", n)
	}
	if !reflect.DeepEqual(again, first) {
		t.Fatalf("the report from the cache differs from the first")
	}
	open := s.Issues(opts.ProductionProject, "opened", "incident")
	if err := s.SetLabels(opts.ProductionProject, open[0], []string{"incident", "severity::2", "Incident::Mitigated"}); err != nil {
		t.Fatal(err)
	}
	report()
	if got := matching(log.take(), "/resource_label_events"); len(got) != 1 {
		t.Fatalf("after one incident changed, the report read %v", got)
	}
}
