// Package hub runs every source and merges what they return into one model.Snapshot. It is
// the one place that knows both GitLab and PagerDuty; the TUI sees it through a small
// interface of its own.
package hub

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/internal/httpx"
	"github.com/oncall-sre/oncall/sources/internal/redact"
	"github.com/oncall-sre/oncall/sources/pagerduty"
	"github.com/oncall-sre/oncall/sources/store"
)

// Config wires the sources.
type Config struct {
	GitLab         gitlab.Config
	PagerDutyURL   string
	PagerDutyToken string
	// PagerDutyFrom is the email of the PagerDuty user pages are acknowledged and resolved
	// as (config pagerduty.from); empty: only a user API key can act, as its own user.
	PagerDutyFrom string
	Rotation      model.Rotation
	Timeout       time.Duration      // deadline of one source's refresh; default 10s
	Handoffs      int                // how many recent handoffs to list; default 20
	Notes         int                // how many notes the detail view shows; default 20
	HTTPClient    *http.Client       // shared by both clients; optional
	People        map[string]string  // PagerDuty email -> GitLab username, for handoff assignees
	Confidential  bool               // publish handoffs as confidential issues
	Budget        model.BudgetPolicy // how the error budget is counted; default the handbook's
	// MaxServerWait caps any wait a server imposes (Retry-After, RateLimit-Reset); default
	// 15 minutes.
	MaxServerWait time.Duration
	// LabelEventsFile keeps incidents' label events between runs (store.LabelEvents), so
	// that a report reads only those of incidents that changed; "" keeps them in memory.
	LabelEventsFile string
}

// Hub refreshes sources. It is safe for concurrent use.
type Hub struct {
	cfg Config
	gl  *gitlab.Source
	pd  *pagerduty.Source

	labelsMu sync.Mutex
	labels   []string // label warnings, once checked; nil: not yet
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
	if cfg.MaxServerWait <= 0 {
		cfg.MaxServerWait = httpx.DefaultMaxWait
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	cfg.GitLab.HTTPClient = apiClient(cfg.HTTPClient, cfg.MaxServerWait, "gitlab.url", cfg.GitLab.Token)
	if cfg.LabelEventsFile != "" && cfg.GitLab.Events == nil {
		cfg.GitLab.Events = store.LabelEventsAt(cfg.LabelEventsFile) // read at the first report
	}
	gl, err := gitlab.New(cfg.GitLab)
	if err != nil {
		return nil, err
	}
	pdClient := apiClient(cfg.HTTPClient, cfg.MaxServerWait, "pagerduty.url", cfg.PagerDutyToken)
	pd := pagerduty.New(cfg.PagerDutyURL, cfg.PagerDutyToken, pdClient)
	pd.SetFrom(cfg.PagerDutyFrom)
	return &Hub{cfg: cfg, gl: gl, pd: pd}, nil
}

// apiClient is a copy of base (the caller's client stays theirs) for one API: bodies capped,
// the server's Retry-After learnt and capped at maxWait, the token redacted from error
// answers before the API client reads them, and no redirect that would carry the token to
// another address or send a write twice. setting names the config key of the API's URL.
func apiClient(base *http.Client, maxWait time.Duration, setting, token string) *http.Client {
	hc := *base
	hc.Transport = &redact.Transport{
		Base:    &httpx.Transport{Base: base.Transport, MaxWait: maxWait},
		Secrets: []string{token},
	}
	hc.CheckRedirect = httpx.CheckRedirect(setting)
	return &hc
}

// Seed starts the hub from a snapshot read earlier, such as the cache of the last run: the
// next refresh of the queue and of the ~oncall issues asks GitLab only for what changed
// since snap was read (its Sync), merged into snap's lists, handoffs whose notes were read
// are not read again while they do not change, and the on-calls of the escalation policies
// of snap's pages are asked for beside the pages. Call it before the first refresh; a
// snapshot without Sync (older caches) changes nothing.
func (h *Hub) Seed(snap model.Snapshot) {
	h.gl.Seed(snap)
	h.pd.SeedPolicies(snap.Pages.Open)
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
		// Every wait a server imposes is capped here, whichever layer heard of it (the
		// transport's Retry-After, the pacer's RateLimit-Reset).
		err = &model.RetryAfterError{Err: err, After: min(hint.RetryAfter(), h.cfg.MaxServerWait)}
	}
	return err
}

// fetch reads source id into a partial snapshot; the patch copies that part (the one list
// of which fields belong to which source is model.Snapshot.CopyPart).
func (h *Hub) fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error) {
	var part model.Snapshot
	var err error
	ctx, notices := gitlab.CollectNotices(ctx)
	switch id {
	case model.SourceQueue:
		var sync model.Sync
		part.Incidents, part.Changes, sync, err = h.gl.QueueSynced(ctx)
		part.Sync = map[model.SourceID]model.Sync{id: sync}
	case model.SourceOncall:
		var sync model.Sync
		part.OncallIssues, sync, err = h.gl.OncallIssuesSynced(ctx)
		part.Sync = map[model.SourceID]model.Sync{id: sync}
	case model.SourceHandoffs:
		part.Me, part.Handoffs, err = h.handoffs(ctx)
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
	if n := notices.List(); len(n) > 0 {
		part.Notices = map[model.SourceID][]string{id: n}
	}
	return func(s *model.Snapshot) { s.CopyPart(&part, id) }, nil
}

// handoffs reads the token's user beside the latest handoffs: the two do not depend on each
// other, so they take one round trip, not two.
func (h *Hub) handoffs(ctx context.Context) (*model.Person, []model.HandoffNote, error) {
	var (
		me      model.Person
		list    []model.HandoffNote
		meErr   error
		listErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		me, meErr = h.gl.CurrentUser(ctx)
	}()
	list, listErr = h.gl.Handoffs(ctx, h.cfg.Handoffs)
	wg.Wait()
	if err := firstError(meErr, listErr); err != nil {
		return nil, nil, err
	}
	return &me, list, nil
}

// Detail fetches an issue's description and latest notes.
func (h *Hub) Detail(ctx context.Context, ref model.IssueRef) (d model.Detail, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		d, err = h.gl.Detail(ctx, ref, h.cfg.Notes)
		return err
	})
	return d, err
}

// redact removes the tokens from an error, keeping its chain: a broken or hostile server
// may echo them back (hidden behind escapes or zero-width characters), and errors end up on
// screen, in the cache and in the outbox.
func (h *Hub) redact(err error) error {
	return redact.Error(err, h.cfg.GitLab.Token, h.cfg.PagerDutyToken)
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
	var warnings []string
	wg.Add(1)
	go func() { defer wg.Done(); warnings = h.snapshotWarnings(ctx) }()
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
	snap.Warnings = warnings
	return snap
}
