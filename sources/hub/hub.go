// Package hub runs every source and merges what they return into one model.Snapshot. It is
// the one place that knows both GitLab and PagerDuty; the TUI sees it through a small
// interface of its own.
package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
	"github.com/oncall-sre/oncall/sources/pagerduty"
)

// Config wires the sources.
type Config struct {
	GitLab         gitlab.Config
	PagerDutyURL   string
	PagerDutyToken string
	Rotation       model.Rotation
	Timeout        time.Duration      // deadline of one source's refresh; default 10s
	Handoffs       int                // how many recent handoffs to list; default 20
	Notes          int                // how many notes the detail view shows; default 20
	HTTPClient     *http.Client       // shared by both clients; optional
	People         map[string]string  // PagerDuty email -> GitLab username, for handoff assignees
	Confidential   bool               // publish handoffs as confidential issues
	Budget         model.BudgetPolicy // how the error budget is counted; default the handbook's
}

// Hub refreshes sources. It is safe for concurrent use.
type Hub struct {
	cfg Config
	gl  *gitlab.Source
	pd  *pagerduty.Source
}

// New builds the hub and its sources without touching the network.
func New(cfg Config) (*Hub, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Handoffs <= 0 {
		cfg.Handoffs = 20
	}
	if cfg.Notes <= 0 {
		cfg.Notes = 20
	}
	if cfg.Budget.Window <= 0 {
		cfg.Budget = model.DefaultBudgetPolicy()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	// Cap bodies and learn Retry-After under both clients (a copy: the caller's client is theirs).
	hc := *cfg.HTTPClient
	hc.Transport = &httpx.Transport{Base: cfg.HTTPClient.Transport}
	cfg.HTTPClient = &hc
	cfg.GitLab.HTTPClient = cfg.HTTPClient
	gl, err := gitlab.New(cfg.GitLab)
	if err != nil {
		return nil, err
	}
	return &Hub{cfg: cfg, gl: gl, pd: pagerduty.New(cfg.PagerDutyURL, cfg.PagerDutyToken, cfg.HTTPClient)}, nil
}

// Sources lists what Fetch can refresh.
func (h *Hub) Sources() []model.SourceID { return model.AllSources }

// Fetch refreshes one source, within the configured deadline, and returns the patch that
// puts its data into a snapshot. A failure for which the server said when to come back is a
// *model.RetryAfterError.
func (h *Hub) Fetch(ctx context.Context, id model.SourceID, now time.Time) (patch model.Patch, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		patch, err = h.fetch(ctx, id, now)
		return err
	})
	return patch, err
}

// call runs one use of the APIs within timeout. Its error never holds a token, and says
// when to come back if the server said so (*model.RetryAfterError).
func (h *Hub) call(ctx context.Context, timeout time.Duration, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx, hint := httpx.WithHint(ctx)
	err := h.redact(fn(ctx))
	if err != nil && hint.RetryAfter() > 0 {
		err = &model.RetryAfterError{Err: err, After: hint.RetryAfter()}
	}
	return err
}

// fetch reads source id into a partial snapshot; the patch copies that part (the one list
// of which fields belong to which source is model.Snapshot.CopyPart).
func (h *Hub) fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error) {
	var part model.Snapshot
	var err error
	switch id {
	case model.SourceQueue:
		part.Incidents, part.Changes, err = h.gl.Queue(ctx)
	case model.SourceOncall:
		part.OncallIssues, err = h.gl.OncallIssues(ctx)
	case model.SourceHandoffs:
		var me model.Person
		if me, err = h.gl.CurrentUser(ctx); err == nil {
			part.Me = &me
			part.Handoffs, err = h.gl.Handoffs(ctx, h.cfg.Handoffs)
		}
	case model.SourceRotation:
		part.OnCall, err = h.pd.OnCall(ctx, h.cfg.Rotation, now)
	case model.SourcePages:
		part.Pages, err = h.pd.Pages(ctx)
	default:
		return nil, fmt.Errorf("unknown source %q", id)
	}
	if err != nil {
		return nil, err
	}
	return func(s *model.Snapshot) { s.CopyPart(&part, id) }, nil
}

// Detail fetches an issue's description and latest notes.
func (h *Hub) Detail(ctx context.Context, ref model.IssueRef) (d model.Detail, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		d, err = h.gl.Detail(ctx, ref, h.cfg.Notes)
		return err
	})
	return d, err
}

// redact removes the tokens from an error: a broken or hostile server may echo them back,
// and errors end up on screen, in the cache and in the outbox.
func (h *Hub) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, tok := range []string{h.cfg.GitLab.Token, h.cfg.PagerDutyToken} {
		if len(tok) >= 4 {
			msg = strings.ReplaceAll(msg, tok, "[token]")
		}
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

// Snapshot refreshes every source at once and returns the merged result; a failing
// source leaves its part empty and its error in Health. Made for the one-shot commands,
// it tries a source again after a temporary failure while its deadline allows (retry.go).
func (h *Hub) Snapshot(ctx context.Context, now time.Time) model.Snapshot {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		snap model.Snapshot
	)
	for _, id := range h.Sources() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			patch, err := h.fetchRetrying(ctx, id, now)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				patch(&snap)
			}
			snap.Record(id, now, err)
		}()
	}
	wg.Wait()
	return snap
}
