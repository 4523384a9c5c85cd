// Package gitlab reads the production queue, the on-call tracker and the handoff project
// through the GitLab REST v4 client, and turns what it gets into model types.
package gitlab

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
	"github.com/oncall-sre/oncall/sources/internal/pace"
)

// Config says where the projects are and how to reach them.
type Config struct {
	BaseURL           string // e.g. https://gitlab.com (the client appends /api/v4/)
	Token             string
	ProductionProject string
	OncallProject     string
	HandoffProject    string
	Labels            model.Labels
	PageSize          int          // issues per page; default (and GitLab's maximum) 100
	Parallel          int          // pages fetched at once after the first, per list; default 32
	MaxPages          int          // pages read of one list at most; default 100 (10,000 issues)
	HTTPClient        *http.Client // optional
	// FullRefreshEvery and FullRefreshAfter say how often the queue and the ~oncall issues
	// are read whole rather than as what changed since the last read (sync.go): every
	// FullRefreshEvery-th refresh (1: always), and at least every FullRefreshAfter. Defaults
	// 10 and 15 minutes.
	FullRefreshEvery int
	FullRefreshAfter time.Duration
	Now              func() time.Time // the clock of those; time.Now when nil
	// Events keeps incidents' label events between reports (store.LabelEvents on disk);
	// nil: in memory, as long as the source lives.
	Events EventCache
	// Limiter paces every request by the server's RateLimit-* headers; nil: the process's
	// limiter for BaseURL and Token (pace.Shared), so that all sources share one budget.
	Limiter *pace.Limiter
}

// DefaultMaxPages bounds one list: 100 pages of 100 issues.
const DefaultMaxPages = 100

// DefaultParallel is how many pages of one list are read at once after the first. Against
// a server 50 ms away, 16 read a 3,000-issue queue 1.6-1.8x faster than 4 (issue 11); 32
// read its 30 pages in two round trips, the least there can be (one to learn the total, one
// for the rest). The pacer (internal/pace) keeps every request of the process under the
// server's rate limit (gitlab.com: 2,000 a minute), whatever the concurrency.
const DefaultParallel = 32

// Source reads GitLab. Its methods are safe for concurrent use.
type Source struct {
	c     *gl.Client
	cfg   Config
	scope string // Sync.Scope of the lists this source reads

	meMu sync.Mutex
	me   *model.Person // the token's user, once known

	acksMu sync.Mutex
	acks   map[model.IssueRef]cachedAck // acknowledgements found, by the handoff's updated_at

	partsMu sync.Mutex
	queue   queuePart    // the last read of the queue, for the next incremental refresh
	oncall  oncallPart   // the same for the ~oncall issues
	pending *pendingSeed // a cached snapshot still being read (seed.go)
}

// New builds a source; it does not touch the network.
func New(cfg Config) (*Source, error) {
	if cfg.PageSize <= 0 || cfg.PageSize > 100 {
		cfg.PageSize = 100
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.FullRefreshEvery <= 0 {
		cfg.FullRefreshEvery = DefaultFullRefreshEvery
	}
	if cfg.FullRefreshAfter <= 0 {
		cfg.FullRefreshAfter = DefaultFullRefreshAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Events == nil {
		cfg.Events = &memEvents{}
	}
	if cfg.Limiter == nil {
		cfg.Limiter = pace.Shared(cfg.BaseURL, cfg.Token)
	}
	// No retries inside the client: the dashboard schedules retries itself, with backoff and
	// the server's Retry-After, so a long outage does not end in a storm. No pacing inside
	// it either: its limiter (0.66 x the limit a second, burst 10) is replaced by ours,
	// under its HTTP transport, which follows the server's own count.
	opts := []gl.ClientOptionFunc{gl.WithBaseURL(cfg.BaseURL), gl.WithoutRetries(), gl.WithCustomLimiter(noLimiter{}),
		gl.WithHTTPClient(paced(cfg.HTTPClient, cfg.Limiter))}
	c, err := gl.NewClient(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("gitlab: %w", err)
	}
	return &Source{c: c, cfg: cfg, scope: scopeOf(cfg)}, nil
}

// scopeOf names what the lists of cfg are read from and by (Sync.Scope): a cache of the
// lists of another server, project, label set or page limit must not be merged into.
func scopeOf(cfg Config) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%q %q %q %d %+v", cfg.BaseURL, cfg.ProductionProject, cfg.OncallProject, cfg.MaxPages, cfg.Labels))
	return hex.EncodeToString(sum[:8])
}

// noLimiter turns client-go's own rate limiter off.
type noLimiter struct{}

func (noLimiter) Wait(context.Context) error { return nil }

// paced is a copy of hc (the caller's client stays theirs) whose requests wait for l.
func paced(hc *http.Client, l *pace.Limiter) *http.Client {
	out := &http.Client{}
	if hc != nil {
		*out = *hc
	}
	out.Transport = &pace.Transport{Base: out.Transport, Limiter: l}
	return out
}

// Queue returns the open incidents and changes of the production project, sorted for
// display (see QueueSynced).
func (s *Source) Queue(ctx context.Context) (incidents []model.Incident, changes []model.Change, err error) {
	incidents, changes, _, err = s.QueueSynced(ctx)
	return incidents, changes, err
}

// OncallIssues returns the open issues of the on-call tracker labelled for the on-call team
// (see OncallIssuesSynced).
func (s *Source) OncallIssues(ctx context.Context) (out []model.OncallIssue, err error) {
	out, _, err = s.OncallIssuesSynced(ctx)
	return out, err
}

// Detail returns an issue's description and its latest notes (newest first).
func (s *Source) Detail(ctx context.Context, ref model.IssueRef, notes int) (d model.Detail, err error) {
	defer guard.Recover("gitlab", &err)
	var is *gl.Issue
	var ns []model.Note
	g, gctx := errgroup.WithContext(ctx)
	guard.Go(g, "gitlab", func() (err error) {
		is, _, err = s.c.Issues.GetIssue(ref.Project, ref.IID, gl.WithContext(gctx))
		return describe(fmt.Sprintf("issue #%d", ref.IID), ref.Project, err)
	})
	guard.Go(g, "gitlab", func() (err error) {
		ns, err = s.notes(gctx, ref, notes)
		return err
	})
	if err := g.Wait(); err != nil {
		return model.Detail{}, err
	}
	return model.Detail{Issue: toIssue(ref.Project, slimOf(is)), Description: model.CleanText(is.Description), Notes: ns}, nil
}

func person(name, username string) model.Person {
	return model.Person{Name: cleanLine(name), Username: cleanLine(username)}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
