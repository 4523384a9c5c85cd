package gitlab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
)

// Lists of issues are decoded into slimIssue, the fields oncall uses, instead of client-go's
// Issue: its UnmarshalJSON decodes each issue three times (into a map, back to JSON, into
// the struct), which was most of the client's CPU on a big queue. The fields read here are
// read as client-go reads them (same JSON types, same null handling), so both give the same
// model.Issue (slim_test.go); a field oncall does not use is not read, so a wrong type there
// fails client-go but not this decoding.

// slimIssue is an issue of GET /projects/:id/issues as oncall uses it.
type slimIssue struct {
	ID             issueID     `json:"id"`
	IID            int64       `json:"iid"`
	Title          string      `json:"title"`
	Description    string      `json:"description"`
	State          string      `json:"state"`
	WebURL         string      `json:"web_url"`
	CreatedAt      *time.Time  `json:"created_at"`
	UpdatedAt      *time.Time  `json:"updated_at"`
	ClosedAt       *time.Time  `json:"closed_at"`
	DueDate        *gl.ISOTime `json:"due_date"`
	Labels         labelNames  `json:"labels"`
	Author         *slimUser   `json:"author"`
	Assignees      []*slimUser `json:"assignees"`
	UserNotesCount int64       `json:"user_notes_count"`
}

type slimUser struct {
	Name     string `json:"name"`
	Username string `json:"username"`
}

// errNoID is an issue without "id": client-go panics on it (Issue.UnmarshalJSON), and an
// answer without ids is not one from GitLab.
var errNoID = errors.New(`malformed JSON: an issue without "id"`)

// issueID is GitLab's global id. Like client-go, a string is taken (GitLab sends one for
// an external tracker's issue) and a null or missing id is an error.
type issueID struct {
	set bool
	n   int64
}

func (id *issueID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return errNoID
	case b[0] == '"':
		id.set = true
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "number " + string(b), Type: reflect.TypeFor[int64](), Field: "id"}
	}
	id.set, id.n = true, n
	return nil
}

// labelNames are an issue's labels: titles, or, with with_labels_details=true, label
// objects whose names client-go keeps. As in client-go, the first element decides which:
// objects after a title, or a title after objects, are malformed.
type labelNames []string

func (l *labelNames) UnmarshalJSON(b []byte) error {
	var names []string
	err := json.Unmarshal(b, &names)
	if err == nil {
		*l = names
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil || len(raw) == 0 || firstByte(raw[0]) != '{' {
		return err
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		var d struct {
			Name *string `json:"name"`
		}
		if firstByte(r) != '{' {
			return fmt.Errorf("malformed JSON: label %d is not an object like the first", i)
		}
		if err := json.Unmarshal(r, &d); err != nil {
			return err
		}
		if d.Name != nil {
			out[i] = *d.Name
		}
	}
	*l = out
	return nil
}

func firstByte(b []byte) byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// validIssues drops the null entries of a decoded page and refuses issues without an id.
func validIssues(page []*slimIssue) ([]*slimIssue, error) {
	out := page[:0]
	for _, is := range page {
		if is == nil {
			continue
		}
		if !is.ID.set {
			return nil, errNoID
		}
		out = append(out, is)
	}
	return out, nil
}

// slimOf is client-go's issue as a slimIssue, for the few calls that still use the client's
// own methods (one issue, a create, a search).
func slimOf(is *gl.Issue) *slimIssue {
	out := &slimIssue{
		ID: issueID{set: true, n: is.ID}, IID: is.IID, Title: is.Title, Description: is.Description, State: is.State,
		WebURL: is.WebURL, CreatedAt: is.CreatedAt, UpdatedAt: is.UpdatedAt, ClosedAt: is.ClosedAt, DueDate: is.DueDate,
		Labels: labelNames(is.Labels), UserNotesCount: is.UserNotesCount,
	}
	if is.Author != nil {
		out.Author = &slimUser{Name: is.Author.Name, Username: is.Author.Username}
	}
	for _, a := range is.Assignees {
		if a != nil {
			out.Assignees = append(out.Assignees, &slimUser{Name: a.Name, Username: a.Username})
		}
	}
	return out
}

// toIssue is the model's issue: every text cleaned of terminal escapes.
func toIssue(project string, is *slimIssue) model.Issue {
	out := model.Issue{
		IssueRef:  model.IssueRef{Project: project, IID: is.IID},
		Title:     cleanLine(is.Title),
		WebURL:    cleanLine(is.WebURL),
		State:     is.State,
		CreatedAt: deref(is.CreatedAt),
		UpdatedAt: deref(is.UpdatedAt),
		ClosedAt:  deref(is.ClosedAt),
		UserNotes: int(is.UserNotesCount),
	}
	if len(is.Labels) > 0 {
		out.Labels = make([]string, len(is.Labels))
		for i, l := range is.Labels {
			out.Labels[i] = cleanLine(l)
		}
	}
	if is.Author != nil {
		out.Author = person(is.Author.Name, is.Author.Username)
	}
	for _, a := range is.Assignees {
		if a != nil {
			out.Assignees = append(out.Assignees, person(a.Name, a.Username))
		}
	}
	return out
}

func dueDate(is *slimIssue) time.Time {
	if is.DueDate == nil {
		return time.Time{}
	}
	return time.Time(*is.DueDate)
}
