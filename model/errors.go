package model

import (
	"errors"
	"time"
)

// RetryAfterError is a source failure for which the server said when to come back.
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError is a failure that asking again will not mend (400, 401, 403, 404, 422):
// whoever holds the work keeps it, stops retrying, and shows Hint, which says in words what
// the engineer can do ("the GitLab token can read but not write: publishing needs the api
// scope").
type PermanentError struct {
	Err  error
	Hint string // what to do about it; may be empty
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err (or an error it wraps) is a PermanentError.
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}

// HintOf is the hint of a PermanentError in err's chain, or "".
func HintOf(err error) string {
	var pe *PermanentError
	if errors.As(err, &pe) {
		return pe.Hint
	}
	return ""
}

// Backoff is the wait before attempt n (1 for the first retry): first, doubling up to
// limit, spread by ±20% with jitter in [0, 1) so that clients that failed together do not
// retry together. Pure: the caller draws the jitter.
func Backoff(n int, first, limit time.Duration, jitter float64) time.Duration {
	d := first
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return time.Duration(float64(d) * (0.8 + 0.4*jitter))
}
