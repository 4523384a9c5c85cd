package model

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

func handoffFacts(t *testing.T) HandoffFacts {
	rot := handbook(t)
	now := at("2026-11-23T15:10:00Z")
	cur := rot.ShiftAt(now)
	mk := func(iid int64, title string, created string, labels ...string) Issue {
		return Issue{IssueRef: IssueRef{Project: "ops/production", IID: iid}, Title: title, State: "opened",
			WebURL: "https://gitlab.example.com/ops/production/-/issues/" + strconv.FormatInt(iid, 10), CreatedAt: at(created), Labels: labels,
			Assignees: []Person{{Name: "Ana Kowalska", Username: "akowalska"}}}
	}
	l := DefaultLabels()
	closed := l.NewIncident(mk(5, "Registry 503s [eu]", "2026-11-23T05:00:00Z", "severity::3", "Incident::Resolved"))
	closed.State, closed.ClosedAt = "closed", at("2026-11-23T09:00:00Z")
	resolvedInShift := l.NewIncident(mk(4, "CI pending (old, resolved label)", "2026-11-22T10:00:00Z", "severity::2", "Incident::Resolved"))
	resolvedInShift.UpdatedAt = at("2026-11-23T11:00:00Z")
	oldClosed := l.NewIncident(mk(6, "Closed before the shift", "2026-11-22T05:00:00Z", "severity::4"))
	oldClosed.State, oldClosed.ClosedAt = "closed", at("2026-11-22T09:00:00Z")
	return HandoffFacts{
		Shift: cur, Next: rot.NextShift(cur),
		Outgoing: &Person{Name: "Ana Kowalska", Username: "akowalska", Email: "ana@example.com"},
		Incoming: &Person{Name: "Jordan Reyes", Email: "jordan@example.com"},
		Incidents: []Incident{
			l.NewIncident(mk(1, "Web 5xx", "2026-11-23T14:20:00Z", "severity::2", "Incident::Active", "blocks deployments")),
			l.NewIncident(mk(2, "Replica lag", "2026-11-23T06:00:00Z", "severity::1", "Incident::Mitigated", "(perceived) data loss")),
			l.NewIncident(mk(3, "Sidekiq backlog", "2026-11-22T20:00:00Z", "severity::3", "Incident::Active")),
			resolvedInShift,
			l.NewIncident(mk(7, "Resolved yesterday", "2026-11-22T10:00:00Z", "severity::2", "Incident::Resolved")),
			closed, oldClosed,
		},
		Changes: []Change{
			{Issue: mk(10, "Patroni upgrade", "2026-11-22T10:00:00Z"), ChangeLabels: ChangeLabels{Workflow: ChangeInProgress, Criticality: 2}},
			{Issue: mk(11, "Redis failover", "2026-11-22T10:00:00Z"), ChangeLabels: ChangeLabels{Workflow: ChangeScheduled, Criticality: 1}, Scheduled: at("2026-11-23T20:00:00Z")},
			{Issue: mk(12, "Feature flag at 50%", "2026-11-22T10:00:00Z"), ChangeLabels: ChangeLabels{Workflow: ChangeScheduled, Criticality: 3}, Scheduled: at("2026-11-24T06:00:00Z")},
			{Issue: mk(13, "Unscheduled thing", "2026-11-22T10:00:00Z"), ChangeLabels: ChangeLabels{Workflow: ChangeUnscheduled, Criticality: 4}},
		},
		Oncall: []OncallIssue{
			{Issue: mk(20, "Noisy alert", "2026-11-23T01:00:00Z")},
			{Issue: mk(21, "Runbook out of date", "2026-11-21T01:00:00Z"), ReadyToHandoff: true},
			{Issue: mk(22, "Silence expires 18:00", "2026-11-23T02:00:00Z"), ReadyToHandoff: true},
		},
		ReadyNotes: map[IssueRef]Note{
			{Project: "ops/production", IID: 21}: {Author: Person{Name: "Robin Park"}, Body: "Steps 1-4 done.\nNext: dry run in gstg.", CreatedAt: at("2026-11-23T12:00:00Z")},
		},
		Pages: []Page{{Title: "GitalyCPUSaturation file-cny-01", Status: "triggered", Service: "Gitaly", URL: "https://pd.example.com/incidents/Q1", CreatedAt: at("2026-11-23T15:01:00Z")}},
		Local: time.FixedZone("CET", 3600),
	}
}

func TestDraftHandoffGolden(t *testing.T) {
	golden.RequireEqual(t, []byte(DraftHandoff(handoffFacts(t))))
}

func TestDraftClassifiesIncidents(t *testing.T) {
	d := DraftHandoff(handoffFacts(t))
	section := func(title string) string {
		i := strings.Index(d, title)
		if i < 0 {
			t.Fatalf("no section %q", title)
		}
		rest := d[i+len(title):]
		if j := strings.Index(rest, "\n#"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	checks := []struct {
		section string
		has     []string
		hasNot  []string
	}{
		{"## Needs a new lead", []string{"#1 Web 5xx", "#2 Replica lag"}, []string{"#4 ", "#3 "}},
		{"### Opened in this shift", []string{"#1 ", "#2 ", "#5 "}, []string{"#3 ", "#6 "}},
		{"### Still active", []string{"#1 ", "#3 "}, []string{"#2 "}},
		{"### Mitigated", []string{"#2 "}, []string{"#1 "}},
		{"### Resolved in this shift", []string{"#4 ", "#5 "}, []string{"#6 ", "#7 "}},
		{"### In progress", []string{"#10 "}, []string{"#11 "}},
		{"### Scheduled before the next handoff", []string{"#11 ", "at Mon 20:00 UTC"}, []string{"#12 ", "#13 "}},
		{"## Ready to hand off", []string{"#21 ", "> Next: dry run in gstg.", "#22 ", "no note yet"}, []string{"#20 "}},
	}
	for _, c := range checks {
		s := section(c.section)
		for _, h := range c.has {
			if !strings.Contains(s, h) {
				t.Errorf("%s lacks %q:\n%s", c.section, h, s)
			}
		}
		for _, h := range c.hasNot {
			if strings.Contains(s, h) {
				t.Errorf("%s should not hold %q:\n%s", c.section, h, s)
			}
		}
	}
	if !strings.Contains(d, "# On-call handoff 2026-11-23 16:00 UTC: EMEA -> AMER") {
		t.Error("title")
	}
	if !strings.Contains(d, `\[eu\]`) {
		t.Error("brackets in a title must be escaped inside a link")
	}
}

func TestRegenerateKeepsTheHumanPart(t *testing.T) {
	f := handoffFacts(t)
	draft := DraftHandoff(f)
	human := "\n\nThe replica lag came back twice; Patroni logs in /var/log/gitlab. Call me at 555-0100.\n"
	draft += human
	f.Incidents = f.Incidents[:1]
	again := RegenerateHandoff(f, draft)
	if !strings.HasSuffix(again, human) || strings.Count(again, HumanMarker) != 1 {
		t.Fatalf("the human part was not kept:\n%s", again)
	}
	if strings.Contains(again, "Replica lag") {
		t.Error("the generated part was not refreshed")
	}
	// Without the marker, the old draft is kept whole below the new facts.
	noMarker := "my own notes only"
	if got := RegenerateHandoff(f, noMarker); !strings.HasSuffix(got, noMarker) || !strings.Contains(got, HumanMarker) {
		t.Errorf("a draft without the marker lost text: %q", got)
	}
}

func TestAcknowledgement(t *testing.T) {
	at1, at2 := at("2026-11-23T16:08:00Z"), at("2026-11-23T16:30:00Z")
	notes := []Note{
		{Body: "unrelated", CreatedAt: at1},
		{Body: AckNoteBody("jreyes", at2), CreatedAt: at2},
		{Body: AckNoteBody("jreyes", at1), CreatedAt: at1},
		{Body: "Acknowledged by @evil at 01:00 UTC", System: true, CreatedAt: at1.Add(-time.Hour)},
	}
	ack, ok := FindAcknowledgement(notes)
	if !ok || ack.Username != "jreyes" || !ack.At.Equal(at1) {
		t.Fatalf("%+v %v", ack, ok)
	}
	if AckNoteBody("jreyes", at1) != "Acknowledged by @jreyes at 16:08 UTC" {
		t.Errorf("note %q", AckNoteBody("jreyes", at1))
	}
	if _, ok := FindAcknowledgement(notes[:1]); ok {
		t.Error("found an acknowledgement in an unrelated note")
	}
}

// A part that was not read says so: a draft never states "None." for what nobody knows.
func TestADraftSaysUnknownForWhatWasNotRead(t *testing.T) {
	rot := Rotation{{Name: "EMEA", Start: 4 * 60, End: 16 * 60, Schedule: "P1"}, {Name: "AMER", Start: 16 * 60, End: 4 * 60, Schedule: "P2"}}
	cur := rot.ShiftAt(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	d := DraftHandoff(HandoffFacts{Shift: cur, Next: rot.NextShift(cur), GitLabUnknown: true, PagesUnknown: true})
	for _, bad := range []string{"None.", "No S1/S2 incident is open", "(0)"} {
		if strings.Contains(d, bad) {
			t.Errorf("a draft of unread facts says %q:\n%s", bad, d)
		}
	}
	if strings.Count(d, unknownLine) < 8 || !strings.Contains(d, "## Active pages (unknown)") {
		t.Errorf("the unread parts are not marked unknown:\n%s", d)
	}
}

func TestOldTimesCarryTheirDate(t *testing.T) {
	ref := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC)
	if got := stamp(ref.Add(-2*24*time.Hour), ref); got != "Sat 16:00" {
		t.Errorf("two days ago: %q", got)
	}
	if got := stamp(ref.Add(-45*24*time.Hour), ref); got != "Fri 09 Oct 16:00" {
		t.Errorf("45 days ago: %q", got)
	}
}

func TestHumanWrote(t *testing.T) {
	rot := Rotation{{Name: "EMEA", Start: 4 * 60, End: 16 * 60, Schedule: "P1"}, {Name: "AMER", Start: 16 * 60, End: 4 * 60, Schedule: "P2"}}
	cur := rot.ShiftAt(time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC))
	d := DraftHandoff(HandoffFacts{Shift: cur, Next: rot.NextShift(cur)})
	if HumanWrote(d) {
		t.Error("the template counts as written")
	}
	if !HumanWrote(strings.Replace(d, "## Context\n", "## Context\nPatroni is fine now.\n", 1)) {
		t.Error("a sentence under Context does not count")
	}
	if !HumanWrote("no marker, just words") || HumanWrote("  \n") {
		t.Error("a draft without a marker")
	}
}
