package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
)

// The simulator's GitLab token. It accepts any token; this one looks like a real one, and
// the read-only scenario makes it a read_api token.
const simGitLabToken = "glpat-demo"

// scenario is a named shape of the simulated world, for trying a situation in one command.
type scenario struct {
	help  string
	apply func(*sim.Options)
}

var scenarios = map[string]scenario{
	"gap": {"nobody is scheduled for the 3 hours after the next handoff", func(o *sim.Options) {
		*o = sim.WithRotationGap(*o)
	}},
	"read-only": {"a GitLab token with read_api only, a read-only PagerDuty key", func(o *sim.Options) {
		o.ReadOnlyTokens = append(o.ReadOnlyTokens, simGitLabToken)
		o.PagerDuty.ReadOnly = true
	}},
	"free": {"GitLab Free: a handoff keeps only its first assignee", func(o *sim.Options) { o.FreeTier = true }},
	"live": {"the world moves: a page fires, its incident is declared, acknowledged, mitigated and closed, a step a minute", func(o *sim.Options) {
		o.Live = time.Minute
	}},
	"many-issues": {"10,500 old closed incidents: past 10,000 GitLab stops counting", func(o *sim.Options) {
		o.ManyIssues = 10_500
	}},
}

func scenarioNames() []string {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// simSetup is how the simulated world is made: its seed, scenarios and faults.
type simSetup struct {
	seed      uint64
	scenarios []string
	faults    []string
}

// addFlags adds --seed, --scenario and --fault to cmd.
func (s *simSetup) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.Uint64Var(&s.seed, "seed", 1, "seed of the simulated world (other seeds, other people and times)")
	var help []string
	for _, n := range scenarioNames() {
		help = append(help, n+": "+scenarios[n].help)
	}
	f.StringSliceVar(&s.scenarios, "scenario", nil, "shape the simulated world (repeatable, or comma-separated): "+strings.Join(help, "; "))
	f.StringArrayVar(&s.faults, "fault", nil, faultHelp)
	_ = cmd.RegisterFlagCompletionFunc("scenario", cobra.FixedCompletions(scenarioNames(), cobra.ShellCompDirectiveNoFileComp))
}

// options builds the simulated world for cfg at now: same projects, labels and rotation as
// the config, so the simulator exercises the same code paths as production.
func (s *simSetup) options(cfg *config.Config, now time.Time) (sim.Options, error) {
	faults, err := faultFlags(s.faults)
	if err != nil {
		return sim.Options{}, err
	}
	opts := sim.Options{
		Seed: s.seed, Now: now, Rotation: cfg.Rotation, Labels: cfg.Labels, Faults: faults,
		ProductionProject: cfg.GitLab.ProductionProject,
		OncallProject:     cfg.GitLab.OncallProject,
		HandoffProject:    cfg.GitLab.HandoffProject,
	}
	for _, name := range s.scenarios {
		sc, ok := scenarios[name]
		if !ok {
			return opts, usageError{fmt.Errorf("--scenario %q: use %s", name, strings.Join(scenarioNames(), ", "))}
		}
		sc.apply(&opts)
	}
	return opts, nil
}

// startSim runs the simulator on addr and returns a hub wired to it. Without a people map
// in the config, the simulator's own people are mapped, so handoffs get assignees. Pages
// are acted on with the simulated engineer on call's own PagerDuty user key, so a and x
// work as they would for them (a configured pagerduty.from names nobody there).
func startSim(cfg *config.Config, addr string, setup simSetup, now time.Time, log *debugLog) (*sim.Server, *hub.Hub, error) {
	opts, err := setup.options(cfg, now)
	if err != nil {
		return nil, nil, err
	}
	srv, s, err := sim.Start(addr, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot start the simulator: %w", err)
	}
	if len(cfg.People) == 0 {
		cfg.People = s.People()
	}
	cfg.PagerDuty.From = ""
	h, err := newHub(cfg, endpoint{srv.URL, simGitLabToken}, endpoint{srv.URL, s.EOCUserToken()}, log)
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	return srv, h, nil
}

// simFlags let a one-shot command run on the embedded simulator: --sim, with the world's
// --seed, --scenario and --fault.
type simFlags struct {
	on bool
	simSetup
}

func (s *simFlags) addFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&s.on, "sim", false, "run on the embedded simulator: no config file, token or network needed")
	s.simSetup.addFlags(cmd)
}

// connect is the hub a one-shot command talks to: the configured services, or with --sim
// a simulator started here (stop closes it). The config's warnings go to stderr.
func (s *simFlags) connect(g *globals, cfg *config.Config, now time.Time, stderr io.Writer) (h *hub.Hub, stop func(), err error) {
	if !s.on {
		if len(s.scenarios) > 0 || len(s.faults) > 0 {
			return nil, nil, usageError{fmt.Errorf("--scenario and --fault go with --sim")}
		}
		if h, err = realHub(cfg, g.log); err != nil {
			return nil, nil, err
		}
		warn(stderr, cfg.Warnings)
		return h, func() {}, nil
	}
	srv, h, err := startSim(cfg, "127.0.0.1:0", s.simSetup, now, g.log)
	if err != nil {
		return nil, nil, err
	}
	return h, func() { _ = srv.Close() }, nil
}

// faultFlags reads repeated --fault SOURCE=KIND[:ARG] flags.
func faultFlags(specs []string) (map[string]sim.Fault, error) {
	out := map[string]sim.Fault{}
	for _, spec := range specs {
		sources, f, err := sim.ParseFault(spec)
		if err != nil {
			return nil, usageError{fmt.Errorf("--fault: %w", err)}
		}
		for _, s := range sources {
			out[s] = f
		}
	}
	return out, nil
}

const faultHelp = "make a source misbehave: SOURCE=KIND[:ARG], SOURCE one of queue, oncall, handoffs, rotation, pages, all; KIND latency:3s, errors:0.3, 429[:40s], 503[:40s], html, hang, truncated, malformed, escapes, huge (repeatable)"
