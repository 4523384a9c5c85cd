package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Person is someone from GitLab or PagerDuty. Fields unknown to the source are empty.
type Person struct {
	Name        string `json:"name"`
	Username    string `json:"username,omitempty"`     // GitLab
	Email       string `json:"email,omitempty"`        // PagerDuty, when users are included
	PagerDutyID string `json:"pagerduty_id,omitempty"` // PagerDuty user id, e.g. PXPGF42
}

// Display is the name to show: the full name, else the username.
func (p Person) Display() string {
	if p.Name != "" {
		return p.Name
	}
	if p.Username != "" {
		return "@" + p.Username
	}
	return ""
}

// IssueRef identifies one GitLab issue.
type IssueRef struct {
	Project string `json:"project"`
	IID     int64  `json:"iid"`
}

// Issue is the part of a GitLab issue every pane shows.
type Issue struct {
	IssueRef
	Title     string    `json:"title"`
	WebURL    string    `json:"web_url"`
	State     string    `json:"state"` // opened, closed
	Labels    []string  `json:"labels"`
	Author    Person    `json:"author"`
	Assignees []Person  `json:"assignees"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	UserNotes int       `json:"user_notes_count,omitempty"` // human comments, as GitLab counts them
}

// Assignee is the first assignee's display name, or "".
func (i Issue) Assignee() string {
	if len(i.Assignees) == 0 {
		return ""
	}
	return i.Assignees[0].Display()
}

// Incident is an issue labelled as an incident in the production tracker.
type Incident struct {
	Issue
	IncidentLabels
}

// Change is an issue labelled as a change in the production tracker.
type Change struct {
	Issue
	ChangeLabels
	Scheduled time.Time `json:"scheduled,omitzero"` // zero when unknown
}

// Owner is who runs the change: its assignee, else its author.
func (c Change) Owner() string {
	if a := c.Assignee(); a != "" {
		return a
	}
	return c.Author.Display()
}

// OncallIssue is an issue the current on-call team is asked to work on.
type OncallIssue struct {
	Issue
	ReadyToHandoff bool `json:"ready_to_handoff"`
}

// HandoffNote is a published handoff issue.
type HandoffNote struct {
	Issue
	Ack        *Acknowledgement `json:"ack,omitempty"`      // nil: nobody acknowledged it, or not checked
	AckChecked bool             `json:"ack_checked"`        // its notes were read for an acknowledgement
	Incoming   string           `json:"incoming,omitempty"` // username its body hands over to (HandoverLine)
}

// AssignedTo reports whether username is among the issue's assignees (a handoff's too:
// it is an issue).
func (is Issue) AssignedTo(username string) bool {
	for _, a := range is.Assignees {
		if username != "" && strings.EqualFold(a.Username, username) {
			return true
		}
	}
	return false
}

// OnCall says who carries one region's pager now and at its next shift. Read it through
// OnCallFor, which also answers for a region PagerDuty has not (or no longer) told about.
type OnCall struct {
	Region    string    `json:"region"`
	Now       *Person   `json:"now"`  // nil when the region is off shift or nobody is scheduled
	Next      *Person   `json:"next"` // who takes the region's next shift; nil when unscheduled
	NextStart time.Time `json:"next_start"`
	// What the schedule said about Now and Next (empty in snapshots cached before these
	// fields existed; OnCallFor fills them in).
	NowCoverage  Coverage `json:"now_coverage,omitempty"`
	NextCoverage Coverage `json:"next_coverage,omitempty"`
	Schedule     string   `json:"schedule,omitempty"` // the PagerDuty schedule read
	// Gaps are the stretches of the region's shifts, from now to the end of its next
	// shift, that the schedule leaves uncovered: nobody would be paged then.
	Gaps []Gap `json:"gaps,omitempty"`
}

// Pages counts the PagerDuty incidents that are still open.
type Pages struct {
	Triggered    int    `json:"triggered"`
	Acknowledged int    `json:"acknowledged"`
	Open         []Page `json:"open"`
	// Truncated: PagerDuty listed more open incidents than oncall reads (MaxListed).
	Truncated bool `json:"truncated,omitempty"`
}

// Page is one open PagerDuty incident.
type Page struct {
	ID        string    `json:"id,omitempty"`     // PagerDuty incident id, for actions and detail
	Number    uint      `json:"number,omitempty"` // the incident number shown in PagerDuty (#1234)
	Title     string    `json:"title"`
	Status    string    `json:"status"`            // triggered, acknowledged (resolved after an action)
	Urgency   string    `json:"urgency,omitempty"` // high, low
	Service   string    `json:"service"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
	Assignees []Person  `json:"assignees,omitempty"` // with PagerDutyID, and Email when known
	// AcknowledgedBy lists who acknowledged it, latest last.
	AcknowledgedBy []Person `json:"acknowledged_by,omitempty"`
	// EscalationLevel is the lowest level of the page's escalation policy on which one of
	// its assignees is on call now; 0 when unknown (assigned directly, or off call).
	EscalationLevel  int    `json:"escalation_level,omitempty"`
	EscalationPolicy string `json:"escalation_policy,omitempty"`
	// EscalationPolicyID is the policy's PagerDuty id: the next refresh asks for its
	// on-calls beside the pages.
	EscalationPolicyID string `json:"escalation_policy_id,omitempty"`
}

// Note is a comment on an issue.
type Note struct {
	Author    Person    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	System    bool      `json:"system"`
}

// Detail is what the detail view shows: the issue's description and latest notes.
type Detail struct {
	Issue
	Description string `json:"description"`
	Notes       []Note `json:"notes"` // newest first
}

// SourceID names one independently refreshed source of data.
type SourceID string

const (
	SourceQueue    SourceID = "gitlab-queue"    // incidents and changes
	SourceOncall   SourceID = "gitlab-oncall"   // ~oncall issues
	SourceHandoffs SourceID = "gitlab-handoffs" // published handoffs
	SourceRotation SourceID = "pagerduty-rotation"
	SourcePages    SourceID = "pagerduty-pages"
)

// AllSources lists the sources in the order the header shows their health.
var AllSources = []SourceID{SourceQueue, SourceOncall, SourceHandoffs, SourceRotation, SourcePages}

// Title is a short human name for the source.
func (s SourceID) Title() string {
	switch s {
	case SourceQueue:
		return "GitLab queue"
	case SourceOncall:
		return "GitLab on-call"
	case SourceHandoffs:
		return "GitLab handoffs"
	case SourceRotation:
		return "PagerDuty rotation"
	case SourcePages:
		return "PagerDuty pages"
	}
	return string(s)
}

// Health is what is known of one source's last refresh.
type Health struct {
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"` // empty when the last attempt succeeded
	LastAttempt time.Time `json:"last_attempt,omitzero"`
}

// Failing reports whether the latest attempt failed.
func (h Health) Failing() bool { return h.LastError != "" }

// Snapshot is everything the dashboard shows, merged from all sources.
type Snapshot struct {
	Incidents    []Incident          `json:"incidents"`
	Changes      []Change            `json:"changes"`
	OncallIssues []OncallIssue       `json:"oncall_issues"`
	Handoffs     []HandoffNote       `json:"handoffs"`
	OnCall       []OnCall            `json:"oncall"`
	Pages        Pages               `json:"pages"`
	Me           *Person             `json:"me,omitempty"` // the GitLab user of the token
	Health       map[SourceID]Health `json:"health"`
	// Warnings are problems of the setup that no source's health shows, e.g. a configured
	// label that does not exist in its project.
	Warnings []string `json:"warnings,omitempty"`
	// Notices are what a source wants known although it succeeded, e.g. "more than 10,000
	// ~incident issues in gitlab-com/gl-infra/production: showing the newest 10,000".
	Notices map[SourceID][]string `json:"notices,omitempty"`
	// Sync says, for the sources that can ask for only what changed, how far their part is
	// known (see Sync).
	Sync map[SourceID]Sync `json:"sync,omitempty"`
}

// Sync is how far a source's part of a snapshot is known, so that the next refresh can ask
// only for what changed since (GitLab's updated_after) and merge it into the part.
type Sync struct {
	// Since is on the server's clock (its Date): the next refresh asks for what changed on
	// or after it. It already allows for answers in flight and clocks' rounding.
	Since time.Time `json:"since"`
	// Full is when the part was last read whole, on oncall's clock: a read of only what
	// changed cannot see a deleted issue, so a whole read comes now and then.
	Full time.Time `json:"full"`
	// Reads counts the reads of only what changed since then.
	Reads int `json:"reads,omitempty"`
	// Scope names what was read (server, project, labels): a cache written for another
	// configuration is read whole, not merged into.
	Scope string `json:"scope,omitempty"`
}

// Patch is one source's contribution to a snapshot: it replaces that source's part.
type Patch func(*Snapshot)

// SortIncidents orders S1/S2 first (S1 before S2), then everything else newest first;
// issues still open but labelled Resolved wait for their closing and come after all the
// others, in the same order among themselves.
func SortIncidents(in []Incident) {
	rank := func(i Incident) int {
		r := 3
		if i.Severity.High() {
			r = int(i.Severity)
		}
		if i.Status == StatusResolved {
			r += 10
		}
		return r
	}
	sort.SliceStable(in, func(a, b int) bool {
		ra, rb := rank(in[a]), rank(in[b])
		if ra != rb {
			return ra < rb
		}
		return in[a].CreatedAt.After(in[b].CreatedAt)
	})
}

// SortChanges orders in-progress first, then scheduled (soonest first), then the rest
// newest first.
func SortChanges(in []Change) {
	rank := func(c Change) int {
		switch c.Workflow {
		case ChangeInProgress:
			return 0
		case ChangeScheduled:
			return 1
		case ChangeUnscheduled:
			return 2
		}
		return 3
	}
	sort.SliceStable(in, func(a, b int) bool {
		ra, rb := rank(in[a]), rank(in[b])
		if ra != rb {
			return ra < rb
		}
		sa, sb := in[a].Scheduled, in[b].Scheduled
		if !sa.IsZero() && !sb.IsZero() && !sa.Equal(sb) {
			return sa.Before(sb)
		}
		if sa.IsZero() != sb.IsZero() {
			return !sa.IsZero()
		}
		return in[a].CreatedAt.After(in[b].CreatedAt)
	})
}

// scheduledLine finds "scheduled ... 2026-11-23 18:00" (optionally with T, seconds, "UTC" or Z)
// on one line of a change description, as the production change template writes it.
var scheduledLine = regexp.MustCompile(`(?i)schedul[^\n]*?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})`)

// ScheduledTime reads when a change is planned: a "Scheduled ... YYYY-MM-DD HH:MM" line of
// its description (UTC), else its due date (as midnight UTC). Zero when neither is given.
func ScheduledTime(description string, due time.Time) time.Time {
	if m := scheduledLine.FindStringSubmatch(description); m != nil {
		if t, err := time.Parse("2006-01-02 15:04", m[1]+" "+m[2]); err == nil {
			return t
		}
	}
	if !due.IsZero() {
		return due.UTC()
	}
	return time.Time{}
}

// LatestHandoffFirst orders handoffs newest first.
func LatestHandoffFirst(in []HandoffNote) {
	sort.SliceStable(in, func(a, b int) bool { return in[a].CreatedAt.After(in[b].CreatedAt) })
}

// NewIncident classifies an issue as an incident using the configured labels.
func (l Labels) NewIncident(is Issue) Incident {
	return Incident{Issue: is, IncidentLabels: l.ParseIncidentLabels(is.Labels)}
}

// NewChange classifies an issue as a change.
func (l Labels) NewChange(is Issue, description string, due time.Time) Change {
	return Change{Issue: is, ChangeLabels: l.ParseChangeLabels(is.Labels), Scheduled: ScheduledTime(description, due)}
}

// NewOncallIssue classifies an issue of the on-call tracker.
func (l Labels) NewOncallIssue(is Issue) OncallIssue {
	return OncallIssue{Issue: is, ReadyToHandoff: Has(is.Labels, l.ReadyToHandoff)}
}

// Record notes the outcome of one refresh of source id at instant at.
func (s *Snapshot) Record(id SourceID, at time.Time, err error) {
	if s.Health == nil {
		s.Health = map[SourceID]Health{}
	}
	h := s.Health[id]
	h.LastAttempt = at
	if err != nil {
		h.LastError = err.Error()
	} else {
		h.LastError = ""
		h.LastSuccess = at
	}
	s.Health[id] = h
}

// CopyPart puts source id's part of from into s (used to show a cached snapshot).
func (s *Snapshot) CopyPart(from *Snapshot, id SourceID) {
	switch id {
	case SourceQueue:
		s.Incidents, s.Changes = from.Incidents, from.Changes
	case SourceOncall:
		s.OncallIssues = from.OncallIssues
	case SourceHandoffs:
		s.Handoffs, s.Me = from.Handoffs, from.Me
	case SourceRotation:
		s.OnCall = from.OnCall
	case SourcePages:
		s.Pages = from.Pages
	}
	if sync, ok := from.Sync[id]; ok {
		if s.Sync == nil {
			s.Sync = map[SourceID]Sync{}
		}
		s.Sync[id] = sync
	} else {
		delete(s.Sync, id)
	}
	if n := from.Notices[id]; len(n) > 0 {
		if s.Notices == nil {
			s.Notices = map[SourceID][]string{}
		}
		s.Notices[id] = n
	} else {
		delete(s.Notices, id)
	}
}

// OpenCounts says how many of the incidents are open and in which state: the one wording
// the pane, the window title, the reports and `oncall status` share, e.g. "8 open: 6
// active, 2 mitigated". An open incident without a status label counts as active.
func OpenCounts(in []Incident) string {
	var open, active, mitigated, resolved int
	for _, i := range in {
		if i.State == "closed" {
			continue
		}
		open++
		switch i.Status {
		case StatusMitigated:
			mitigated++
		case StatusResolved:
			resolved++
		default:
			active++
		}
	}
	if open == 0 {
		return "0 open"
	}
	parts := []string{fmt.Sprintf("%d active", active)}
	if mitigated > 0 {
		parts = append(parts, fmt.Sprintf("%d mitigated", mitigated))
	}
	if resolved > 0 {
		parts = append(parts, fmt.Sprintf("%d resolved", resolved))
	}
	return fmt.Sprintf("%d open: %s", open, strings.Join(parts, ", "))
}
