// Package hubtest wires hubs to the simulator for tests.
package hubtest

import (
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
)

// Config wires a hub to a simulator served at url, as the command does for the demo.
func Config(url string, opts sim.Options) hub.Config {
	return hub.Config{
		GitLab: gitlab.Config{BaseURL: url, Token: "glpat-test", Labels: opts.Labels,
			ProductionProject: opts.ProductionProject, OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject},
		PagerDutyURL: url, PagerDutyToken: "pd-test", Rotation: opts.Rotation,
	}
}
