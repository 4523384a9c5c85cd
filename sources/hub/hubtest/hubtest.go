// Package hubtest wires hubs to the simulator for tests.
package hubtest

import (
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
)

// Config wires a hub to a simulator served at url, as the command does for the demo, but
// for one thing: every refresh reads the lists whole (FullRefreshEvery 1), so that a test
// that breaks the server's answers sees its fault in every refresh. A refresh that asks only
// for what changed gets [] from a quiet server, which no fault can break; the tests of that
// set FullRefreshEvery themselves.
func Config(url string, opts sim.Options) hub.Config {
	return hub.Config{
		GitLab: gitlab.Config{BaseURL: url, Token: "glpat-test", Labels: opts.Labels, FullRefreshEvery: 1,
			ProductionProject: opts.ProductionProject, OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject},
		PagerDutyURL: url, PagerDutyToken: "pd-test", Rotation: opts.Rotation,
	}
}
