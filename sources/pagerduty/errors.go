package pagerduty

import (
	"errors"
	"fmt"
	"net/http"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/neterr"
)

// shortError is a few words for the screen over the error they describe, which stays in
// the chain (errors.As finds the pd.APIError under it).
type shortError struct {
	msg string
	err error
}

func (e *shortError) Error() string { return e.msg }
func (e *shortError) Unwrap() error { return e.err }

// call says what a request was about, for the words of a failure.
type call struct {
	write bool   // a change: a 403 then means a read-only key
	what  string // the object asked for, e.g. "schedule PEMEA01 (EMEA)": a 404 names it
	from  string // the From email a write was sent with
}

// describe turns a client error into a short one. What asking again cannot mend (400, 401,
// 402, 403, 404 and the other 4xx but 408 and 429) is a *model.PermanentError whose Hint
// says what to do; network failures, 408, 429 and 5xx are temporary.
func describe(err error, c call) error {
	var ae pd.APIError
	if !errors.As(err, &ae) {
		if r := neterr.Reason(err); r != "" {
			return &shortError{r, err}
		}
		return &shortError{model.CleanLine(err.Error()), err}
	}
	short := &shortError{fmt.Sprintf("%d %s", ae.StatusCode, message(ae)), err}
	switch code := ae.StatusCode; {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500, code < 400:
		return short
	default:
		return &model.PermanentError{Err: short, Hint: hint(ae, c)}
	}
}

// message is the server's reason: its message and first detail, or the status text.
func message(ae pd.APIError) string {
	if ae.RateLimited() {
		return "rate limited"
	}
	if !ae.APIError.Valid || ae.APIError.ErrorObject.Message == "" {
		return http.StatusText(ae.StatusCode)
	}
	obj := ae.APIError.ErrorObject
	msg := model.CleanLine(obj.Message)
	if len(obj.Errors) > 0 {
		if detail := model.CleanLine(obj.Errors[0]); detail != "" && detail != msg {
			msg += ": " + detail
		}
	}
	return model.Shorten(msg, 301)
}

// hint says in words what the engineer can do about a permanent failure.
func hint(ae pd.APIError, c call) string {
	code := 0
	if ae.APIError.Valid {
		code = ae.APIError.ErrorObject.Code
	}
	switch {
	case ae.StatusCode == http.StatusUnauthorized:
		return "the PagerDuty token is invalid or revoked: check pagerduty.token_env (or token_file)"
	case ae.StatusCode == http.StatusForbidden && c.write:
		return "the PagerDuty token cannot do this: it is read-only; acknowledging and resolving need a full-access API key or a user API key"
	case ae.StatusCode == http.StatusForbidden:
		return "the PagerDuty token may not read this" + about(c.what) + ": ask an admin for a key with access"
	case ae.StatusCode == http.StatusNotFound && c.what != "":
		return c.what + " does not exist in PagerDuty"
	case ae.StatusCode == http.StatusPaymentRequired:
		return "the PagerDuty account's plan does not include this"
	case code == 2016 || (ae.StatusCode == http.StatusBadRequest && c.write && c.from == ""):
		return "PagerDuty needs to know who acts: set pagerduty.from to your PagerDuty login email, or use a user API key"
	case code == 1008:
		return fmt.Sprintf("pagerduty.from (%s) is not the email of a PagerDuty user", model.CleanLine(c.from))
	}
	return "PagerDuty refused the request: " + message(ae)
}

func about(what string) string {
	if what == "" {
		return ""
	}
	return " (" + what + ")"
}
