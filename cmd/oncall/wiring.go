package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/store"
)

// endpoint is where one API is and the token it is called with.
type endpoint struct{ url, token string }

// newHub wires the sources for cfg. gl and pd override the config's URLs when set (the
// simulator); log, when not nil (--debug), records every request.
func newHub(cfg *config.Config, gl, pd endpoint, log *debugLog) (*hub.Hub, error) {
	return hub.New(hubConfig(cfg, gl, pd, log))
}

// hubConfig is the hub's configuration for cfg, as newHub describes it.
func hubConfig(cfg *config.Config, gl, pd endpoint, log *debugLog) hub.Config {
	if gl.url == "" {
		gl.url = cfg.GitLab.URL
	}
	if pd.url == "" {
		pd.url = cfg.PagerDuty.URL
	}
	log.redact(gl.token, pd.token)
	return hub.Config{
		GitLab: gitlab.Config{
			BaseURL: gl.url, Token: gl.token, Labels: cfg.Labels,
			ProductionProject: cfg.GitLab.ProductionProject,
			OncallProject:     cfg.GitLab.OncallProject,
			HandoffProject:    cfg.GitLab.HandoffProject,
			MaxPages:          cfg.GitLab.MaxPages,
		},
		PagerDutyURL: pd.url, PagerDutyToken: pd.token,
		PagerDutyFrom: cfg.PagerDuty.From,
		Rotation:      cfg.Rotation,
		Timeout:       cfg.Timeout,
		People:        cfg.People,
		Budget:        cfg.Budget,
		Confidential:  cfg.Handoff.Confidential,
		MaxServerWait: cfg.MaxServerWait,
		HTTPClient: &http.Client{Transport: log.transport(&http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			MaxIdleConnsPerHost:   gitlab.DefaultParallel, // pages of a list are read that many at once
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			IdleConnTimeout:       90 * time.Second,
		})},
	}
}

// realHub reads the tokens and wires the configured services. What is worth a warning
// (a token file others can read) is added to cfg.Warnings.
func realHub(cfg *config.Config, log *debugLog) (*hub.Hub, error) {
	glToken, pdToken, err := cfg.Tokens()
	if err != nil {
		return nil, usageError{fmt.Errorf("%w\n%s", err, tokenAdvice(cfg))}
	}
	hc := hubConfig(cfg, endpoint{token: glToken}, endpoint{token: pdToken}, log)
	// A report reads the label events of only the incidents that changed since the last one.
	hc.LabelEventsFile = filepath.Join(store.DefaultCacheDir(), "label-events.json")
	return hub.New(hc)
}

// tokenAdvice is the way on when a token is missing: the simulator needs none, and a
// first run has no config yet.
func tokenAdvice(cfg *config.Config) string {
	next := "`oncall config init` writes a commented config to edit"
	if cfg.Path != "" {
		next = "`oncall config check` tests the tokens once they are set"
	}
	return "to try oncall without tokens, run `oncall demo` (the embedded simulator); " + next
}

// warn prints each warning on its own line.
func warn(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, "oncall: warning:", s)
	}
}

// stateDir is where drafts, the outbox and the journal live: apart for the simulator, so
// that simulated drafts never mix with real ones.
func stateDir(demo bool) string {
	if demo {
		return filepath.Join(store.DefaultDir(), "demo")
	}
	return store.DefaultDir()
}

// openState opens the state directory (a separate one for the simulator, so that simulated
// drafts never mix with real ones) and the outbox that publishes through h. A cache
// directory that cannot be written (read-only, full, no permission) turns the snapshot
// cache off instead of stopping the dashboard: the returned state's Warnings say so
// ("cache off: read-only file system (...)").
func openState(h *hub.Hub, demo bool) (*outbox.Local, error) {
	st, err := store.Open(stateDir(demo))
	if err != nil {
		return nil, err
	}
	cache := store.DefaultCacheDir()
	if demo {
		cache = filepath.Join(cache, "demo")
	}
	l := outbox.NewLocal(st, h.PublishHandoff, h.ExistingHandoff)
	if err := st.UseCacheDir(cache); err != nil {
		l.Warnings = append(l.Warnings, err.Error())
	}
	return l, nil
}
