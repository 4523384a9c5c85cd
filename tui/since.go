package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// Since you last looked: the cached snapshot is what was on screen when the dashboard last
// ran. What changed since (new incidents, status and severity changes, new human notes,
// new pages) is marked on its row and summed up in one line, until the item is opened.

// sinceState is the snapshot of the last session and what was opened in this one.
type sinceState struct {
	known  bool                        // a last session is known
	at     time.Time                   // when the last session's data was fresh
	issues map[model.IssueRef]seenItem // the last session's changes and ~oncall issues
	sev    map[model.IssueRef]seenItem // and its incidents
	pages  map[string]bool             // and its pages, by id
	opened map[string]bool             // rows opened in this session: their marks are cleared

	summaryFor int // the data version summary was made for
	summary    string
}

// seenItem is what is compared of an item with its last session's version: only these,
// so that the last session's snapshot is not kept.
type seenItem struct {
	notes    int
	severity model.Severity
	status   model.IncidentStatus
}

// remember indexes the cached snapshot as what was last looked at.
func (s *sinceState) remember(snap model.Snapshot) {
	s.known = true
	for _, h := range snap.Health {
		if h.LastSuccess.After(s.at) {
			s.at = h.LastSuccess
		}
	}
	s.issues, s.sev, s.pages = map[model.IssueRef]seenItem{}, map[model.IssueRef]seenItem{}, map[string]bool{}
	for _, in := range snap.Incidents {
		s.sev[in.IssueRef] = seenItem{notes: in.UserNotes, severity: in.Severity, status: in.Status}
	}
	for _, c := range snap.Changes {
		s.issues[c.IssueRef] = seenItem{notes: c.UserNotes}
	}
	for _, o := range snap.OncallIssues {
		s.issues[o.IssueRef] = seenItem{notes: o.UserNotes}
	}
	for _, p := range snap.Pages.Open {
		s.pages[p.ID] = true
	}
}

func (s *sinceState) open(id string) {
	if s.opened == nil {
		s.opened = map[string]bool{}
	}
	s.opened[id] = true
}

// change is what happened to one item since the last session.
type change struct {
	isNew    bool
	severity model.Severity // non-zero: the severity changed to this
	status   string         // non-empty: the status changed to this
	notes    int            // new human notes
}

// badge is the change as its row shows it: "new", "now S2", "now mitigated, +3 notes".
func (c change) badge() string {
	if c.isNew {
		return "new"
	}
	var what []string
	if c.severity != 0 {
		what = append(what, "now "+c.severity.String())
	}
	if c.status != "" {
		what = append(what, "now "+c.status)
	}
	if c.notes > 0 {
		what = append(what, fmt.Sprintf("+%d notes", c.notes))
	}
	return strings.Join(what, ", ")
}

// rowID and pageRowID name a row: opening it clears its mark by that name.
func rowID(is model.Issue) string { return is.Project + "#" + strconv.FormatInt(is.IID, 10) }

func pageRowID(p model.Page) string { return "page:" + p.ID }

// issueChange compares an issue with its version in the last session (before; ok false
// when it was not there).
func (s *sinceState) issueChange(is model.Issue, before seenItem, ok bool) change {
	switch {
	case !s.known || s.opened[rowID(is)]:
		return change{}
	case !ok:
		return change{isNew: true}
	}
	return change{notes: max(0, is.UserNotes-before.notes)}
}

// incidentChange adds status and severity changes.
func (s *sinceState) incidentChange(in model.Incident) change {
	if !s.known {
		return change{}
	}
	before, ok := s.sev[in.IssueRef]
	c := s.issueChange(in.Issue, before, ok)
	if !ok || s.opened[rowID(in.Issue)] {
		return c
	}
	if before.severity != in.Severity {
		c.severity = in.Severity
	}
	if before.status != in.Status {
		c.status = strings.ToLower(in.Status.String())
	}
	return c
}

func (s *sinceState) changeChange(c model.Change) change {
	before, ok := s.issues[c.IssueRef]
	return s.issueChange(c.Issue, before, ok)
}

func (s *sinceState) oncallChange(o model.OncallIssue) change {
	before, ok := s.issues[o.IssueRef]
	return s.issueChange(o.Issue, before, ok)
}

func (s *sinceState) pageIsNew(p model.Page) bool {
	return s.known && !s.opened[pageRowID(p)] && !s.pages[p.ID]
}

// sinceSummary is the one line: "since 03:10: 1 new S2, #4101 mitigated, 3 new notes".
func (m *Model) sinceSummary() string {
	s := &m.since
	if !s.known {
		return ""
	}
	if s.summaryFor != m.version {
		s.summary, s.summaryFor = m.summariseSince(), m.version
	}
	return s.summary
}

func (m *Model) summariseSince() string {
	s := &m.since
	newBySev := map[model.Severity]int{}
	var moved []string
	notes := 0
	for _, in := range m.snap.Incidents {
		c := s.incidentChange(in)
		switch {
		case c.isNew:
			newBySev[in.Severity]++
		case c.severity != 0:
			moved = append(moved, fmt.Sprintf("#%d %s", in.IID, c.severity))
		case c.status != "":
			moved = append(moved, fmt.Sprintf("#%d %s", in.IID, c.status))
		}
		notes += c.notes
	}
	for _, c := range m.snap.Changes {
		notes += s.changeChange(c).notes
	}
	for _, o := range m.snap.OncallIssues {
		notes += s.oncallChange(o).notes
	}
	var parts []string
	for sev := model.Severity(1); sev <= 4; sev++ {
		if n := newBySev[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d new %s", n, sev))
		}
	}
	if n := newBySev[0]; n > 0 {
		parts = append(parts, plural(n, "new incident"))
	}
	pages := 0
	for _, p := range m.snap.Pages.Open {
		if s.pageIsNew(p) {
			pages++
		}
	}
	if pages > 0 {
		parts = append(parts, plural(pages, "new page"))
	}
	parts = append(parts, moved...)
	if notes > 0 {
		parts = append(parts, plural(notes, "new note"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "since " + s.at.In(m.opts.Zone).Format("15:04") + ": " + strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
