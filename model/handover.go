package model

import (
	"fmt"
	"regexp"
	"strings"
)

// GitLab Free keeps only the first of an issue's assignees, and drops those who cannot see
// it, without an error. So every handoff body names both engineers on a line of its own;
// the mention notifies the incoming engineer whatever happened to the assignees, and the
// dashboard reads who a handoff is for from it.

var handoverLine = regexp.MustCompile(`(?m)^\W{0,3}@([A-Za-z0-9_.\-]+) hands over to @([A-Za-z0-9_.\-]+)`)

// HandoverLine is the line a handoff body carries: "@outgoing hands over to @incoming".
func HandoverLine(outgoing, incoming string) string {
	return fmt.Sprintf("@%s hands over to @%s", outgoing, incoming)
}

// ParseHandoverLine reads the first handover line of a handoff body; empty when none.
func ParseHandoverLine(body string) (outgoing, incoming string) {
	m := handoverLine.FindStringSubmatch(body)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

// AddressedTo reports whether the handoff is for username: assigned to them, or naming them
// as the incoming engineer (on GitLab Free the assignee may have been dropped).
func (h HandoffNote) AddressedTo(username string) bool {
	return username != "" && (h.AssignedTo(username) || strings.EqualFold(h.Incoming, username))
}
