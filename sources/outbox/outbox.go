// Package outbox publishes handoffs from the store's outbox: a handoff is on disk before it
// is sent, stays there until GitLab has it, and is retried with backoff. Because every post
// carries a unique marker that the publisher looks for first, a retry never makes a second
// issue.
package outbox

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// PublishFunc sends one post and returns the issue it is (new, or found from an earlier try).
type PublishFunc func(context.Context, model.HandoffPost) (model.HandoffNote, error)

// Outbox drains the store's outbox through publish.
type Outbox struct {
	Store   *store.Store
	Publish PublishFunc
	// First and Max bound the wait between attempts; defaults 15s and 10m.
	First, Max time.Duration
}

// Submit puts post in the outbox (durably) before any attempt.
func (o *Outbox) Submit(post model.HandoffPost) error { return o.Store.Enqueue(post) }

// Flush tries every post that is due at now once, and reports what was published and what
// still waits (with its last error and next attempt).
func (o *Outbox) Flush(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	var rep model.OutboxReport
	pending, err := o.Store.Outbox()
	if err != nil {
		return rep, err
	}
	for _, p := range pending {
		if now.Before(p.NextAttempt) {
			rep.Waiting = append(rep.Waiting, waiting(p))
			continue
		}
		issue, err := o.Publish(ctx, p.Post)
		if err == nil {
			if err := o.Store.Published(p.Post, issue); err != nil {
				return rep, err
			}
			rep.Published = append(rep.Published, model.PublishedPost{Post: p.Post, Issue: issue})
			continue
		}
		p.Attempts++
		p.LastError = err.Error()
		wait := o.backoff(p.Attempts)
		var ra *model.RetryAfterError
		if errors.As(err, &ra) {
			wait = max(wait, ra.After) // never sooner than GitLab asked
		}
		p.NextAttempt = now.Add(wait)
		if err := o.Store.UpdatePending(p); err != nil {
			return rep, err
		}
		rep.Waiting = append(rep.Waiting, waiting(p))
	}
	return rep, nil
}

// backoff doubles from First to Max, with ±20% jitter so that many clients that failed
// together do not retry together.
func (o *Outbox) backoff(attempts int) time.Duration {
	first, limit := o.First, o.Max
	if first <= 0 {
		first = 15 * time.Second
	}
	if limit <= 0 {
		limit = 10 * time.Minute
	}
	d := first
	for i := 1; i < attempts && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

func waiting(p store.Pending) model.WaitingPost {
	return model.WaitingPost{Post: p.Post, Attempts: p.Attempts, LastError: p.LastError, NextAttempt: p.NextAttempt}
}
