package gitlab

import (
	"testing"

	"github.com/oncall-sre/oncall/model"
)

// The scope of a sync point changes with whatever changes the lists it stands for.
func TestScopeNamesServerProjectsAndLabels(t *testing.T) {
	base := Config{BaseURL: "https://gitlab.example.com", ProductionProject: "ops/production", OncallProject: "ops/oncall", Labels: model.DefaultLabels(), MaxPages: 100}
	seen := map[string]string{scopeOf(base): "base"}
	for name, change := range map[string]func(*Config){
		"server":          func(c *Config) { c.BaseURL = "https://gitlab.other.example" },
		"production":      func(c *Config) { c.ProductionProject = "ops/prod2" },
		"oncall project":  func(c *Config) { c.OncallProject = "ops/oncall2" },
		"incident label":  func(c *Config) { c.Labels.Incident = "outage" },
		"page limit":      func(c *Config) { c.MaxPages = 3 },
		"handoff project": nil,
	} {
		c := base
		if change == nil {
			c.HandoffProject = "ops/handoffs" // not a list the sync points stand for
			if scopeOf(c) != scopeOf(base) {
				t.Errorf("%s changes the scope", name)
			}
			continue
		}
		change(&c)
		got := scopeOf(c)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: the same scope as %s", name, prev)
		}
		seen[got] = name
	}
}
