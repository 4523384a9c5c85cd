package model

import (
	"strconv"
	"strings"
)

// Labels names every GitLab label the tool reads. Teams spell these differently, so each
// is a setting; the defaults are those of GitLab's production and infrastructure trackers.
type Labels struct {
	Incident          string `yaml:"incident" json:"incident"`
	Change            string `yaml:"change" json:"change"`
	Oncall            string `yaml:"oncall" json:"oncall"`
	Handoff           string `yaml:"handoff" json:"handoff"`
	ReadyToHandoff    string `yaml:"ready_to_handoff" json:"ready_to_handoff"`
	BlocksDeployments string `yaml:"blocks_deployments" json:"blocks_deployments"`
	DataLoss          string `yaml:"data_loss" json:"data_loss"`
	// Prefixes of scoped labels.
	Severity       string `yaml:"severity_prefix" json:"severity_prefix"`               // severity::1
	IncidentStatus string `yaml:"incident_status_prefix" json:"incident_status_prefix"` // Incident::Active
	ChangeState    string `yaml:"change_state_prefix" json:"change_state_prefix"`       // change::scheduled
	Service        string `yaml:"service_prefix" json:"service_prefix"`                 // Service::Redis
}

// DefaultLabels are the labels of DOMAIN.md.
func DefaultLabels() Labels {
	return Labels{
		Incident:          "incident",
		Change:            "change",
		Oncall:            "oncall",
		Handoff:           "oncall-handoff",
		ReadyToHandoff:    "Ready_to_Handoff",
		BlocksDeployments: "blocks deployments",
		DataLoss:          "(perceived) data loss",
		Severity:          "severity::",
		IncidentStatus:    "Incident::",
		ChangeState:       "change::",
		Service:           "Service::",
	}
}

// Severity of an incident: 1 is the worst. 0 means the issue carries no severity label.
type Severity int

func (s Severity) String() string {
	if s < 1 || s > 4 {
		return "S?"
	}
	return "S" + strconv.Itoa(int(s))
}

// High reports an S1 or S2 incident: these need an incident manager and a named lead.
func (s Severity) High() bool { return s == 1 || s == 2 }

// IncidentStatus is the Incident::* label; closed issues are done whatever the label says.
type IncidentStatus int

const (
	StatusUnknown IncidentStatus = iota
	StatusActive
	StatusMitigated
	StatusResolved
)

func (s IncidentStatus) String() string {
	switch s {
	case StatusActive:
		return "Active"
	case StatusMitigated:
		return "Mitigated"
	case StatusResolved:
		return "Resolved"
	}
	return "—"
}

// ChangeState is the change::* workflow label.
type ChangeState int

const (
	ChangeUnknown ChangeState = iota
	ChangeInProgress
	ChangeScheduled
	ChangeUnscheduled
	ChangeComplete
	ChangeAborted
)

var changeStateNames = map[string]ChangeState{
	"in-progress": ChangeInProgress,
	"scheduled":   ChangeScheduled,
	"unscheduled": ChangeUnscheduled,
	"complete":    ChangeComplete,
	"aborted":     ChangeAborted,
}

func (s ChangeState) String() string {
	for name, v := range changeStateNames {
		if v == s {
			return name
		}
	}
	return "—"
}

// IncidentLabels is what the labels of an incident issue say.
type IncidentLabels struct {
	Severity          Severity
	Status            IncidentStatus
	BlocksDeployments bool
	DataLoss          bool
	Services          []string
}

// ParseIncidentLabels reads severity ("severity::1", or the older "S1"), status and flags.
//
// GitLab compares label titles exactly (labels= is case-sensitive), and so do the plain
// labels here (the flags, Has). Scoped labels are read leniently: their prefix and value
// ignore case, because they are read from labels the issue really carries ("Severity::1"
// can only mean S1); CheckLabels warns when the configured prefix is spelled otherwise in
// the project.
func (l Labels) ParseIncidentLabels(labels []string) IncidentLabels {
	var out IncidentLabels
	for _, lb := range labels {
		switch {
		case hasPrefixFold(lb, l.Severity) && l.Severity != "":
			if n, ok := digit1to4(lb[len(l.Severity):]); ok {
				out.Severity = Severity(n)
			}
		case len(lb) == 2 && (lb[0] == 'S' || lb[0] == 's') && out.Severity == 0:
			if n, ok := digit1to4(lb[1:]); ok {
				out.Severity = Severity(n)
			}
		case hasPrefixFold(lb, l.IncidentStatus) && l.IncidentStatus != "":
			switch strings.ToLower(lb[len(l.IncidentStatus):]) {
			case "active":
				out.Status = StatusActive
			case "mitigated":
				out.Status = StatusMitigated
			case "resolved":
				out.Status = StatusResolved
			}
		case hasPrefixFold(lb, l.Service) && l.Service != "":
			out.Services = append(out.Services, lb[len(l.Service):])
		case lb == l.BlocksDeployments:
			out.BlocksDeployments = true
		case lb == l.DataLoss:
			out.DataLoss = true
		}
	}
	return out
}

// ChangeLabels is what the labels of a change issue say.
type ChangeLabels struct {
	Workflow    ChangeState
	Criticality int // 1 (C1, highest) .. 4; 0 when unlabelled
}

// ParseChangeLabels reads the change::* workflow state and the C1..C4 criticality.
func (l Labels) ParseChangeLabels(labels []string) ChangeLabels {
	var out ChangeLabels
	for _, lb := range labels {
		switch {
		case hasPrefixFold(lb, l.ChangeState) && l.ChangeState != "":
			if s, ok := changeStateNames[strings.ToLower(lb[len(l.ChangeState):])]; ok {
				out.Workflow = s
			}
		case len(lb) == 2 && (lb[0] == 'C' || lb[0] == 'c'):
			if n, ok := digit1to4(lb[1:]); ok {
				out.Criticality = n
			}
		}
	}
	return out
}

// Has reports whether labels contain name, exactly as GitLab compares label titles.
func Has(labels []string, name string) bool {
	for _, lb := range labels {
		if lb == name {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func digit1to4(s string) (int, bool) {
	if len(s) != 1 || s[0] < '1' || s[0] > '4' {
		return 0, false
	}
	return int(s[0] - '0'), true
}
