package sim

import (
	"net/http"
	"strings"
)

// readOnly reports a request made with one of Options.ReadOnlyTokens (a read_api token).
func (s *Sim) readOnly(r *http.Request) bool {
	tok := r.Header.Get("Private-Token")
	if tok == "" {
		tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	for _, t := range s.opts.ReadOnlyTokens {
		if t != "" && t == tok {
			return true
		}
	}
	return false
}

// writeInsufficientScope answers a write made with a read_api token as GitLab does:
// lib/api/api_guard.rb raises InsufficientScopeError, rendered by rack-oauth2's
// Bearer::Forbidden as a 403 with an OAuth error body.
func writeInsufficientScope(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]string{
		"error":             "insufficient_scope",
		"error_description": "The request requires higher privileges than provided by the access token.",
		"scope":             "api",
	})
}

// createIssue accepts POST /projects/:id/issues with a JSON or form body. Assignees who
// cannot see the project are dropped without an error, as GitLab does; on the Free tier
// (Options.FreeTier) only the first of assignee_ids is kept.
func (s *Sim) createIssue(w http.ResponseWriter, r *http.Request, p *project) {
	var in struct {
		Title        string  `json:"title"`
		Description  string  `json:"description"`
		Labels       string  `json:"labels"`
		AssigneeIDs  []int64 `json:"assignee_ids"`
		Confidential bool    `json:"confidential"`
	}
	if err := decodeBody(r, &in); err != nil {
		writeGLError(w, http.StatusBadRequest, "400 Bad request - "+err.Error())
		return
	}
	if strings.TrimSpace(in.Title) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": map[string]any{"title": []string{"can't be blank"}}})
		return
	}
	author := s.eocAt(s.opts.Now)
	var assignees []*person
	for _, id := range in.AssigneeIDs {
		for _, u := range s.users {
			if u.glID == id && s.canSee(u, p) {
				assignees = append(assignees, u)
			}
		}
	}
	if s.opts.FreeTier && len(assignees) > 1 {
		assignees = assignees[:1]
	}
	var labels []string
	if in.Labels != "" {
		labels = strings.Split(in.Labels, ",")
	}
	is := s.add(p, 0, in.Title, in.Description, labels, author, assignees...)
	is.created, is.updated = s.clock(), s.clock()
	is.confidential = in.Confidential
	writeJSON(w, http.StatusCreated, s.glIssue(p, is))
}

// canSee reports whether u may see p's issues: everyone but Options.NonMembers.
func (s *Sim) canSee(u *person, p *project) bool {
	for _, name := range s.opts.NonMembers {
		if strings.EqualFold(name, u.username) {
			return false
		}
	}
	return true
}
