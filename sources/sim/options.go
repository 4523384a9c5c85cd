package sim

import (
	"time"

	"github.com/oncall-sre/oncall/model"
)

// DefaultOptions is the handbook world: EMEA 04-16, AMER 16-04, the DOMAIN.md projects.
func DefaultOptions(now time.Time) Options {
	emea, amer := model.Region{Name: "EMEA", Start: 4 * 60, End: 16 * 60, Schedule: "PEMEA01"}, model.Region{Name: "AMER", Start: 16 * 60, End: 4 * 60, Schedule: "PAMER01"}
	return Options{
		Seed: 1, Now: now, Rotation: model.Rotation{emea, amer}, Labels: model.DefaultLabels(),
		ProductionProject: "gitlab-com/gl-infra/production",
		OncallProject:     "gitlab-com/gl-infra/infrastructure",
		HandoffProject:    "gitlab-com/gl-infra/on-call-handovers",
	}
}
