package hub

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/pace"
)

// The one-shot commands (oncall status, report, handoff --print) run once, often from cron
// or a script, and must not fail on the first transient rate limit. Within their deadline
// they try again after a temporary failure (network, 408, 429, 5xx: anything that is not
// a *model.PermanentError), waiting what the server asked (Retry-After, RateLimit-Reset,
// already capped by the transport) or a short backoff, and they give up with the reason
// when that wait would not fit before the deadline. The dashboard schedules its own
// retries and does not come through here.
//
// Without a server's word, the waits are short (0.25s doubling, at most 4 tries, under 2s
// in all): a one-shot retries a blip, it does not sit out an outage.
const (
	retryFirst = 250 * time.Millisecond
	retryLimit = 2 * time.Second
	maxTries   = 4
)

// sleep waits d or until ctx is done; tests replace it to run without waiting.
var sleep = pace.Sleep

// retry runs fn through call until it succeeds, fails for good, or the next try could not
// start before budget (or ctx's deadline, if sooner) runs out. Each try gets what is left
// of the budget. The error of the last try keeps its chain (a *model.RetryAfterError
// stays one) and says why there was no other try.
func (h *Hub) retry(ctx context.Context, budget time.Duration, fn func(context.Context) error) error {
	deadline := time.Now().Add(budget)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for try := 1; ; try++ {
		err := h.call(ctx, time.Until(deadline), fn)
		if err == nil || model.IsPermanent(err) || ctx.Err() != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err // the try used the whole budget: its error says so (timed out)
		}
		if try >= maxTries {
			return fmt.Errorf("%w (gave up after %d tries)", err, try)
		}
		wait := model.Backoff(try, retryFirst, retryLimit, rand.Float64())
		var ra *model.RetryAfterError
		if errors.As(err, &ra) && ra.After > 0 {
			wait = ra.After
		}
		if wait >= left && ra != nil && ra.After > 0 {
			return fmt.Errorf("%w (the server asked to wait %s, which does not fit in the %s deadline)", err, roundWait(wait), roundWait(budget))
		}
		if wait >= left {
			return fmt.Errorf("%w (no time left for another try in the %s deadline)", err, roundWait(budget))
		}
		if sleep(ctx, wait) != nil {
			return err
		}
	}
}

// fetchRetrying is Fetch for the one-shot commands: temporary failures are tried again
// within the source's deadline.
func (h *Hub) fetchRetrying(ctx context.Context, id model.SourceID, now time.Time) (patch model.Patch, err error) {
	err = h.retry(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		patch, err = h.fetch(ctx, id, now)
		return err
	})
	return patch, err
}

func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(10 * time.Millisecond)
}
