package sim_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
)

// handoffAt is a published handoff of the world: its shift, and when it was written.
type handoffAt struct {
	is      *gl.Issue
	shift   model.Shift
	written time.Time
}

func (w *apiWorld) handoffs(t *testing.T) []handoffAt {
	t.Helper()
	var out []handoffAt
	for _, is := range w.issues[w.opts.HandoffProject] {
		end, err := time.Parse("2006-01-02 15:04", strings.TrimPrefix(is.Title, "On-call handoff ")[:16])
		if err != nil {
			t.Fatalf("handoff title %q: %v", is.Title, err)
		}
		out = append(out, handoffAt{is: is, shift: w.opts.Rotation.ShiftAt(end.Add(-time.Minute)), written: *is.CreatedAt})
	}
	return out
}

var ackNote = regexp.MustCompile(`^Acknowledged by @(\S+) at (\d\d:\d\d) UTC$`)

// TestAcknowledgementsComeAtHumanTimes: the incoming engineer acknowledges a handoff after
// it was handed over, at minutes that vary; some handoffs are never acknowledged.
func TestAcknowledgementsComeAtHumanTimes(t *testing.T) {
	minutes, delays := map[int]bool{}, map[time.Duration]bool{}
	acked, unacked := 0, 0
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6} {
		w := readWorld(t, worldOpts(seed, now))
		for _, h := range w.handoffs(t) {
			_, incoming := model.ParseHandoverLine(h.is.Description)
			var ack *gl.Note
			for _, n := range w.notes[issueKey(w.opts.HandoffProject, h.is.IID)] {
				if !n.System && strings.HasPrefix(n.Body, "Acknowledged by") {
					ack = n
				}
			}
			if ack == nil {
				unacked++
				continue
			}
			acked++
			m := ackNote.FindStringSubmatch(ack.Body)
			if m == nil || m[1] != incoming || ack.Author.Username != incoming || m[2] != ack.CreatedAt.UTC().Format("15:04") {
				t.Errorf("seed %d, %q: acknowledgement %q by %s at %s; want the incoming @%s's, saying when it was written",
					seed, h.is.Title, ack.Body, ack.Author.Username, ack.CreatedAt, incoming)
			}
			if ack.CreatedAt.Before(h.shift.End) {
				t.Errorf("seed %d, %q: acknowledged at %s, before the handoff", seed, h.is.Title, ack.CreatedAt)
			}
			minutes[ack.CreatedAt.Minute()] = true
			delays[ack.CreatedAt.Sub(h.shift.End).Truncate(time.Minute)] = true
		}
	}
	if len(minutes) < 10 || len(delays) < 10 {
		t.Errorf("%d acknowledgements fall on %d distinct minutes, %d distinct delays; want them spread", acked, len(minutes), len(delays))
	}
	if unacked == 0 || unacked > acked/2 {
		t.Errorf("%d handoffs unacknowledged, %d acknowledged; want a few unacknowledged", unacked, acked)
	}
}

// section is the part of body under heading (a line starting with it), up to the next
// heading of any level.
func section(body, heading string) (string, bool) {
	i := strings.Index(body, "\n"+heading)
	if i < 0 {
		return "", false
	}
	rest := body[i+1:]
	rest = rest[strings.Index(rest, "\n")+1:]
	if j := strings.Index(rest, "\n#"); j >= 0 {
		rest = rest[:j]
	}
	return rest, true
}

var issueLink = regexp.MustCompile(`\[#(\d+) ([^\]]*)\]\(([^)]*)\)`)

// TestHandoffsTellTheirShift: every handoff lists, with links, the incidents the world
// really opened in its shift before it was written, and the pages open then; its links
// point at issues that exist, under their titles; "quiet" is said only of a shift where
// nothing was opened; and it names who hands over to whom.
func TestHandoffsTellTheirShift(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		w := readWorld(t, worldOpts(seed, now))
		byURL := map[string]*gl.Issue{}
		for _, project := range []string{w.opts.ProductionProject, w.opts.OncallProject} {
			for _, is := range w.issues[project] {
				byURL[is.WebURL] = is
			}
		}
		hs := w.handoffs(t)
		if len(hs) != 8 {
			t.Fatalf("seed %d: %d handoffs; want the last eight shifts'", seed, len(hs))
		}
		for _, h := range hs {
			body, name := h.is.Description, fmt.Sprintf("seed %d, %q", seed, h.is.Title)
			var want []string
			for _, in := range w.incidents() {
				if h.shift.Contains(*in.CreatedAt) && in.CreatedAt.Before(h.written) {
					want = append(want, in.WebURL)
				}
			}
			opened, ok := section(body, fmt.Sprintf("### Opened in this shift (%d)", len(want)))
			if !ok {
				t.Errorf("%s: the world opened %d incidents in the shift; the handoff says:\n%s", name, len(want), body)
				continue
			}
			for _, u := range want {
				if !strings.Contains(opened, "("+u+")") {
					t.Errorf("%s: the incident %s opened in the shift is not linked:\n%s", name, u, opened)
				}
			}
			for _, m := range issueLink.FindAllStringSubmatch(body, -1) {
				is := byURL[m[3]]
				if is == nil || fmt.Sprint(is.IID) != m[1] || is.Title != strings.ReplaceAll(strings.ReplaceAll(m[2], `\[`, "["), `\]`, "]") {
					t.Errorf("%s: the link %s points at no issue of that number and title", name, m[0])
				}
			}
			if quiet := strings.Contains(body, "Quiet"); quiet && len(want) > 0 {
				t.Errorf("%s: a quiet shift with %d incidents opened in it", name, len(want))
			}
			if n := w.pagesOpenAt(t, h.written); !strings.Contains(body, fmt.Sprintf("## Active pages (%d)", n)) {
				t.Errorf("%s: %d pages were open when it was written; the handoff says otherwise", name, n)
			}
			out, in := model.ParseHandoverLine(body)
			if len(h.is.Assignees) != 2 || out != h.is.Assignees[0].Username || in != h.is.Assignees[1].Username ||
				!strings.Contains(body, "\n"+model.HandoverLine(out, in)+"\n") || !strings.Contains(body, "## Context\n") {
				t.Errorf("%s: handover line %q -> %q for assignees %v", name, out, in, h.is.Assignees)
			}
		}
	}
}

// pagesOpenAt counts the PagerDuty incidents open at t.
func (w *apiWorld) pagesOpenAt(t *testing.T, at time.Time) int {
	t.Helper()
	n := 0
	for _, in := range w.pages {
		created, err := time.Parse(time.RFC3339, in.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		resolved := time.Time{}
		if in.Status == "resolved" {
			if resolved, err = time.Parse(time.RFC3339, in.LastStatusChangeAt); err != nil {
				t.Fatal(err)
			}
		}
		if !created.After(at) && (resolved.IsZero() || resolved.After(at)) {
			n++
		}
	}
	return n
}

// TestEveryRotationGetsAWorld: three regions of eight hours, regions named otherwise, and
// one region round the clock: each world has its handoffs, one a shift, each telling its
// shift and handing over between the people the schedule names.
func TestEveryRotationGetsAWorld(t *testing.T) {
	three := model.Rotation{{Name: "APAC", Start: 23 * 60, End: 7 * 60, Schedule: "PAPAC01"},
		{Name: "EMEA", Start: 7 * 60, End: 15 * 60, Schedule: "PEMEA01"}, {Name: "AMER", Start: 15 * 60, End: 23 * 60, Schedule: "PAMER01"}}
	named := model.Rotation{{Name: "Dublin", Start: 6 * 60, End: 18 * 60, Schedule: "PDUB01"}, {Name: "Sydney", Start: 18 * 60, End: 6 * 60, Schedule: "PSYD01"}}
	alone := model.Rotation{{Name: "SRE", Start: 9 * 60, End: 9 * 60, Schedule: "PSRE01"}}
	for _, rot := range []model.Rotation{three, named, alone} {
		for _, seed := range []uint64{1, 9} {
			opts := worldOpts(seed, now)
			opts.Rotation = rot
			w := readWorld(t, opts)
			hs := w.handoffs(t)
			if len(hs) != 8 {
				t.Fatalf("%s, seed %d: %d handoffs", rot[0].Name, seed, len(hs))
			}
			for i, h := range hs {
				if !strings.Contains(h.is.Description, "## Incidents") || !strings.Contains(h.is.Description, "## Context") {
					t.Errorf("%s, seed %d: %q lacks its facts or its context:\n%s", rot[0].Name, seed, h.is.Title, h.is.Description)
				}
				if i > 0 && !hs[i-1].shift.End.Equal(h.shift.Start) {
					t.Errorf("%s, seed %d: %q does not follow the shift before", rot[0].Name, seed, h.is.Title)
				}
				if out, in := model.ParseHandoverLine(h.is.Description); out == "" || in == "" || out == in {
					t.Errorf("%s, seed %d: %q hands over from %q to %q", rot[0].Name, seed, h.is.Title, out, in)
				}
			}
		}
	}
}
