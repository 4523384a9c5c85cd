package model

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// HandoffFacts is everything the tool knows about a shift when it drafts the handoff.
type HandoffFacts struct {
	Shift    Shift   // the shift handing over
	Next     Shift   // the shift taking over
	Outgoing *Person // from PagerDuty; nil when unknown
	Incoming *Person
	// Incidents touched in the window, open or closed (the queue alone lacks the closed ones).
	Incidents  []Incident
	Changes    []Change // open changes
	Oncall     []OncallIssue
	ReadyNotes map[IssueRef]Note // latest note of each ~Ready_to_Handoff issue
	Pages      []Page
	Local      *time.Location // the writer's zone, shown beside UTC
	Warnings   []string       // what could not be read; the draft says so at the top
	// GitLabUnknown and PagesUnknown: that part was not read; its sections say "unknown"
	// instead of "None.", so a draft never states what nobody knows.
	GitLabUnknown bool
	PagesUnknown  bool
}

// HandoffPost is a handoff on its way to GitLab. ID is unique per publish and is written
// into the body, so a retry can find an issue that was created although its answer was lost.
type HandoffPost struct {
	ID           string    `json:"id"`
	Key          string    `json:"key"` // HandoffKey of the shift
	Project      string    `json:"project"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	Labels       []string  `json:"labels"`
	Assignees    []string  `json:"assignees"` // GitLab usernames
	Confidential bool      `json:"confidential"`
	Queued       time.Time `json:"queued"`
	// Target, when set, publishes the post as a note on that issue (an existing handoff of
	// the same shift) instead of creating an issue.
	Target *IssueRef `json:"target,omitempty"`
}

// OutboxReport says what a flush of the outbox did.
type OutboxReport struct {
	Published []PublishedPost `json:"published"`
	Waiting   []WaitingPost   `json:"waiting"` // held posts included (Held set)
	// Busy: another oncall process was working the outbox, so this one tried nothing;
	// Waiting is what was on disk.
	Busy bool `json:"busy,omitempty"`
	// Warnings are what went wrong beside publishing, in words: a damaged entry moved
	// aside, a journal that could not be written.
	Warnings []string `json:"warnings,omitempty"`
}

// PublishedPost pairs a post with the issue it became.
type PublishedPost struct {
	Post  HandoffPost `json:"post"`
	Issue HandoffNote `json:"issue"`
}

// WaitingPost is a handoff still in the outbox; it is also the outbox's file format.
type WaitingPost struct {
	Post        HandoffPost `json:"post"`
	Attempts    int         `json:"attempts"`
	LastError   string      `json:"last_error"`
	NextAttempt time.Time   `json:"next_attempt"` // zero while Held
	// Held: GitLab refused the post for a reason asking again will not mend (a token
	// without the api scope, a project that does not exist). It is kept, but not retried
	// until the engineer re-arms it; Hint says what to do.
	Held bool   `json:"held,omitempty"`
	Hint string `json:"hint,omitempty"`
	// Published is set when GitLab has the post but the journal could not be written (a
	// full disk): the next flush only writes the journal and never posts again.
	Published *HandoffNote `json:"published,omitempty"`
}

// HeldAdvice is what to do about a held post, in words the dashboard and the commands share.
const HeldAdvice = "your handoff is kept: press P in the dashboard, or run `oncall handoff --retry`, once that is fixed"

// Explain says in one line why w waits and what happens next: the reason GitLab gave and
// the hint for a held post, else the last error and when the next attempt is.
func (w WaitingPost) Explain(now time.Time) string {
	reason := w.LastError
	if reason == "" {
		reason = "not tried yet"
	}
	if w.Held {
		// The error may carry the hint already (a source that put it in the message): say it once.
		if w.Hint != "" && !strings.Contains(reason, w.Hint) {
			reason += "; " + w.Hint
		}
		if !strings.Contains(reason, HeldAdvice) {
			reason += "; " + HeldAdvice
		}
		return "held: " + reason
	}
	if w.NextAttempt.IsZero() || !w.NextAttempt.After(now) {
		return reason + "; next attempt now"
	}
	return fmt.Sprintf("%s; next attempt at %s UTC (in %s)", reason, w.NextAttempt.UTC().Format("15:04:05"), Countdown(w.NextAttempt.Sub(now)))
}

// Marker is the line that carries the post's ID in the issue body.
func (p HandoffPost) Marker() string { return "<!-- oncall-handoff-id: " + p.ID + " -->" }

// HandoffKey names one rotation boundary, e.g. "2026-11-23T1600Z-EMEA-AMER": drafts and
// published handoffs are matched to their shift by it.
func HandoffKey(s, next Shift) string {
	return s.End.UTC().Format("2006-01-02T1504Z") + "-" + s.Region.Name + "-" + next.Region.Name
}

// HandoffTitle is the title of the published issue.
func HandoffTitle(s, next Shift) string {
	return fmt.Sprintf("On-call handoff %s UTC: %s -> %s", s.End.UTC().Format("2006-01-02 15:04"), s.Region.Name, next.Region.Name)
}

// HumanMarker starts the part of a draft that belongs to the human: regenerating the draft
// replaces what is above it and keeps everything from it on. GitLab hides the comment.
const HumanMarker = "<!-- oncall: your notes start here; regenerating the draft keeps everything below -->"

// humanTemplate is the empty human part of a new draft.
const humanTemplate = HumanMarker + `

## Context

<!-- What only you know: what you tried, who you talked to, what you suspect. -->

## Time-sensitive tasks

<!-- Deadlines in the next shift: silences that expire, changes to watch, follow-ups due. -->

## What to watch

<!-- Graphs, alerts, silenced alerts. -->
`

// DraftHandoff renders a new Markdown draft: the generated facts and empty sections for the human.
func DraftHandoff(f HandoffFacts) string {
	return generated(f) + "\n" + humanTemplate
}

// RegenerateHandoff refreshes the generated part of draft and keeps the human's part. If the
// marker was deleted, the whole old draft is kept below the new facts: nothing is lost.
func RegenerateHandoff(f HandoffFacts, draft string) string {
	if strings.Contains(draft, HumanMarker) {
		return generated(f) + "\n" + HumanPart(draft)
	}
	return generated(f) + "\n" + HumanMarker + "\n\n" + draft
}

// HumanPart is what the human wrote (from the marker on), or the whole draft without a marker.
func HumanPart(draft string) string {
	if i := strings.Index(draft, HumanMarker); i >= 0 {
		return draft[i:]
	}
	return draft
}

// HumanWrote reports whether the human's part of a draft holds anything but the template:
// headings and the template's hidden comments do not count.
func HumanWrote(draft string) bool {
	part := HumanPart(draft)
	if !strings.Contains(draft, HumanMarker) {
		return strings.TrimSpace(part) != ""
	}
	part = strings.TrimPrefix(part, HumanMarker)
	for part != "" {
		if i := strings.Index(part, "<!--"); i >= 0 {
			if j := strings.Index(part[i:], "-->"); j >= 0 {
				part = part[:i] + part[i+j+3:]
				continue
			}
		}
		break
	}
	for _, line := range strings.Split(part, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return true
		}
	}
	return false
}

// mdWriter writes the Markdown of a draft, line by line.
type mdWriter struct{ strings.Builder }

func (w *mdWriter) line(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }

// section writes a heading and n items, or "None.".
func (w *mdWriter) section(heading string, n int, item func(i int)) {
	w.sectionOf(heading, n, false, item)
}

// unknownLine is what a section says when its source did not answer.
const unknownLine = "Unknown: not read (see above). Check before you rely on this section."

// sectionOf is section, or "Unknown" for a part that was not read.
func (w *mdWriter) sectionOf(heading string, n int, unknown bool, item func(i int)) {
	w.line("")
	if unknown {
		w.line("%s", headingUnknown(heading))
		w.line("")
		w.line(unknownLine)
		return
	}
	w.line("%s", heading)
	w.line("")
	if n == 0 {
		w.line("None.")
	}
	for i := 0; i < n; i++ {
		item(i)
	}
}

// headingUnknown drops the count "(0)" a heading would show for a part not read.
func headingUnknown(heading string) string {
	if i := strings.LastIndex(heading, " ("); i > 0 && strings.HasSuffix(heading, ")") {
		return heading[:i] + " (unknown)"
	}
	return heading
}

// stamp is t for a reader at ref: the weekday and time within the last six days, the date
// too before that ("since Fri 17:29" must not be read as last Friday's when it is older).
func stamp(t, ref time.Time) string {
	t = t.UTC()
	if ref.Sub(t) < 6*24*time.Hour && t.Sub(ref) < 6*24*time.Hour {
		return t.Format("Mon 15:04")
	}
	return t.Format("Mon 02 Jan 15:04")
}

func generated(f HandoffFacts) string {
	var w mdWriter
	loc := f.Local
	if loc == nil {
		loc = time.UTC
	}
	span := func(s Shift) string {
		end := s.End.UTC().Format("15:04")
		if s.End.UTC().YearDay() != s.Start.UTC().YearDay() {
			end = s.End.UTC().Format("Mon 02 Jan 15:04")
		}
		out := fmt.Sprintf("%s – %s UTC", s.Start.UTC().Format("Mon 02 Jan 15:04"), end)
		if _, off := s.Start.In(loc).Zone(); off != 0 { // the writer's own time, unless it is UTC
			out += fmt.Sprintf(" (%s – %s %s)", s.Start.In(loc).Format("15:04"), s.End.In(loc).Format("15:04"), s.End.In(loc).Format("MST"))
		}
		return out
	}
	w.line("# %s", HandoffTitle(f.Shift, f.Next))
	w.line("")
	w.line("- **Shift:** %s, %s", f.Shift.Region.Name, span(f.Shift))
	w.line("- **Next shift:** %s, %s", f.Next.Region.Name, span(f.Next))
	w.line("- **Outgoing:** %s", personRef(f.Outgoing))
	w.line("- **Incoming:** %s", personRef(f.Incoming))
	for _, warn := range f.Warnings {
		w.line("")
		w.line("> **Incomplete:** %s", warn)
	}

	opened, active, mitigated, resolved, lead := classify(f.Incidents, f.Shift)
	w.line("")
	w.line("## Needs a new lead")
	w.line("")
	switch {
	case f.GitLabUnknown:
		w.line(unknownLine)
	case len(lead) == 0:
		w.line("No S1/S2 incident is open.")
	default:
		w.line("S1/S2 incidents still open: the incoming engineer takes the lead or names who does.")
		w.line("")
		for _, i := range lead {
			w.line("- %s", incidentLine(i))
		}
	}
	w.line("")
	w.line("## Incidents")
	for _, sec := range []struct {
		title string
		list  []Incident
	}{{"Opened in this shift", opened}, {"Still active", active}, {"Mitigated", mitigated}, {"Resolved in this shift", resolved}} {
		w.sectionOf(fmt.Sprintf("### %s (%d)", sec.title, len(sec.list)), len(sec.list), f.GitLabUnknown, func(i int) { w.line("- %s", incidentLine(sec.list[i])) })
	}

	var running, upcoming []Change
	for _, c := range f.Changes {
		switch {
		case c.Workflow == ChangeInProgress:
			running = append(running, c)
		case c.Workflow == ChangeScheduled && !c.Scheduled.IsZero() && c.Scheduled.Before(f.Next.End):
			upcoming = append(upcoming, c)
		}
	}
	SortChanges(running)
	SortChanges(upcoming)
	w.line("")
	w.line("## Changes")
	w.sectionOf(fmt.Sprintf("### In progress (%d)", len(running)), len(running), f.GitLabUnknown, func(i int) { w.line("- %s", changeLine(running[i])) })
	w.sectionOf(fmt.Sprintf("### Scheduled before the next handoff, %s UTC (%d)", f.Next.End.UTC().Format("Mon 15:04"), len(upcoming)), len(upcoming), f.GitLabUnknown, func(i int) {
		w.line("- %s, at %s UTC", changeLine(upcoming[i]), upcoming[i].Scheduled.UTC().Format("Mon 15:04"))
	})

	var ready []OncallIssue
	for _, o := range f.Oncall {
		if o.ReadyToHandoff {
			ready = append(ready, o)
		}
	}
	w.sectionOf(fmt.Sprintf("## Open ~oncall issues (%d)", len(f.Oncall)), len(f.Oncall), f.GitLabUnknown, func(i int) {
		w.line("- %s%s", link(f.Oncall[i].Issue), assigneeSuffix(f.Oncall[i].Issue))
	})
	w.sectionOf(fmt.Sprintf("## Ready to hand off (%d)", len(ready)), len(ready), f.GitLabUnknown, func(i int) {
		o := ready[i]
		w.line("- %s", link(o.Issue))
		n, ok := f.ReadyNotes[o.IssueRef]
		if !ok {
			w.line("  - no note yet: say where it was left off")
			return
		}
		w.line("  - latest note, %s, %s UTC:", n.Author.Display(), stamp(n.CreatedAt, f.Shift.End))
		for _, line := range strings.Split(strings.TrimSpace(n.Body), "\n") {
			w.line("    > %s", line)
		}
	})
	w.sectionOf(fmt.Sprintf("## Active pages (%d)", len(f.Pages)), len(f.Pages), f.PagesUnknown, func(i int) {
		p := f.Pages[i]
		w.line("- **%s** %s (%s, since %s UTC)", p.Status, mdLink(p.Title, p.URL), p.Service, stamp(p.CreatedAt, f.Shift.End))
	})
	return w.String()
}

// classify sorts the shift's incidents into what the handoff reports.
func classify(incidents []Incident, in Shift) (opened, active, mitigated, resolved, lead []Incident) {
	for _, i := range incidents {
		closed := i.State == "closed"
		if !i.CreatedAt.Before(in.Start) && i.CreatedAt.Before(in.End) {
			opened = append(opened, i)
		}
		switch {
		case closed && in.Contains(i.ClosedAt):
			resolved = append(resolved, i)
		case closed:
		case i.Status == StatusResolved && in.Contains(i.UpdatedAt):
			resolved = append(resolved, i) // labelled resolved, probably in this shift
		case i.Status == StatusResolved:
		case i.Status == StatusMitigated:
			mitigated = append(mitigated, i)
		default:
			active = append(active, i)
		}
		if !closed && i.Status != StatusResolved && i.Severity.High() {
			lead = append(lead, i)
		}
	}
	for _, l := range [][]Incident{opened, active, mitigated, resolved, lead} {
		SortIncidents(l)
	}
	return opened, active, mitigated, resolved, lead
}

func personRef(p *Person) string {
	if p == nil {
		return "unknown (PagerDuty did not answer)"
	}
	if p.Username != "" {
		return p.Name + " (@" + p.Username + ")"
	}
	return p.Display()
}

func incidentLine(i Incident) string {
	var flags string
	if i.DataLoss {
		flags += " **data loss**"
	}
	if i.BlocksDeployments {
		flags += " *blocks deployments*"
	}
	return fmt.Sprintf("**%s** %s %s%s%s", i.Severity, i.Status, link(i.Issue), flags, assigneeSuffix(i.Issue))
}

func changeLine(c Change) string {
	crit := "C?"
	if c.Criticality > 0 {
		crit = fmt.Sprintf("C%d", c.Criticality)
	}
	return fmt.Sprintf("**%s** %s%s", crit, link(c.Issue), assigneeSuffix(c.Issue))
}

func link(i Issue) string {
	return mdLink(fmt.Sprintf("#%d %s", i.IID, i.Title), i.WebURL)
}

// mdLink writes [text](url), escaping what would break the link.
func mdLink(text, url string) string {
	text = strings.NewReplacer("[", "\\[", "]", "\\]").Replace(text)
	if url == "" {
		return text
	}
	return "[" + text + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(url) + ")"
}

func assigneeSuffix(i Issue) string {
	if len(i.Assignees) == 0 {
		return ""
	}
	var names []string
	for _, a := range i.Assignees {
		if a.Username != "" {
			names = append(names, "@"+a.Username)
		} else {
			names = append(names, a.Display())
		}
	}
	return " — " + strings.Join(names, ", ")
}

// Acknowledgement is an incoming engineer's note that they read a handoff.
type Acknowledgement struct {
	Username string    `json:"username"`
	At       time.Time `json:"at"`
}

var ackNote = regexp.MustCompile(`^Acknowledged by @([A-Za-z0-9_.\-]+) at (\d{2}:\d{2}) UTC`)

// AckNoteBody is the note that acknowledges a handoff.
func AckNoteBody(username string, at time.Time) string {
	return fmt.Sprintf("Acknowledged by @%s at %s UTC", username, at.UTC().Format("15:04"))
}

// FindAcknowledgement returns the first acknowledgement among notes (any order).
func FindAcknowledgement(notes []Note) (Acknowledgement, bool) {
	var best Acknowledgement
	found := false
	for _, n := range notes {
		m := ackNote.FindStringSubmatch(strings.TrimSpace(n.Body))
		if m == nil || n.System {
			continue
		}
		if !found || n.CreatedAt.Before(best.At) {
			best, found = Acknowledgement{Username: m[1], At: n.CreatedAt}, true
		}
	}
	return best, found
}
