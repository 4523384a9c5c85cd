package main

import (
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/tui"
)

func newDemoCmd(g *globals) *cobra.Command {
	var seed uint64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the dashboard on the embedded simulator (no token, no network)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return runDashboard(g, true, seed)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the simulated world (other seeds, other people and times)")
	return cmd
}

// runDashboard runs the TUI against the configured services, or against the simulator.
func runDashboard(g *globals, demo bool, seed uint64) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	clock, err := g.clock()
	if err != nil {
		return err
	}
	opts := tui.Options{Rotation: cfg.Rotation, Refresh: cfg.Refresh, Clock: clock, Theme: cfg.Theme}
	if os.Getenv("NO_COLOR") != "" && cfg.Theme == "auto" {
		opts.Theme = "mono"
	}
	if demo {
		srv, h, err := startSim(cfg, "127.0.0.1:0", seed, clock())
		if err != nil {
			return err
		}
		defer srv.Close()
		opts.Backend, opts.Label = h, "demo · simulator "+srv.URL
	} else {
		h, err := realHub(cfg)
		if err != nil {
			return err
		}
		opts.Backend = h
	}
	_, err = tea.NewProgram(tui.New(opts)).Run()
	return err
}
