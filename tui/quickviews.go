package tui

import (
	"fmt"
	"sort"
	"strings"
)

// Quick views: s cycles a pane's sort, m shows only what is mine (every pane), M hides
// mitigated incidents. The pane's title says which are in force, and how many rows they hide.

// sortMode is a pane's order.
type sortMode int

const (
	sortNatural sortMode = iota // the pane's own: severity, workflow state, status, newest
	sortAge                     // newest first
	sortUpdated                 // most recently updated first
	sortModes
)

// naturalSort names each pane's own order, by its title.
var naturalSort = map[string]string{"Incidents": "severity", "Changes": "state", "Pages": "status"}

func (s sortMode) name(p *paneSpec) string {
	switch s {
	case sortAge:
		return "age"
	case sortUpdated:
		return "updated"
	}
	if n, ok := naturalSort[p.title]; ok {
		return n
	}
	return "newest"
}

// viewKey is what decides which rows a pane shows and in which order.
type viewKey struct {
	filter        string
	sort          sortMode
	mine          bool
	hideMitigated bool
}

// view orders and filters the rows; cellsOf gives a row's cells, for the filter.
func (k viewKey) apply(all []row, cellsOf func(*row) []cell) []row {
	rows := all
	if k.sort != sortNatural {
		rows = append([]row(nil), all...)
		sort.SliceStable(rows, func(a, b int) bool {
			if k.sort == sortUpdated {
				return rows[a].updated.After(rows[b].updated)
			}
			return rows[a].created.After(rows[b].created)
		})
	}
	if k.mine || k.hideMitigated {
		kept := []row{}
		for _, r := range rows {
			if (k.mine && !r.mine) || (k.hideMitigated && r.mitigated) {
				continue
			}
			kept = append(kept, r)
		}
		rows = kept
	}
	return filterRows(rows, k.filter, cellsOf)
}

// shownSummary says which views are in force and what they hide, for the pane's title.
func (p *pane) shownSummary() string {
	var in []string
	if p.filter != "" {
		in = append(in, "/"+p.filter)
	}
	if p.shownFor.mine {
		in = append(in, "mine")
	}
	if p.shownFor.hideMitigated && p.spec.title == "Incidents" {
		in = append(in, "mitigated and resolved hidden")
	}
	var out []string
	if len(in) > 0 {
		out = append(out, fmt.Sprintf("%d of %d shown (%s)", len(p.shown), len(p.all), strings.Join(in, ", ")))
	}
	if p.sort != sortNatural {
		out = append(out, "by "+p.sort.name(p.spec))
	}
	return strings.Join(out, " · ")
}
