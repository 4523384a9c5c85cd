package gitlab

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
	"github.com/oncall-sre/oncall/sources/internal/neterr"
	"github.com/oncall-sre/oncall/sources/internal/pace"
)

// described is an error that already says what failed and why; it keeps its cause.
type described struct {
	msg string
	err error
}

func (e *described) Error() string { return e.msg }
func (e *described) Unwrap() error { return e.err }

// describe turns a client error into one line that says what failed and why, without URLs
// (which can be long) and never with the token (which the client keeps in a header). What
// asking again cannot mend (400, 401, 403, 404, 422, a refused redirect) is a
// *model.PermanentError whose hint says what to do; network errors, timeouts, 408, 429 and
// 5xx stay temporary. The cause stays in the chain.
func describe(what, project string, err error) error {
	if err == nil {
		return nil
	}
	if errors.As(err, new(*described)) {
		return err
	}
	var er *gl.ErrorResponse
	var redirect *httpx.RedirectError
	var wait *pace.WaitError
	switch {
	case errors.As(err, &wait):
		return &described{msg: what + ": " + wait.Error(), err: err}
	case errors.Is(err, gl.ErrNotFound):
		hint := fmt.Sprintf("check that %s exists and the token can read it", project)
		if project == "" {
			hint = "GitLab does not know this address: check gitlab.url"
		}
		return permanentError(what+": 404 not found: "+hint, hint, err)
	case errors.As(err, &redirect):
		return permanentError(what+": "+redirect.Error(), "set "+redirect.Setting+" to the final address", err)
	case errors.As(err, &er) && er.Response != nil:
		code := er.Response.StatusCode
		msg := what + ": " + statusLine(code, er)
		if hint, ok := permanent(code, project, er); ok {
			return permanentError(msg+": "+hint, hint, err)
		}
		return &described{msg: msg, err: err}
	}
	if r := neterr.Reason(err); r != "" {
		return &described{msg: what + ": " + r, err: err}
	}
	return &described{msg: what + ": " + model.CleanLine(err.Error()), err: err}
}

// permanentError says msg (which ends with what to do, as the health line shows only the
// message) and carries the hint apart for whoever shows it on its own.
func permanentError(msg, hint string, err error) error {
	return &model.PermanentError{Err: &described{msg: msg, err: err}, Hint: hint}
}

// statusLine is "403 insufficient_scope", "429 rate limited", "502 Bad Gateway".
func statusLine(code int, er *gl.ErrorResponse) string {
	msg := model.CleanLine(er.Message)
	// client-go renders {"message": "x"} as "{message: x}".
	if inner, ok := strings.CutPrefix(msg, "{message: "); ok {
		msg = strings.TrimSuffix(inner, "}")
	}
	switch {
	case code == http.StatusTooManyRequests:
		msg = "rate limited"
	case oauthError(er) != "":
		msg = oauthError(er)
	case msg == "" || strings.HasPrefix(msg, "failed to parse unknown error format"):
		msg = http.StatusText(code) // an HTML or empty error page
	}
	if strings.HasPrefix(msg, strconv.Itoa(code)+" ") {
		return msg // GitLab's messages often start with the code
	}
	return strconv.Itoa(code) + " " + strings.TrimSpace(msg)
}

// permanent says whether a status cannot be mended by asking again, and what to do.
func permanent(code int, project string, er *gl.ErrorResponse) (hint string, ok bool) {
	switch code {
	case http.StatusUnauthorized:
		return "the GitLab token is invalid, expired or revoked", true
	case http.StatusForbidden:
		if oauthError(er) == "insufficient_scope" {
			if isWrite(er) {
				return "the GitLab token can read but not write: publishing needs the `api` scope", true
			}
			return "the GitLab token cannot read the API: it needs the `read_api` scope (`api` to publish)", true
		}
		if project == "" {
			return "the GitLab token may not do this", true
		}
		return fmt.Sprintf("the token cannot see %s", project), true
	case http.StatusBadRequest:
		return "GitLab rejected the request as invalid: check the projects and labels in the config", true
	case http.StatusUnprocessableEntity:
		return "GitLab refused what was sent: " + firstWords(model.CleanLine(er.Message)), true
	case http.StatusMethodNotAllowed, http.StatusGone, http.StatusRequestEntityTooLarge:
		return "GitLab will not accept this request as it is", true
	}
	return "", false
}

// oauthError is the "error" of an OAuth-style answer, which GitLab sends for token
// problems: 403 {"error":"insufficient_scope","error_description":"The request requires
// higher privileges than provided by the access token.","scope":"api"} (lib/api/api_guard.rb,
// rack-oauth2's Bearer::Forbidden).
func oauthError(er *gl.ErrorResponse) string {
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(er.Body, &body) != nil {
		return ""
	}
	return model.CleanLine(body.Error)
}

func isWrite(er *gl.ErrorResponse) bool {
	if er.Response == nil || er.Response.Request == nil {
		return false
	}
	m := er.Response.Request.Method
	return m != http.MethodGet && m != http.MethodHead
}

// firstWords keeps an error message short enough for a hint.
func firstWords(s string) string { return model.Shorten(s, 120) }
