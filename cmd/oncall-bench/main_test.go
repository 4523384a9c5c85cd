package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
)

func TestParseBenchmarksReadsGoTestOutput(t *testing.T) {
	out := `goos: linux
pkg: github.com/oncall-sre/oncall/tui
BenchmarkView/rows=1000-2         	     406	   3727912 ns/op	  170791 B/op	    3409 allocs/op
BenchmarkViewAfterNewData/rows=100000-2       	       3	 416869914 ns/op	703198690 B/op	  650531 allocs/op
BenchmarkKeyToFrame        	     430	   4520979.5 ns/op
PASS`
	got := parseBenchmarks(out)
	want := map[string]benchResult{
		"BenchmarkView/rows=1000":               {name: "BenchmarkView/rows=1000", perOp: 3727912, bytes: 170791, allocs: 3409},
		"BenchmarkViewAfterNewData/rows=100000": {name: "BenchmarkViewAfterNewData/rows=100000", perOp: 416869914, bytes: 703198690, allocs: 650531},
		"BenchmarkKeyToFrame":                   {name: "BenchmarkKeyToFrame", perOp: 4520979},
	}
	if len(got) != len(want) {
		t.Fatalf("parsed %d benchmarks: %+v", len(got), got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %+v; want %+v", k, got[k], w)
		}
	}
}

func TestSummarizeCountsLimitedAnswersAndTheSpan(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	log := []exchange{
		{start: at(0), end: at(60), status: 200},
		{start: at(10), end: at(300), status: 200},
		{start: at(100), end: at(170), status: http.StatusTooManyRequests},
	}
	got := summarize(log, 50*time.Millisecond)
	if got.requests != 3 || got.limited != 1 || got.failed != 1 || got.span != 300*time.Millisecond {
		t.Errorf("%+v; want 3 requests, 1 limited and failed, a span of 300ms", got)
	}
	if got.overheadL != 90*time.Millisecond { // (10 + 240 + 20) / 3
		t.Errorf("overhead %v; want 90ms", got.overheadL)
	}
}

func TestScreenWatchSeesTextDrawnWithEscapesAndCursorMoves(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan time.Time, 1)
	watch := &screenWatch{markers: []string{squash("Sidekiq: queue backlog growing")}, seen: seen}
	done := make(chan struct{})
	go func() { watch.read(r); close(done) }()
	// A frame as a terminal gets it: styles, a cursor move for a blank, a write split in two.
	for _, part := range []string{"\x1b[2J\x1b[8;3H\x1b[38;5;203mSidekiq:\x1b[0m\x1b[1Cqueue back", "log\x1b[1Cgrowing\x1b[K"} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-seen:
	case <-time.After(10 * time.Second):
		t.Fatal("the marker was drawn but not seen")
	}
	w.Close()
	<-done
}

func TestScreenWatchIgnoresOtherText(t *testing.T) {
	r, w, _ := os.Pipe()
	seen := make(chan time.Time, 1)
	watch := &screenWatch{markers: []string{squash("Sidekiq: queue backlog growing")}, seen: seen}
	done := make(chan struct{})
	go func() { watch.read(r); close(done) }()
	_, _ = w.Write([]byte("\x1b[2J 1 Incidents loading… Sidekiq: queue\x1b[K"))
	w.Close()
	<-done
	select {
	case <-seen:
		t.Fatal("seen a marker that was never drawn")
	default:
	}
}

func TestWithoutDateIsTheTitleTheDashboardShows(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-20: Sidekiq: elevated 5xx error rate in gprd": "Sidekiq: elevated 5xx error ra",
		"Redis latency": "Redis latency",
	} {
		if got := withoutDate(in); got != want {
			t.Errorf("withoutDate(%q) = %q; want %q", in, got, want)
		}
	}
}

// The report and its replay against a small world: every request is counted at the
// simulator, and the replay sends the same ones again, each answered.
func TestReplaySendsTheRecordedRequestsAgain(t *testing.T) {
	w, err := startWorld(sim.Bulk{QueueIssues: 250, OncallIssues: 30, Handoffs: 12, Incidents: 40}, time.Millisecond, false, 1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	report := runReport(context.Background(), w)
	if report.err != "" || report.traffic.requests < 40 {
		t.Fatalf("report: %q after %d requests; want it to read the label events of 40 incidents", report.err, report.traffic.requests)
	}
	again := replay(context.Background(), w, report.log)
	if again.err != "" || again.traffic.failed != 0 {
		t.Fatalf("replay: %s, %d failed", again.err, again.traffic.failed)
	}
	if len(again.log) != len(report.log) {
		t.Fatalf("replayed %d requests of %d", len(again.log), len(report.log))
	}
	for i := range again.log {
		if a, b := again.log[i], report.log[i]; a.method != b.method || a.uri != b.uri {
			t.Fatalf("request %d replayed as %s %s; was %s %s", i, a.method, a.uri, b.method, b.uri)
		}
	}
}

func TestWorldConfigMatchesTheSimulator(t *testing.T) {
	w, err := startWorld(sim.Bulk{}, time.Millisecond, true, 1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	b, err := os.ReadFile(filepath.Join(w.dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"url: " + w.url, "{region: APAC, start: \"23:00\", end: \"07:00\", schedule: PAPAC01}", w.opts.ProductionProject} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the config lacks %q:\n%s", want, b)
		}
	}
	req, _ := http.NewRequest("GET", w.url+"/api/v4/user", nil)
	req.Header.Set("Private-Token", glToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("RateLimit-Limit") != "2000" {
		t.Errorf("RateLimit-Limit %q in the rate-limited world; want gitlab.com's 2000", resp.Header.Get("RateLimit-Limit"))
	}
}
