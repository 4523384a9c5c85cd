package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/store"
)

// newHub wires the sources for cfg. glURL and pdURL override the config's URLs (the demo
// points them at the simulator); tokens come from the environment or token files.
func newHub(cfg *config.Config, glURL, pdURL, glToken, pdToken string) (*hub.Hub, error) {
	if glURL == "" {
		glURL = cfg.GitLab.URL
	}
	if pdURL == "" {
		pdURL = cfg.PagerDuty.URL
	}
	return hub.New(hub.Config{
		GitLab: gitlab.Config{
			BaseURL: glURL, Token: glToken, Labels: cfg.Labels,
			ProductionProject: cfg.GitLab.ProductionProject,
			OncallProject:     cfg.GitLab.OncallProject,
			HandoffProject:    cfg.GitLab.HandoffProject,
		},
		PagerDutyURL: pdURL, PagerDutyToken: pdToken,
		Rotation:     cfg.Rotation,
		Timeout:      cfg.Timeout,
		People:       cfg.People,
		Budget:       cfg.Budget,
		Confidential: cfg.Handoff.Confidential,
		HTTPClient: &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			MaxIdleConnsPerHost:   8,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			IdleConnTimeout:       90 * time.Second,
		}},
	})
}

// realHub reads the tokens and wires the configured services.
func realHub(cfg *config.Config) (*hub.Hub, error) {
	glToken, pdToken, err := cfg.Tokens()
	if err != nil {
		return nil, usageError{err}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(os.Stderr, "oncall: warning:", w)
	}
	return newHub(cfg, "", "", glToken, pdToken)
}

// simOptions builds a simulated world that matches the config: same projects, labels and
// rotation, so the demo exercises the same code paths as production.
func simOptions(cfg *config.Config, seed uint64, now time.Time, faults map[string]sim.Fault) sim.Options {
	return sim.Options{
		Seed: seed, Now: now, Rotation: cfg.Rotation, Labels: cfg.Labels, Faults: faults,
		ProductionProject: cfg.GitLab.ProductionProject,
		OncallProject:     cfg.GitLab.OncallProject,
		HandoffProject:    cfg.GitLab.HandoffProject,
	}
}

// startSim runs the simulator on addr and returns a hub wired to it. Without a people map
// in the config, the simulator's own people are mapped, so handoffs get assignees.
func startSim(cfg *config.Config, addr string, seed uint64, now time.Time, faults map[string]sim.Fault) (*sim.Server, *hub.Hub, error) {
	srv, s, err := sim.Start(addr, simOptions(cfg, seed, now, faults))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot start the simulator: %w", err)
	}
	if len(cfg.People) == 0 {
		cfg.People = s.People()
	}
	// The simulator accepts any token; these make the requests look like real ones.
	h, err := newHub(cfg, srv.URL, srv.URL, "glpat-demo", "pd-demo")
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	return srv, h, nil
}

// openState opens the state directory (a separate one for the demo, so that simulated
// drafts never mix with real ones) and the outbox that publishes through h. A cache
// directory that cannot be written (read-only, full, no permission) turns the snapshot
// cache off instead of stopping the dashboard: the returned state's Warnings say so
// ("cache off: read-only file system (...)").
func openState(h *hub.Hub, demo bool) (*outbox.Local, error) {
	dir, cache := store.DefaultDir(), store.DefaultCacheDir()
	if demo {
		dir, cache = filepath.Join(dir, "demo"), filepath.Join(cache, "demo")
	}
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	l := outbox.NewLocal(st, h.PublishHandoff, h.ExistingHandoff)
	if err := st.UseCacheDir(cache); err != nil {
		l.Warnings = append(l.Warnings, err.Error())
	}
	return l, nil
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
