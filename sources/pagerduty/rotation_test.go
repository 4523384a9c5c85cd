package pagerduty

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func onCall(t *testing.T, opts sim.Options, at time.Time) []model.OnCall {
	t.Helper()
	srv, _ := simtest.NewTestServer(t, opts, nil)
	oc, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, at)
	if err != nil {
		t.Fatal(err)
	}
	return oc
}

// In the default simulated account AMER's schedule feeds no escalation policy, so
// GET /oncalls never lists it; its schedule still says who is on it.
func TestOnCallReadsTheScheduleNotTheEscalationPolicies(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	if list := get(t, srv.URL+"/oncalls?schedule_ids%5B%5D=PAMER01&since=2026-11-23T17:00:00Z&until=2026-11-23T17:00:00Z"); !strings.Contains(list, `"oncalls":[]`) {
		t.Fatalf("the simulated trap is gone: %s", list)
	}
	oc, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, now)
	if err != nil {
		t.Fatal(err)
	}
	amer := oc[1]
	want := scheduleEntries(t, srv.URL, "PAMER01", now, now.Add(24*time.Hour))[amer.NextStart]
	if amer.Next == nil || amer.Next.Name != want || amer.NextCoverage != model.CoverageOnCall {
		t.Fatalf("AMER next %+v (%s); the schedule says %q", amer.Next, amer.NextCoverage, want)
	}
	if !strings.HasSuffix(amer.Next.Email, "@example.com") || amer.Next.PagerDutyID == "" {
		t.Errorf("the email comes from the schedule's users: %+v", amer.Next)
	}
	if amer.NowCoverage != model.CoverageOffShift || amer.Now != nil {
		t.Errorf("AMER is off shift at 14:30: %+v", amer)
	}
	// EMEA's schedule is on two levels: one person, not two answers.
	if emea := oc[0]; emea.Now == nil || emea.NowCoverage != model.CoverageOnCall || len(emea.Gaps) != 0 {
		t.Errorf("EMEA: %+v", emea)
	}
}

func TestOnCallSeesAnOverride(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.PagerDuty.Overrides = []sim.Override{{Schedule: "PEMEA01", Start: now.Add(-time.Hour), End: now.Add(time.Hour), Username: "isolberg"}}
	emea := onCall(t, opts, now)[0]
	if emea.Now == nil || emea.Now.Name != "Ingrid Solberg" || emea.Now.Email != "isolberg@example.com" {
		t.Fatalf("EMEA now %+v; Ingrid covers this hour", emea.Now)
	}
	// The default world's override sits in the middle of EMEA's next shift: not a gap.
	if len(emea.Gaps) != 0 || emea.Next == nil {
		t.Errorf("EMEA gaps %v next %v", emea.Gaps, emea.Next)
	}
}

func TestOnCallTellsAGapFromUnknown(t *testing.T) {
	opts := sim.DefaultOptions(now)
	gap := sim.ScheduleGap{Schedule: "PEMEA01", Start: now.Add(-30 * time.Minute), End: now.Add(30 * time.Minute)}
	// ... and nobody for the last hour of EMEA's next shift (Tue 15:00-16:00) and beyond.
	tail := sim.ScheduleGap{Schedule: "PEMEA01", Start: now.Add(24*time.Hour + 30*time.Minute), End: now.Add(26 * time.Hour)}
	opts.PagerDuty.Gaps = []sim.ScheduleGap{gap, tail}
	opts = sim.WithRotationGap(opts) // AMER: nobody from 16:00 to 19:00
	oc := onCall(t, opts, now)
	emea, amer := oc[0], oc[1]
	if emea.Now != nil || emea.NowCoverage != model.CoverageGap || len(emea.Gaps) != 2 || !emea.Gaps[0].Start.Equal(now) || !emea.Gaps[0].End.Equal(gap.End) {
		t.Errorf("EMEA inside a gap: %+v", emea)
	}
	if len(emea.Gaps) == 2 && (!emea.Gaps[1].Start.Equal(tail.Start) || !emea.Gaps[1].End.Equal(emea.NextStart.Add(12*time.Hour))) {
		t.Errorf("the gap at the end of EMEA's next shift, up to its end: %+v", emea.Gaps[1])
	}
	if amer.Next != nil || amer.NextCoverage != model.CoverageGap || len(amer.Gaps) != 1 || !amer.Gaps[0].End.Equal(amer.NextStart.Add(3*time.Hour)) {
		t.Errorf("AMER's next shift starts with a gap: %+v", amer)
	}
	if w := amer.Warning(now); !strings.Contains(w, "nobody is scheduled for AMER from 16:00 to 19:00 UTC") {
		t.Errorf("warning %q", w)
	}
	// PagerDuty failing is something else: an error, and OnCallFor then says unknown.
	srv, _ := simtest.NewTestServer(t, opts, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusBadGateway) })
	})
	if _, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, now); err == nil || model.IsPermanent(err) {
		t.Fatalf("a 502 is a temporary failure: %v", err)
	}
	unknown := model.OnCallFor(nil, opts.Rotation[1], now)
	if unknown.NextCoverage != model.CoverageUnknown || unknown.NextStart.IsZero() {
		t.Errorf("unknown: %+v", unknown)
	}
}

func TestOnCallReadsASharedScheduleOnce(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Rotation = nil
	for i, name := range []string{"APAC", "EMEA", "AMER", "PACIFIC"} {
		opts.Rotation = append(opts.Rotation, model.Region{Name: name, Start: model.ClockTime(i * 360), End: model.ClockTime((i + 1) * 360 % 1440), Schedule: "PALL"})
	}
	var mu sync.Mutex
	var paths []string
	srv, _ := simtest.NewTestServer(t, opts, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			h.ServeHTTP(w, r)
		})
	})
	oc, err := New(srv.URL, "pd-test", nil).OnCall(context.Background(), opts.Rotation, now)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths) // the schedule and its users are read at once
	if strings.Join(paths, ",") != "/schedules/PALL,/schedules/PALL/users" {
		t.Errorf("requests %v", paths)
	}
	for _, o := range oc {
		if o.Next == nil || len(o.Gaps) != 0 {
			t.Errorf("%s: %+v", o.Region, o)
		}
	}
}

func TestOnCallRefusesMalformedSchedules(t *testing.T) {
	for name, body := range map[string]string{
		"bad time":     `{"schedule":{"id":"P1","final_schedule":{"rendered_schedule_entries":[{"start":"soon","end":"2026-11-23T16:00:00Z","user":{"id":"PU"}}]}}}`,
		"end <= start": `{"schedule":{"id":"P1","final_schedule":{"rendered_schedule_entries":[{"start":"2026-11-23T16:00:00Z","end":"2026-11-23T04:00:00Z","user":{"id":"PU"}}]}}}`,
	} {
		srv := serve(t, map[string]string{"/schedules/P1": body, "/schedules/P1/users": `{"users":[]}`})
		_, err := New(srv.URL, "x", nil).OnCall(context.Background(), model.Rotation{{Name: "EMEA", Start: 240, End: 960, Schedule: "P1"}, {Name: "AMER", Start: 960, End: 240, Schedule: "P1"}}, now)
		if err == nil || !strings.Contains(err.Error(), "malformed entry of schedule P1") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
