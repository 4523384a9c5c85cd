package sim

import (
	"net/http"
	"strings"
	"time"
)

// serveTokenSelf answers GET /api/v4/personal_access_tokens/self as GitLab does (doc/api/
// personal_access_tokens.md, "Self-inform", GitLab 15.5 and later; lib/api/
// personal_access_tokens/self_information.rb): any scope may ask; the answer is the
// token's entity (id, name, revoked, created_at, description, scopes, user_id,
// last_used_at, active, expires_at as a date, last_used_ips). A token that is not a
// personal access token (an OAuth token, sent as a Bearer) gets 400. A read-only token
// (Options.ReadOnlyTokens) has the read_api scope, any other api.
func (s *Sim) serveTokenSelf(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Header.Get("Private-Token") != "":
	case strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
		writeGLError(w, http.StatusBadRequest, "400 Bad request - This endpoint requires token type to be a personal access token")
		return
	default:
		writeGLError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	scopes := []string{"api"}
	if s.readOnly(r) {
		scopes = []string{"read_api"}
	}
	s.mu.Lock()
	u := s.eocAt(s.opts.Now)
	s.mu.Unlock()
	created := s.opts.Now.Add(-60 * 24 * time.Hour)
	writeJSON(w, http.StatusOK, map[string]any{
		"id": 4242, "name": "oncall", "revoked": false, "created_at": glTime(created),
		"description": "oncall dashboard", "scopes": scopes, "user_id": u.glID,
		"last_used_at": glTime(s.clock()), "active": true,
		"expires_at":    s.opts.Now.Add(300 * 24 * time.Hour).UTC().Format(time.DateOnly),
		"last_used_ips": []string{"127.0.0.1"},
	})
}
