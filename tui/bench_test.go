package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
)

// The screen's benchmarks (issue 11): one frame at 200x60 with 1k, 10k and 100k incidents,
// and a key to the next frame at 10k. cmd/oncall-bench runs them and reads their output;
// timings never fail anything.
//
//	go test -run '^$' -bench 'View|KeyToFrame' -benchmem ./tui

// benchRows are the sizes of the incidents pane the frame benchmarks draw.
var benchRows = []int{1_000, 10_000, 100_000}

func BenchmarkView(b *testing.B) {
	for _, n := range benchRows {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := benchDashboard(b, n, 200, 60)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewAfterNewData is a frame right after a refresh answered: the frame that
// cannot reuse the last one's rows (one pass over the items; cells only for those on screen).
func BenchmarkViewAfterNewData(b *testing.B) {
	for _, n := range benchRows {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := benchDashboard(b, n, 200, 60)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.changed()
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewAfterNewMinute is a frame right after the clock's minute turned: every age on
// screen moves, and the rows on screen are made again.
func BenchmarkViewAfterNewMinute(b *testing.B) {
	for _, n := range benchRows {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := benchDashboard(b, n, 200, 60)
			now := testNow
			m.opts.Clock = func() time.Time { return now }
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				now = now.Add(time.Minute)
				m.Update(clockMsg{})
				_ = m.View()
			}
		})
	}
}

// BenchmarkKeyToFrame is what a key costs the engineer: the update of the model and the
// frame that shows it. The selection moves down one row each time and starts over at the
// top before it reaches the end (outside the timer), so every key moves it.
func BenchmarkKeyToFrame(b *testing.B) {
	const n = 10_000
	m := benchDashboard(b, n, 200, 60)
	down, top := keyPress("j"), keyPress("g")
	moved := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if moved == n-1 {
			b.StopTimer()
			run(b, m, benchUpdate(m, top))
			moved = 0
			b.StartTimer()
		}
		run(b, m, benchUpdate(m, down))
		_ = m.View()
		moved++
	}
}

// TestBenchDashboardShowsTheRows keeps the benchmarks honest: the model they draw has the
// rows asked for, focused, and the key moves the selection.
func TestBenchDashboardShowsTheRows(t *testing.T) {
	m := benchDashboard(t, 1_000, 200, 60)
	first := screen(m)
	for _, want := range []string{benchTitle(0), benchTitle(4), "1000 open"} {
		if !strings.Contains(first, want) {
			t.Fatalf("the benchmark's screen lacks %q:\n%s", want, first)
		}
	}
	run(t, m, benchUpdate(m, keyPress("j")))
	if screen(m) == first {
		t.Fatal("j changed nothing on the benchmark's screen")
	}
}

// benchDashboard is the dashboard over the fixture with n open incidents, every source
// answered once, at w x h. Timers are dropped: a benchmark drives the model itself.
func benchDashboard(tb testing.TB, n, w, h int) *Model {
	tb.Helper()
	f := newFixture()
	incidents := benchIncidents(n)
	f.set(func(s *model.Snapshot) { s.Incidents = incidents })
	m := New(Options{
		Backend: f, Rotation: sim.DefaultOptions(testNow).Rotation, Refresh: time.Minute,
		Clock: func() time.Time { return testNow }, Zone: time.FixedZone("CET", 3600), Theme: "dark",
		After: func(time.Duration, tea.Msg) tea.Cmd { return nil }, Context: context.Background(),
		HandoffProject: "gitlab-com/gl-infra/on-call-handovers",
	})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	run(tb, m, m.refreshAll())
	if got := len(m.snap.Incidents); got != n {
		tb.Fatalf("the benchmark's dashboard holds %d incidents; want %d", got, n)
	}
	return m
}

// benchIncidents are n incidents of every severity and status, newest first, with the
// flags and lengths of title a real queue has.
func benchIncidents(n int) []model.Incident {
	statuses := []model.IncidentStatus{model.StatusActive, model.StatusMitigated, model.StatusResolved}
	out := make([]model.Incident, n)
	for i := range out {
		var flags []string
		switch i % 17 {
		case 3:
			flags = []string{"blocks"}
		case 11:
			flags = []string{"data loss", "blocks"}
		}
		out[i] = fixtureIncident(int64(100_000+i), model.Severity(1+i%4), statuses[i%3], benchTitle(i), time.Duration(i+1)*7*time.Minute, flags...)
	}
	model.SortIncidents(out)
	return out
}

var benchSubjects = []string{
	"Elevated 5xx error rate on the web fleet in us-east1-d",
	"Sidekiq urgent-other queue backlog above 10k jobs",
	"Replication lag over 5 minutes on patroni-main-v16-03",
	"Container registry: elevated 503s on image pulls",
	"CI jobs stuck in pending on saas-linux-small-amd64 runners",
	"Gitaly file-cny-01 CPU saturation during housekeeping",
}

func benchTitle(i int) string {
	return fmt.Sprintf("%s (#%d)", benchSubjects[i%len(benchSubjects)], i)
}

// benchUpdate feeds one message to m and returns its command.
func benchUpdate(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}
