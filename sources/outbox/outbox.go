// Package outbox publishes handoffs from the store's outbox: a handoff is on disk before it
// is sent, stays there until GitLab has it, and is retried with backoff. Three guards keep
// a handoff from being posted twice: one process at a time works the outbox (a lock on a
// file in the state directory); every post carries a unique marker the publisher looks for
// before creating anything (and when that search fails, the post waits instead of being
// created blind); and a post GitLab has taken leaves the outbox for the journal.
//
// A post GitLab refuses for good (a token without the api scope) is held: kept on disk,
// not retried, until the engineer re-arms it (Retry). A damaged file is moved aside to
// outbox/damaged/ with a warning, so it never blocks the others.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// PublishFunc sends one post and returns the issue it is (new, or found from an earlier try).
type PublishFunc func(context.Context, model.HandoffPost) (model.HandoffNote, error)

// MaxServerWait bounds how long a server's Retry-After can hold a post back, whatever it
// says. The hub has already capped it at the configured max_server_wait (at most a day);
// this is the bound for a publisher that did not.
const MaxServerWait = 24 * time.Hour

// Outbox drains the store's outbox through publish.
type Outbox struct {
	Store   *store.Store
	Publish PublishFunc
	// First and Max bound the wait between attempts; defaults 15s and 10m.
	First, Max time.Duration
	// LockWait is how long a flush waits for another process working the outbox before it
	// leaves the work to it (the report says Busy); default 5s.
	LockWait time.Duration
}

// Submit cleans post, checks that it can be sent (title, body and project not empty, the
// body within GitLab's limit), and puts it in the outbox (durably) before any attempt.
func (o *Outbox) Submit(post model.HandoffPost) error {
	post = Clean(post)
	if err := Validate(post); err != nil {
		return err
	}
	return o.Store.Enqueue(post)
}

// Flush tries every post that is due at now once, and reports what was published, what
// still waits (with its last error and next attempt) and what is held.
func (o *Outbox) Flush(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	return o.work(ctx, now, false)
}

// Retry re-arms the held posts, makes every waiting post due, and flushes: what the
// engineer asks for once the token is fixed (P in the dashboard, oncall handoff --retry).
func (o *Outbox) Retry(ctx context.Context, now time.Time) (model.OutboxReport, error) {
	return o.work(ctx, now, true)
}

func (o *Outbox) work(ctx context.Context, now time.Time, rearm bool) (model.OutboxReport, error) {
	var rep model.OutboxReport
	unlock, ok, err := o.lock(ctx)
	if err != nil {
		return rep, err
	}
	if !ok {
		rep.Busy = true
		rep.Warnings = append(rep.Warnings, "another oncall is publishing the outbox; it sends what waits there")
		rep.Waiting, err = o.Store.Outbox()
		return rep, err
	}
	defer unlock()
	pending, damaged, err := o.Store.Scan(func(w model.WaitingPost) error { return Validate(w.Post) })
	if err != nil {
		return rep, err
	}
	for _, d := range damaged {
		rep.Warnings = append(rep.Warnings, o.setAside(d))
	}
	for _, w := range pending {
		if rearm {
			w.Held, w.Hint, w.NextAttempt = false, "", time.Time{}
		}
		o.one(ctx, now, w, &rep)
	}
	return rep, nil
}

// one tries one entry if it is due, and records the outcome.
func (o *Outbox) one(ctx context.Context, now time.Time, w model.WaitingPost, rep *model.OutboxReport) {
	switch {
	case w.Published != nil: // GitLab has it; only the journal is missing
		o.journal(now, w, *w.Published, rep)
		return
	case w.Held, now.Before(w.NextAttempt), ctx.Err() != nil:
		rep.Waiting = append(rep.Waiting, w)
		return
	}
	issue, err := o.Publish(ctx, w.Post)
	if err == nil {
		o.journal(now, w, issue, rep)
		return
	}
	w.Attempts++
	w.LastError = err.Error()
	if model.IsPermanent(err) {
		w.Held, w.Hint, w.NextAttempt = true, model.HintOf(err), time.Time{}
	} else {
		w.NextAttempt = now.Add(o.wait(w.Attempts, err))
	}
	if err := o.Store.Put(w); err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%q waits, but its outbox entry could not be updated (%s)", w.Post.Title, store.Reason(err)))
	}
	rep.Waiting = append(rep.Waiting, w)
}

// journal records a post GitLab has. The post counts as published even when the journal
// cannot be written (a full disk): the engineer gets the URL, and the outbox entry is
// marked so that the next flush only writes the journal. If even that mark cannot be
// written, the entry stays as it was, and the next attempt finds the issue by its marker
// instead of posting again.
func (o *Outbox) journal(now time.Time, w model.WaitingPost, issue model.HandoffNote, rep *model.OutboxReport) {
	rep.Published = append(rep.Published, model.PublishedPost{Post: w.Post, Issue: issue})
	err := o.Store.Published(w.Post, issue, now)
	if err == nil {
		return
	}
	msg := fmt.Sprintf("published %s, but the journal was not written (%s)", issue.WebURL, store.Reason(err))
	w.Published = &issue
	if err := o.Store.Put(w); err != nil {
		msg += "; the next try finds the issue by its marker and does not post it again"
	} else {
		msg += "; the next flush writes it"
	}
	rep.Warnings = append(rep.Warnings, msg)
}

// wait is the pause before the next attempt: backoff with jitter, and never sooner than the
// server asked (capped at MaxServerWait).
func (o *Outbox) wait(attempts int, err error) time.Duration {
	first, limit := o.First, o.Max
	if first <= 0 {
		first = 15 * time.Second
	}
	if limit <= 0 {
		limit = 10 * time.Minute
	}
	d := model.Backoff(attempts, first, limit, rand.Float64())
	var ra *model.RetryAfterError
	if errors.As(err, &ra) {
		d = max(d, min(ra.After, MaxServerWait))
	}
	return d
}

// setAside moves a damaged entry to outbox/damaged/ and says so.
func (o *Outbox) setAside(d store.Damaged) string {
	to, err := o.Store.SetAside(d.Name)
	if err != nil {
		return fmt.Sprintf("outbox file %s is damaged (%s) and could not be moved aside (%s); it is skipped", d.Name, d.Reason, store.Reason(err))
	}
	return fmt.Sprintf("outbox file %s is damaged (%s); moved to %s", d.Name, d.Reason, to)
}
