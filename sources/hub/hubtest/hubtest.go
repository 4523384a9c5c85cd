// Package hubtest wires hubs to the simulator for tests.
package hubtest

import (
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/internal/pace"
	"github.com/oncall-sre/oncall/sources/sim"
)

// Config wires a hub to a simulator served at url, as the command does for the demo, but
// for one thing: every refresh reads the lists whole (FullRefreshEvery 1), so that a test
// that breaks the server's answers sees its fault in every refresh. A refresh that asks only
// for what changed gets [] from a quiet server, which no fault can break; the tests of that
// set FullRefreshEvery themselves. The hub paces GitLab with a limiter of its own, not the
// process's for url: a later test's server may get the port of one whose budget was spent.
func Config(url string, opts sim.Options) hub.Config {
	return hub.Config{
		GitLab: gitlab.Config{BaseURL: url, Token: "glpat-test", Labels: opts.Labels, FullRefreshEvery: 1, Limiter: &pace.Limiter{},
			ProductionProject: opts.ProductionProject, OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject},
		PagerDutyURL: url, PagerDutyToken: "pd-test", Rotation: opts.Rotation,
	}
}
