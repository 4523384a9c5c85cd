package model

import "testing"

func TestHandoverLineAndAddressedTo(t *testing.T) {
	body := "# On-call handoff\n\n**Outgoing:** @ana\n\n" + HandoverLine("akowalska", "jreyes") + "\n\n## Context\n"
	if out, in := ParseHandoverLine(body); out != "akowalska" || in != "jreyes" {
		t.Fatalf("parsed %q -> %q", out, in)
	}
	if _, in := ParseHandoverLine("nobody hands over to @x in the middle of a line"); in != "" {
		t.Errorf("a mention inside a sentence was read as the handover line: %q", in)
	}
	// GitLab Free kept only the outgoing engineer as assignee: the line still addresses the incoming one.
	h := HandoffNote{Issue: Issue{Assignees: []Person{{Username: "akowalska"}}}, Incoming: "jreyes"}
	if !h.AddressedTo("jreyes") || !h.AddressedTo("JReyes") || !h.AddressedTo("akowalska") || h.AddressedTo("mbell") || h.AddressedTo("") {
		t.Error("AddressedTo")
	}
}
