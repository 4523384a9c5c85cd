package main

import (
	"os"

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
	opts := tui.Options{Rotation: cfg.Rotation, Refresh: cfg.Refresh, Clock: clock, Theme: cfg.Theme,
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
	opts.Backend, opts.Drafts = h, state
	_, err = tea.NewProgram(tui.New(opts)).Run()
	return err
}
