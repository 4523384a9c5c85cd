package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Issues are rendered in two steps so that parallel pages are served in parallel, as GitLab
// serves them: under s.mu, a page's issues are copied (issueView: the fields as they are now,
// and the count of human notes); the JSON is then built and written outside the lock. The
// world's slices (labels, assignees) are never changed in place, only replaced, so a copy's
// slices stay as they were when it was taken.

// issueView is an issue as of one moment, with what its JSON needs from its project.
type issueView struct {
	issue
	projectID   int64
	projectPath string
	userNotes   int
}

// viewOf copies is; s.mu must be held.
func viewOf(p *project, is *issue) issueView {
	v := issueView{issue: *is, projectID: p.id, projectPath: p.path}
	v.notes, v.events, v.rendered = nil, nil, nil // read under the lock only
	for _, n := range is.notes {
		if !n.system {
			v.userNotes++
		}
	}
	return v
}

// glUserJSON has the fields and types of a user in GitLab's answers (doc/api/users.md).
type glUserJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL string `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

func (s *Sim) glUser(p *person) glUserJSON {
	return glUserJSON{
		ID: p.glID, Username: p.username, Name: p.name, State: "active",
		AvatarURL: "https://secure.gravatar.com/avatar/" + p.username + "?s=80&d=identicon",
		WebURL:    s.opts.BaseURL + "/" + p.username,
	}
}

// glIssueJSON has the field names and types of an issue of GET /projects/:id/issues
// (doc/api/issues.md); null where GitLab sends null.
type glIssueJSON struct {
	ID                   int64            `json:"id"`
	IID                  int64            `json:"iid"`
	ProjectID            int64            `json:"project_id"`
	Title                string           `json:"title"`
	Description          *string          `json:"description"`
	State                string           `json:"state"`
	CreatedAt            string           `json:"created_at"`
	UpdatedAt            string           `json:"updated_at"`
	ClosedAt             *string          `json:"closed_at"`
	ClosedBy             *glUserJSON      `json:"closed_by"`
	Labels               []string         `json:"labels"`
	Milestone            *struct{}        `json:"milestone"`
	Assignees            []glUserJSON     `json:"assignees"`
	Assignee             *glUserJSON      `json:"assignee"`
	Author               glUserJSON       `json:"author"`
	Type                 string           `json:"type"`
	IssueType            string           `json:"issue_type"`
	Severity             string           `json:"severity"`
	UserNotesCount       int              `json:"user_notes_count"`
	MergeRequestsCount   int              `json:"merge_requests_count"`
	Upvotes              int              `json:"upvotes"`
	Downvotes            int              `json:"downvotes"`
	DueDate              *string          `json:"due_date"`
	Confidential         bool             `json:"confidential"`
	DiscussionLocked     *bool            `json:"discussion_locked"`
	WebURL               string           `json:"web_url"`
	TimeStats            glTimeStats      `json:"time_stats"`
	TaskCompletionStatus glTaskCompletion `json:"task_completion_status"`
	HasTasks             bool             `json:"has_tasks"`
	HealthStatus         *string          `json:"health_status"`
	MovedToID            *int64           `json:"moved_to_id"`
	ServiceDeskReplyTo   *string          `json:"service_desk_reply_to"`
	References           glReferences     `json:"references"`
	Links                glIssueLinks     `json:"_links"`
}

type glTimeStats struct {
	TimeEstimate        int     `json:"time_estimate"`
	TotalTimeSpent      int     `json:"total_time_spent"`
	HumanTimeEstimate   *string `json:"human_time_estimate"`
	HumanTotalTimeSpent *string `json:"human_total_time_spent"`
}

type glTaskCompletion struct {
	Count          int `json:"count"`
	CompletedCount int `json:"completed_count"`
}

type glReferences struct {
	Short    string `json:"short"`
	Relative string `json:"relative"`
	Full     string `json:"full"`
}

type glIssueLinks struct {
	Self       string `json:"self"`
	Notes      string `json:"notes"`
	AwardEmoji string `json:"award_emoji"`
	Project    string `json:"project"`
}

// glIssue renders an issue; s.mu must be held (see render for a copy).
func (s *Sim) glIssue(p *project, is *issue) glIssueJSON { return s.render(viewOf(p, is)) }

// render builds the JSON of a copied issue; it needs no lock.
func (s *Sim) render(v issueView) glIssueJSON {
	base := s.opts.BaseURL
	out := glIssueJSON{
		ID: v.id, IID: v.iid, ProjectID: v.projectID, Title: v.title, State: v.state,
		CreatedAt: glTime(v.created), UpdatedAt: glTime(v.updated), Labels: v.labels,
		Assignees: make([]glUserJSON, 0, len(v.assignees)), Author: s.glUser(v.author),
		Type: "ISSUE", IssueType: "issue", Severity: "UNKNOWN", UserNotesCount: v.userNotes,
		Confidential: v.confidential, WebURL: fmt.Sprintf("%s/%s/-/issues/%d", base, v.projectPath, v.iid),
	}
	if out.Labels == nil {
		out.Labels = []string{}
	}
	if !v.nullDesc {
		desc := v.desc
		out.Description = &desc
	}
	for _, a := range v.assignees {
		out.Assignees = append(out.Assignees, s.glUser(a))
	}
	if len(out.Assignees) > 0 {
		out.Assignee = &out.Assignees[0]
	}
	if v.closed != nil {
		at, by := glTime(*v.closed), s.glUser(v.author)
		out.ClosedAt, out.ClosedBy = &at, &by
	}
	if v.due != "" {
		due := v.due
		out.DueDate = &due
	}
	if v.movedTo != 0 {
		moved := v.movedTo
		out.MovedToID = &moved
	}
	if v.incident {
		out.Type, out.IssueType = "INCIDENT", "incident"
	}
	short := fmt.Sprintf("#%d", v.iid)
	out.References = glReferences{Short: short, Relative: short, Full: v.projectPath + short}
	api := fmt.Sprintf("%s/api/v4/projects/%d", base, v.projectID)
	issue := fmt.Sprintf("%s/issues/%d", api, v.iid)
	out.Links = glIssueLinks{Self: issue, Notes: issue + "/notes", AwardEmoji: issue + "/award_emoji", Project: api}
	return out
}

// A list renders each issue once: its JSON is kept until the issue changes (changed), so
// that the simulator's own work does not weigh on what a benchmark measures of a client.

// changed drops is's rendering; s.mu must be held.
func changed(is *issue) {
	is.version++
	is.rendered = nil
}

// pageOf returns the JSON of issues already rendered and copies of the others; s.mu must
// be held.
func pageOf(p *project, issues []*issue) (rendered [][]byte, views []issueView, missing []*issue) {
	rendered = make([][]byte, len(issues))
	for i, is := range issues {
		if rendered[i] = is.rendered; rendered[i] == nil {
			views = append(views, viewOf(p, is))
			missing = append(missing, is)
		}
	}
	return rendered, views, missing
}

// writePage renders the copies outside the lock, keeps each rendering unless its issue
// changed meanwhile, and writes the page.
func (s *Sim) writePage(w http.ResponseWriter, rendered [][]byte, views []issueView, missing []*issue) {
	fresh := make([][]byte, len(views))
	for i, v := range views {
		fresh[i], _ = json.Marshal(s.render(v))
	}
	if len(fresh) > 0 {
		s.mu.Lock()
		for i, is := range missing {
			if is.version == views[i].version {
				is.rendered = fresh[i]
			}
		}
		s.mu.Unlock()
	}
	var body bytes.Buffer
	body.WriteByte('[')
	k := 0
	for i, b := range rendered {
		if b == nil {
			b, k = fresh[k], k+1
		}
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(b)
	}
	body.WriteString("]\n")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}

// setDate sends the simulated clock's time as the answer's Date, as GitLab's own clock is
// the one its updated_at values come from: a client may use it to ask for what changed
// since (updated_after). net/http keeps a Date the handler set. A test that drives the rate
// limit's clock (WithRateLimitClock) drives the Date too, so that RateLimit-Reset and Date
// agree as they do on gitlab.com.
func (s *Sim) setDate(w http.ResponseWriter) {
	now := s.clock()
	if s.opts.Load.now != nil {
		now = s.opts.Load.now()
	}
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
}
