package model

import (
	"reflect"
	"testing"
	"time"
)

// A reopened S1: opened 10:00, mitigated 10:30, resolved 12:00, Active again 14:00 and still
// open at 16:00. Hand-checked: it is still active, neither mitigated nor resolved, and it hurt
// users 10:00-10:30 and 14:00-16:00.
func reopened() IncidentHistory {
	return hist(9, 1, "2026-11-23T10:00:00Z", "opened", "",
		ev("Incident::Active", "add", "2026-11-23T10:00:00Z"),
		ev("Incident::Active", "remove", "2026-11-23T10:30:00Z"), ev("Incident::Mitigated", "add", "2026-11-23T10:30:00Z"),
		ev("Incident::Mitigated", "remove", "2026-11-23T12:00:00Z"), ev("Incident::Resolved", "add", "2026-11-23T12:00:00Z"),
		ev("", "remove", "2026-11-23T13:00:00Z"), // a deleted label: says nothing
		ev("Incident::Resolved", "remove", "2026-11-23T14:00:00Z"), ev("Incident::Active", "add", "2026-11-23T14:00:00Z"))
}

func TestReopenedIncidentIsActiveAgain(t *testing.T) {
	l := DefaultLabels()
	h := reopened()
	now := at("2026-11-23T16:00:00Z")
	if !l.MitigatedAt(h).IsZero() || !l.ResolvedAt(h).IsZero() || !l.StillActive(h) {
		t.Fatalf("reopened: mitigated %s, resolved %s, still active %v", l.MitigatedAt(h), l.ResolvedAt(h), l.StillActive(h))
	}
	want := []Window{{at("2026-11-23T10:00:00Z"), at("2026-11-23T10:30:00Z")}, {at("2026-11-23T14:00:00Z"), now}}
	if got := l.ImpactPeriods(h, false, now); !reflect.DeepEqual(got, want) {
		t.Errorf("impact %v; want %v", got, want)
	}
	// Until resolved: 10:00-12:00 and 14:00-16:00.
	want = []Window{{at("2026-11-23T10:00:00Z"), at("2026-11-23T12:00:00Z")}, {at("2026-11-23T14:00:00Z"), now}}
	if got := l.ImpactPeriods(h, true, now); !reflect.DeepEqual(got, want) {
		t.Errorf("impact until resolved %v; want %v", got, want)
	}
	// The budget window starts at 10:15 (window edge inside the first period): 15m + 2h.
	p := BudgetPolicy{Target: 99.95, Window: now.Sub(at("2026-11-23T10:15:00Z")), Severities: []Severity{1}}
	if b := l.ErrorBudget(p, []IncidentHistory{h}, now); b.Consumed != 135*time.Minute {
		t.Errorf("consumed %s; want 2h15m", b.Consumed)
	}
}

func TestMitigatedAtTheLastMoveThatStands(t *testing.T) {
	l := DefaultLabels()
	h := reopened()
	// Mitigated again at 15:00, resolved at 15:30.
	h.Events = append(h.Events,
		ev("Incident::Active", "remove", "2026-11-23T15:00:00Z"), ev("Incident::Mitigated", "add", "2026-11-23T15:00:00Z"),
		ev("Incident::Mitigated", "remove", "2026-11-23T15:30:00Z"), ev("Incident::Resolved", "add", "2026-11-23T15:30:00Z"))
	if got := l.MitigatedAt(h); !got.Equal(at("2026-11-23T15:00:00Z")) {
		t.Errorf("mitigated at %s; want 15:00, the last move out of Active", got)
	}
	if got := l.ResolvedAt(h); !got.Equal(at("2026-11-23T15:30:00Z")) {
		t.Errorf("resolved at %s; want 15:30", got)
	}
	if l.StillActive(h) {
		t.Error("resolved incident still active")
	}
	// Removing the Resolved label with no other status label: Active again.
	h.Events = append(h.Events, ev("Incident::Resolved", "remove", "2026-11-23T16:00:00Z"))
	if !l.StillActive(h) || !l.MitigatedAt(h).IsZero() {
		t.Errorf("a removed Resolved label did not make it active: active %v, mitigated %s", l.StillActive(h), l.MitigatedAt(h))
	}
	// Events in any order are read in time order.
	for i, j := 0, len(h.Events)-1; i < j; i, j = i+1, j-1 {
		h.Events[i], h.Events[j] = h.Events[j], h.Events[i]
	}
	if !l.StillActive(h) {
		t.Error("events out of order changed the outcome")
	}
}

func TestClosedWhileActiveEndsAtTheClose(t *testing.T) {
	l := DefaultLabels()
	h := hist(10, 2, "2026-11-23T10:00:00Z", "closed", "2026-11-23T11:00:00Z", ev("Incident::Active", "add", "2026-11-23T10:00:00Z"))
	now := at("2026-11-23T16:00:00Z")
	if got := l.MitigatedAt(h); !got.Equal(h.ClosedAt) {
		t.Errorf("mitigated at %s; want the close", got)
	}
	if got := l.ImpactPeriods(h, false, now); len(got) != 1 || !got[0].To.Equal(h.ClosedAt) {
		t.Errorf("impact %v; want to end at the close", got)
	}
	if l.StillActive(h) {
		t.Error("a closed incident is still active")
	}
	// No events at all: the status label says.
	open := hist(11, 3, "2026-11-23T10:00:00Z", "opened", "")
	open.Status = StatusMitigated
	if l.StillActive(open) {
		t.Error("an open incident labelled Mitigated, without events, counted as active")
	}
	open.Status = StatusActive
	if !l.StillActive(open) {
		t.Error("an open incident labelled Active, without events, not active")
	}
}
