package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/store"
)

// readHandoffFile reads the --publish file: a regular file (never a FIFO or a device),
// UTF-8 text of at most outbox.MaxBody, not empty once escapes and controls are removed.
func readHandoffFile(path string) (string, error) {
	b, err := store.ReadRegular(path, outbox.MaxBody)
	switch {
	case errors.Is(err, store.ErrTooLarge):
		return "", usageError{fmt.Errorf("--publish %s: larger than %s, the most a handoff can hold (GitLab keeps 1,048,576 characters of an issue description)", path, store.Size(outbox.MaxBody))}
	case errors.Is(err, store.ErrNotRegular):
		return "", usageError{fmt.Errorf("--publish: %w", err)}
	case errors.Is(err, fs.ErrNotExist), err != nil:
		return "", usageError{fmt.Errorf("--publish %s: %s", path, store.Reason(err))}
	case !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0:
		return "", usageError{fmt.Errorf("--publish %s: not UTF-8 text (a binary file?); a handoff is Markdown", path)}
	}
	body := model.CleanText(string(b))
	if strings.TrimSpace(body) == "" {
		return "", usageError{fmt.Errorf("--publish %s: the file is empty (once escape sequences and control characters are removed)", path)}
	}
	return body, nil
}

// publisher runs the headless publishing commands.
type publisher struct {
	h              *hub.Hub
	now            time.Time
	stdout, stderr io.Writer
	demo           bool // on the simulator: the demo's own state directory
}

func (p *publisher) warn(format string, a ...any) {
	fmt.Fprintf(p.stderr, "oncall: "+format+"\n", a...)
}

func (p *publisher) state() (*outbox.Local, error) {
	state, err := openState(p.h, p.demo)
	if err != nil {
		return nil, err
	}
	for _, w := range state.Warnings {
		p.warn("warning: %s", w)
	}
	return state, nil
}

// publish sends body as the current shift's handoff, unless the shift has one already
// (exit 3 with its URL) and neither --again nor --as-note says what to do then.
func (p *publisher) publish(ctx context.Context, body string, o handoffFlags) error {
	facts, err := p.h.HandoffFacts(ctx, p.now)
	if err != nil {
		p.warn("publishing without assignees: %v", err)
	}
	state, err := p.state()
	if err != nil {
		return err
	}
	post := p.h.NewHandoffPost(facts, body, p.now)
	if !o.again {
		if err := p.checkShift(ctx, state, &post, o.asNote); err != nil {
			return err
		}
	}
	if err := outbox.Validate(outbox.Clean(post)); err != nil {
		return usageError{fmt.Errorf("--publish %s: %w", o.publish, err)}
	}
	if err := state.Submit(post); err != nil {
		return fmt.Errorf("not queued in the outbox: %w", err)
	}
	rep, err := state.Flush(ctx, p.now)
	if err != nil {
		return err
	}
	return p.outcome(rep, post, state)
}

// checkShift refuses a second handoff for the shift: one waits in the outbox, or one is
// published (in the journal or in GitLab). With asNote, the post becomes a note to the
// published one instead. When GitLab cannot be asked, publishing goes on: the post's own
// marker still keeps it from being created twice.
func (p *publisher) checkShift(ctx context.Context, state *outbox.Local, post *model.HandoffPost, asNote bool) error {
	if w, ok, err := state.Waiting(post.Key); err == nil && ok && !asNote {
		p.warn("a handoff of this shift already waits in the outbox (%s)", w.Explain(p.now))
		p.warn("`oncall handoff --retry` sends it now; --again queues this file as well")
		return exitError{exitExists}
	}
	existing, found, err := state.ExistingHandoff(ctx, *post)
	switch {
	case err != nil && asNote:
		return fmt.Errorf("--as-note: cannot find the handoff of this shift: %w", err)
	case err != nil:
		p.warn("warning: could not check whether this shift already has a handoff (%v); publishing", err)
	case found && asNote:
		post.Target = &existing.IssueRef
	case found:
		fmt.Fprintln(p.stdout, existing.WebURL)
		p.warn("this shift already has a handoff: #%d %s", existing.IID, existing.WebURL)
		p.warn("--again publishes another one, --as-note adds this file as a note to it")
		return exitError{exitExists}
	case asNote:
		return fmt.Errorf("--as-note: %q has no handoff yet; publish without --as-note", post.Title)
	}
	return nil
}

// outcome prints what became of post: its URL, or why it waits and what happens next.
func (p *publisher) outcome(rep model.OutboxReport, post model.HandoffPost, state *outbox.Local) error {
	for _, w := range rep.Warnings {
		p.warn("warning: %s", w)
	}
	for _, pub := range rep.Published {
		if pub.Post.ID == post.ID {
			fmt.Fprintln(p.stdout, pub.Issue.WebURL)
			return nil
		}
	}
	for _, w := range rep.Waiting {
		if w.Post.ID != post.ID {
			continue
		}
		switch {
		case w.Held:
			p.warn("not published: %s", w.Explain(p.now))
			return exitError{exitHeld}
		case rep.Busy:
			return fmt.Errorf("not published yet: another oncall is publishing the outbox; your handoff waits there (%s) and is sent by it or by the next run", state.Store.Dir())
		}
		return fmt.Errorf("not published yet (%s); it waits in the outbox under %s: oncall retries it, or run `oncall handoff --retry`", w.Explain(p.now), state.Store.Dir())
	}
	return fmt.Errorf("not published: the outbox did not take the handoff")
}

// retry re-arms held posts and flushes the outbox: exit 0 when nothing is left, 4 when a
// post is still held, 1 when one still waits.
func (p *publisher) retry(ctx context.Context) error {
	state, err := p.state()
	if err != nil {
		return err
	}
	rep, err := state.Retry(ctx, p.now)
	if err != nil {
		return err
	}
	for _, w := range rep.Warnings {
		p.warn("warning: %s", w)
	}
	for _, pub := range rep.Published {
		fmt.Fprintln(p.stdout, pub.Issue.WebURL)
	}
	if rep.Busy {
		return fmt.Errorf("another oncall is publishing the outbox; it sends what waits there")
	}
	code := exitOK
	for _, w := range rep.Waiting {
		p.warn("%q: %s", w.Post.Title, w.Explain(p.now))
		if w.Held {
			code = exitHeld
		} else if code == exitOK {
			code = exitFailed
		}
	}
	if code != exitOK {
		return exitError{code}
	}
	if len(rep.Published) == 0 {
		p.warn("nothing waits in the outbox")
	}
	return nil
}
