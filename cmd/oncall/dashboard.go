package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/tui"
)

func newDemoCmd(g *globals) *cobra.Command {
	var seed uint64
	var faults []string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the dashboard on the embedded simulator (no token, no network)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fs, err := faultFlags(faults)
			if err != nil {
				return err
			}
			return runDashboard(g, &demoOptions{seed: seed, faults: fs}, false)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the simulated world (other seeds, other people and times)")
	cmd.Flags().StringArrayVar(&faults, "fault", nil, faultHelp)
	return cmd
}

// demoOptions shape the simulator the demo runs on.
type demoOptions struct {
	seed   uint64
	faults map[string]sim.Fault
}

// runDashboard runs the TUI against the configured services, or against the simulator when
// demo is set; openHandoff starts it in the handoff editor.
func runDashboard(g *globals, demo *demoOptions, openHandoff bool) error {
	cfg, clock, err := g.load()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // quitting abandons every request still in flight
	opts := tui.Options{Rotation: cfg.Rotation, Refresh: cfg.Refresh, Clock: clock, Theme: cfg.Theme, Context: ctx,
		HandoffProject: cfg.GitLab.HandoffProject, Confidential: cfg.Handoff.Confidential, OpenHandoff: openHandoff}
	if os.Getenv("NO_COLOR") != "" && cfg.Theme == "auto" {
		opts.Theme = "mono"
	}
	var h *hub.Hub
	if demo != nil {
		srv, sh, err := startSim(cfg, "127.0.0.1:0", demo.seed, clock(), demo.faults)
		if err != nil {
			return err
		}
		defer srv.Close()
		h, opts.Label = sh, "demo · simulator "+srv.URL
	} else if h, err = realHub(cfg); err != nil {
		return err
	}
	state, err := openState(h, demo != nil)
	if err != nil {
		return err
	}
	opts.Backend, opts.Local = h, state
	return runProgram(tea.NewProgram(tui.New(opts), tea.WithoutSignalHandler()))
}

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
