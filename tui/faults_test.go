package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// faultSource maps the simulator's fault names to the dashboard's sources.
var faultSource = map[string]model.SourceID{
	"queue": model.SourceQueue, "oncall": model.SourceOncall, "handoffs": model.SourceHandoffs,
	"rotation": model.SourceRotation, "pages": model.SourcePages,
}

// oneSourceShort is the hub with a short deadline for one source only: the source under a
// hang is waited out quickly, while the others, on a busy machine, get all the time they need.
type oneSourceShort struct {
	*hub.Hub
	short *hub.Hub
	id    model.SourceID
}

func (b *oneSourceShort) Fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error) {
	if id == b.id {
		return b.short.Fetch(ctx, id, now)
	}
	return b.Hub.Fetch(ctx, id, now)
}

// escapesShown are the sequences the escapes fault injects; none may reach the terminal
// or a handoff.
var escapesShown = []string{"\x1b]52", "\x1b]8;;https://evil", "\u202e", "\x07", "\x1b[2J", "\u009b"}

func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("50 faults")
	}
	faults := []struct {
		spec    string
		fails   string // what the source's error says; "" when the source must still answer
		waitFor time.Duration
	}{
		{"latency:1m", "timed out", 0},
		{"errors:1", "500", 0},
		{"429:30s", "429 rate limited", 30 * time.Second},
		{"503:20s", "503", 20 * time.Second},
		{"html", "502 Bad Gateway", 0},
		{"hang", "timed out", 0},
		{"truncated", "truncated response", 0},
		{"malformed", "malformed JSON", 0},
		{"escapes", "", 0},
		{"huge", "", 0},
	}
	for _, name := range sim.FaultSources {
		for _, f := range faults {
			t.Run(name+"="+f.spec, func(t *testing.T) {
				t.Parallel()
				id := faultSource[name]
				now := time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)
				opts := sim.DefaultOptions(now)
				srv, s := simtest.NewTestServer(t, opts, nil)
				cfg := hubtest.Config(srv.URL, opts)
				// The deadline of one source: short for the broken source where the fault is a
				// hang (the test waits it out), long enough for a busy machine everywhere else.
				cfg.Timeout = 20 * time.Second
				long, err := hub.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Timeout = 2 * time.Second
				short, err := hub.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				h := &oneSourceShort{Hub: long, short: long, id: id}
				if f.fails == "timed out" {
					h.short = short
				}
				clock := now
				m := New(Options{Backend: h, Rotation: opts.Rotation, Refresh: time.Minute, Theme: "dark", Context: t.Context(),
					Clock: func() time.Time { return clock }, Zone: time.UTC, After: (&timers{}).after})
				m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
				run(t, m, m.refreshAll())
				for _, src := range model.AllSources {
					if m.snap.Health[src].Failing() {
						t.Fatalf("%s fails before any fault: %s", src, m.snap.Health[src].LastError)
					}
				}
				before := m.snap

				_, fault, err := sim.ParseFault(name + "=" + f.spec)
				if err != nil {
					t.Fatal(err)
				}
				s.SetFault(name, fault)
				clock = clock.Add(time.Minute)
				run(t, m, m.refreshNow())
				out := screen(m)
				hl := m.snap.Health[id]
				if f.fails == "" {
					if hl.Failing() {
						t.Fatalf("%s should survive %s, but: %s", id, f.spec, hl.LastError)
					}
					shown := m.View().Content
					if f.spec == "escapes" {
						// Page titles are on screen only in the handoff: look there too.
						facts, err := h.HandoffFacts(t.Context(), clock)
						if err != nil {
							t.Fatal(err)
						}
						shown += model.DraftHandoff(facts)
					}
					for _, bad := range escapesShown {
						if strings.Contains(shown, bad) {
							t.Fatalf("%q reached the terminal or the handoff", bad)
						}
					}
				} else {
					if !hl.Failing() || !strings.Contains(hl.LastError, f.fails) {
						t.Fatalf("%s under %s: error %q; want %q", id, f.spec, hl.LastError, f.fails)
					}
					if !strings.Contains(out, "✗ "+id.Title()+": ") {
						t.Errorf("the header does not show %s failing:\n%s", id, out)
					}
					if !hl.LastSuccess.Equal(before.Health[id].LastSuccess) {
						t.Errorf("a failure moved the last success")
					}
					if id == model.SourceQueue && len(m.snap.Incidents) != len(before.Incidents) {
						t.Errorf("the last good incidents were dropped")
					}
					if s := m.source(id); s.next.IsZero() || (f.waitFor > 0 && s.server.Sub(clock) < f.waitFor-time.Second) {
						t.Errorf("no retry planned that honours Retry-After %s: %+v", f.waitFor, s)
					}
				}
				for _, other := range model.AllSources {
					if other != id && (m.snap.Health[other].Failing() || !m.snap.Health[other].LastSuccess.Equal(clock)) {
						t.Errorf("%s did not update while %s was broken: %+v", other, id, m.snap.Health[other])
					}
				}

				// The fault stops: the next refresh after the wait recovers.
				s.SetFault(name, sim.Fault{})
				clock = clock.Add(max(f.waitFor, time.Minute) + time.Second)
				run(t, m, m.refreshAll())
				if hl := m.snap.Health[id]; hl.Failing() || !hl.LastSuccess.Equal(clock) {
					t.Fatalf("%s did not recover: %+v", id, hl)
				}
			})
		}
	}
}
