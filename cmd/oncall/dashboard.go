package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/tui"
)

func newDemoCmd(g *globals) *cobra.Command {
	var setup simSetup
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the dashboard on the embedded simulator (no token, no network)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDashboard(cmd.Context(), g, &setup, false)
		},
	}
	setup.addFlags(cmd)
	return cmd
}

// runDashboard runs the TUI against the configured services, or against the simulator when
// demo is set; openHandoff starts it in the handoff editor. ctx is the command's: a SIGINT
// or SIGTERM cancels it, and so does quitting, abandoning every request in flight.
func runDashboard(ctx context.Context, g *globals, demo *simSetup, openHandoff bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts, stop, err := prepareDashboard(ctx, g, demo, openHandoff)
	if err != nil {
		return err
	}
	defer stop()
	// 20 frames a second: a key shows within 50 ms, and an idle dashboard costs a few
	// tenths of a percent of a core instead of more than one (measured with make bench).
	if os.Getenv("GOGC") == "" {
		// The dashboard stays open for a shift beside everything else: a smaller heap
		// (10,000 issues: 94 MB instead of 113) for a little more collection at a refresh.
		debug.SetGCPercent(dashboardGCPercent)
	}
	return runProgram(tea.NewProgram(wrapModel(tui.New(opts)), tea.WithoutSignalHandler(), tea.WithFPS(renderFPS)))
}

// prepareDashboard wires everything the dashboard needs: the config's options, the hub
// (the simulator's when demo is set, closed by stop), the local state, and the warnings to
// show at start (the config's, and the state's: "cache off: read-only file system").
func prepareDashboard(ctx context.Context, g *globals, demo *simSetup, openHandoff bool) (opts tui.Options, stop func(), err error) {
	cfg, clock, err := g.load()
	if err != nil {
		return opts, nil, err
	}
	opts = dashboardOptions(cfg, clock, ctx, os.Getenv)
	opts.OpenHandoff = openHandoff
	stop = func() {}
	var h *hub.Hub
	if demo != nil {
		srv, sh, err := startSim(cfg, "127.0.0.1:0", *demo, clock(), g.log)
		if err != nil {
			return opts, nil, err
		}
		stop = func() { _ = srv.Close() }
		h, opts.Label = sh, "demo · simulator "+srv.URL
	} else if h, err = realHub(cfg, g.log); err != nil {
		return opts, nil, err
	}
	state, err := openState(h, demo != nil)
	if err != nil {
		stop()
		return opts, nil, err
	}
	state.Store.Clock = clock // drafts are dated on the dashboard's clock (--now included)
	opts.Backend, opts.Local = h, state
	if demo == nil {
		// The first refresh asks GitLab only for what changed since the last run; the
		// cache is read once, for that and for the first frame.
		opts.Local = sharedCache{Local: state, first: &firstSnapshot{load: h.SeedFromCache(state.Store)}}
	}
	opts.Warnings = append(append(opts.Warnings, cfg.Warnings...), state.Warnings...)
	return opts, stop, nil
}

// sharedCache is the local state whose snapshot cache is read once, at start, for both the
// hub's seed and the dashboard's first frame (nothing reads it again: the dashboard only
// writes it from then on).
type sharedCache struct {
	*outbox.Local
	first *firstSnapshot
}

// firstSnapshot hands the snapshot read at start to its first reader, then forgets it: the
// cache of a big queue is not held in memory for the whole shift.
type firstSnapshot struct {
	mu   sync.Mutex
	load func() (model.Snapshot, bool)
}

func (c sharedCache) LoadSnapshot() (model.Snapshot, bool, error) {
	c.first.mu.Lock()
	load := c.first.load
	c.first.load = nil
	c.first.mu.Unlock()
	if load == nil {
		return c.Local.LoadSnapshot()
	}
	snap, ok := load()
	return snap, ok, nil
}

// dashboardOptions are the TUI's options from the config and the terminal's environment.
func dashboardOptions(cfg *config.Config, clock func() time.Time, ctx context.Context, getenv func(string) string) tui.Options {
	opts := tui.Options{Rotation: cfg.Rotation, Refresh: cfg.Refresh, Clock: clock, Theme: cfg.Theme, Context: ctx,
		HandoffProject: cfg.GitLab.HandoffProject, Confidential: cfg.Handoff.Confidential,
		Keys: cfg.Keys, Mouse: cfg.Mouse,
		Notify: tui.Notify{Bell: cfg.Notify.Bell, Desktop: cfg.Notify.DesktopFor(getenv)},
	}
	if getenv("NO_COLOR") != "" && cfg.Theme == "auto" {
		opts.Theme = "mono"
	}
	return opts
}

// wrapModel lets a test watch the real dashboard from inside its process (the signal
// tests report each key the model has taken). It changes nothing in oncall itself.
var wrapModel = func(m tea.Model) tea.Model { return m }

// dashboardGCPercent is the dashboard's GOGC unless the environment sets one.
const dashboardGCPercent = 50

// renderFPS is how often the terminal is redrawn when something changed.
const renderFPS = 20

// signals that end the dashboard. Each saves the draft as it is on screen and restores the
// terminal before the process exits with the conventional 128+n.
var signals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// runProgram runs p until it quits or a signal arrives.
func runProgram(p *tea.Program) error {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, signals...)
	defer signal.Stop(sigs)
	caught := make(chan syscall.Signal, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			caught <- s.(syscall.Signal)
			p.Send(tui.ShutdownMsg{})
		case <-done:
			return
		}
		// A program stuck in a command still ends, and its terminal is restored.
		select {
		case <-time.After(3 * time.Second):
			p.Kill()
		case <-done:
		}
	}()
	_, err := p.Run()
	select {
	case s := <-caught:
		return exitError{128 + int(s)}
	default:
		return err
	}
}
