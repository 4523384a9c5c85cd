package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
	"github.com/oncall-sre/oncall/sources/internal/neterr"
)

// What `oncall config check` asks of the services beside the sources' own reads: who the
// GitLab token belongs to and what it may do.

// GitLabUser is the user the GitLab token belongs to (GET /user).
func (h *Hub) GitLabUser(ctx context.Context) (me model.Person, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		me, err = h.gl.CurrentUser(ctx)
		return err
	})
	return me, err
}

// TokenInfo is what GitLab says of the token in use.
type TokenInfo struct {
	Name      string
	Scopes    []string  // e.g. read_api, api
	ExpiresAt time.Time // zero: it does not expire
	Active    bool
}

// Has reports whether the token has scope.
func (t TokenInfo) Has(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// ErrScopesUnknown: GitLab cannot say what this token may do. The self endpoint answers
// 400 for a token that is not a personal (or project, or group) access token, such as an
// OAuth token, and 404 before GitLab 15.5, which added it.
var ErrScopesUnknown = errors.New("GitLab does not say what this token may do")

// GitLabToken reads the token's name, scopes and expiry: GET /personal_access_tokens/self
// (doc/api/personal_access_tokens.md, "Self-inform"; any scope may ask).
func (h *Hub) GitLabToken(ctx context.Context) (info TokenInfo, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		defer guard.Recover("gitlab", &err)
		c, err := gl.NewClient(h.cfg.GitLab.Token, gl.WithBaseURL(h.cfg.GitLab.BaseURL),
			gl.WithHTTPClient(h.cfg.GitLab.HTTPClient), gl.WithoutRetries())
		if err != nil {
			return fmt.Errorf("gitlab: %w", err)
		}
		t, _, err := c.PersonalAccessTokens.GetSinglePersonalAccessToken(gl.WithContext(ctx))
		if err != nil {
			return tokenError(err)
		}
		info = TokenInfo{Name: model.CleanLine(t.Name), Active: t.Active && !t.Revoked}
		for _, s := range t.Scopes {
			info.Scopes = append(info.Scopes, model.CleanLine(s))
		}
		if t.ExpiresAt != nil {
			info.ExpiresAt = time.Time(*t.ExpiresAt)
		}
		return nil
	})
	return info, err
}

// tokenError says why the token's details could not be read.
func tokenError(err error) error {
	var er *gl.ErrorResponse
	switch {
	case errors.Is(err, gl.ErrNotFound):
		return fmt.Errorf("%w (GitLab before 15.5 cannot tell)", ErrScopesUnknown)
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusBadRequest:
		return fmt.Errorf("%w (it is not a personal, project or group access token)", ErrScopesUnknown)
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnauthorized:
		return &model.PermanentError{Err: fmt.Errorf("token details: 401 unauthorized: %w", err),
			Hint: "the token is wrong, expired or revoked: create a new one"}
	case errors.As(err, &er) && er.Response != nil:
		return fmt.Errorf("token details: %d %s: %w", er.Response.StatusCode, model.CleanLine(er.Message), err)
	}
	if r := neterr.Reason(err); r != "" {
		return fmt.Errorf("token details: %s: %w", r, err)
	}
	return fmt.Errorf("token details: %w", err)
}
