package model

import (
	"sort"
	"strings"
	"time"
)

// PagerDuty incident statuses.
const (
	PageTriggered    = "triggered"
	PageAcknowledged = "acknowledged"
	PageResolved     = "resolved"
)

// PageAlert is one alert grouped into a page.
type PageAlert struct {
	Summary   string    `json:"summary"`
	Status    string    `json:"status"`             // triggered, resolved
	Severity  string    `json:"severity,omitempty"` // critical, error, warning, info
	CreatedAt time.Time `json:"created_at"`
	URL       string    `json:"url,omitempty"`
}

// PageDetail is what the detail view of a page shows.
type PageDetail struct {
	Page
	Alerts     []PageAlert `json:"alerts"`                // oldest first, as PagerDuty lists them
	MoreAlerts bool        `json:"more_alerts,omitempty"` // PagerDuty has more alerts than are listed
	Notes      []Note      `json:"notes"`                 // newest first
}

// AssignedTo reports whether me (a PagerDuty user: id or email) is among the assignees.
func (p Page) AssignedTo(me Person) bool {
	for _, a := range p.Assignees {
		if me.PagerDutyID != "" && a.PagerDutyID == me.PagerDutyID {
			return true
		}
		if me.Email != "" && strings.EqualFold(a.Email, me.Email) {
			return true
		}
	}
	return false
}

// SortPages orders triggered pages first, then high urgency, then newest first.
func SortPages(ps []Page) {
	rank := func(p Page) int {
		r := 0
		if p.Status != PageTriggered {
			r += 2
		}
		if p.Urgency == "low" {
			r++
		}
		return r
	}
	sort.SliceStable(ps, func(a, b int) bool {
		ra, rb := rank(ps[a]), rank(ps[b])
		if ra != rb {
			return ra < rb
		}
		return ps[a].CreatedAt.After(ps[b].CreatedAt)
	})
}
