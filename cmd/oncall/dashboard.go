package main

import (
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/tui"
)

func newDemoCmd(g *globals) *cobra.Command {
	var seed uint64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the dashboard on the embedded simulator (no token, no network)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return runDashboard(g, true, seed, false)
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the simulated world (other seeds, other people and times)")
	return cmd
}

// runDashboard runs the TUI against the configured services, or against the simulator;
// openHandoff starts it in the handoff editor.
func runDashboard(g *globals, demo bool, seed uint64, openHandoff bool) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	clock, err := g.clock()
	if err != nil {
		return err
	}
	opts := tui.Options{Rotation: cfg.Rotation, Refresh: cfg.Refresh, Clock: clock, Theme: cfg.Theme,
		HandoffProject: cfg.GitLab.HandoffProject, Confidential: cfg.Handoff.Confidential, OpenHandoff: openHandoff}
	if os.Getenv("NO_COLOR") != "" && cfg.Theme == "auto" {
		opts.Theme = "mono"
	}
	var h *hub.Hub
	if demo {
		srv, sh, err := startSim(cfg, "127.0.0.1:0", seed, clock())
		if err != nil {
			return err
		}
		defer srv.Close()
		h, opts.Label = sh, "demo · simulator "+srv.URL
	} else if h, err = realHub(cfg); err != nil {
		return err
	}
	state, err := openState(h, demo)
	if err != nil {
		return err
	}
	opts.Backend, opts.Drafts = h, state
	_, err = tea.NewProgram(tui.New(opts)).Run()
	return err
}
