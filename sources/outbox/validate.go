package outbox

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// GitLab keeps at most 1,048,576 characters of an issue description or a note
// (doc/api/issues.md, "description ... Limited to 1,048,576 characters"; the same limit,
// Gitlab::Database::MAX_TEXT_SIZE_LIMIT, applies to notes) and 255 of a title
// (doc/development/issuable-like-models.md). A body is counted in bytes, which are never
// fewer than characters, and leaves room for what oncall adds to it (the marker and the
// line that mentions both engineers).
const (
	MaxBody  = 1<<20 - 1<<10 // bytes
	MaxTitle = 255           // characters
)

var postID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// Clean makes a post safe to send and to show: a one-line title, a body without escape
// sequences or control characters.
func Clean(p model.HandoffPost) model.HandoffPost {
	p.Title = strings.TrimSpace(model.CleanLine(p.Title))
	p.Body = model.CleanText(p.Body)
	p.Project = strings.TrimSpace(p.Project)
	return p
}

// Validate refuses a post that cannot be sent or would be posted for ever: no id, no
// project, an empty title or body (after cleaning: a body of escape sequences is empty),
// a body over MaxBody or not UTF-8.
func Validate(p model.HandoffPost) error {
	clean := Clean(p)
	switch {
	case !postID.MatchString(p.ID):
		return fmt.Errorf("the post has no valid id (%q)", p.ID)
	case p.Key == "":
		return fmt.Errorf("the post names no shift")
	case clean.Project == "":
		return fmt.Errorf("the post names no project")
	case p.Target != nil && (p.Target.IID <= 0 || strings.TrimSpace(p.Target.Project) == ""):
		return fmt.Errorf("the post's target issue is not valid")
	case clean.Title == "":
		return fmt.Errorf("the handoff has no title")
	case utf8.RuneCountInString(clean.Title) > MaxTitle:
		return fmt.Errorf("the title is longer than GitLab's %d characters", MaxTitle)
	case !utf8.ValidString(p.Body):
		return fmt.Errorf("the handoff is not UTF-8 text")
	case strings.TrimSpace(clean.Body) == "":
		return fmt.Errorf("the handoff is empty")
	case len(clean.Body) > MaxBody:
		return fmt.Errorf("the handoff is %s, more than the %s GitLab can keep", store.Size(int64(len(clean.Body))), store.Size(MaxBody))
	}
	return nil
}
