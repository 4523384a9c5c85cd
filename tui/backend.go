package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// Backend is all the TUI needs of the outside world. cmd/oncall hands it the hub; tests
// hand it the hub over the simulator, or a fixture. Every call happens inside a tea.Cmd,
// never on the UI goroutine.
type Backend interface {
	Sources() []model.SourceID
	Fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error)
	Detail(ctx context.Context, ref model.IssueRef) (model.Detail, error)
	HandoffFacts(ctx context.Context, now time.Time) (model.HandoffFacts, error)
	NewHandoffPost(f model.HandoffFacts, body string, now time.Time) model.HandoffPost
	Acknowledge(ctx context.Context, ref model.IssueRef, at time.Time) (model.Acknowledgement, error)
	Report(ctx context.Context, window model.Window, now time.Time) (model.Report, error)
	// LabelWarnings says which configured labels do not exist (checked once).
	LabelWarnings(ctx context.Context) ([]string, error)

	// PagerDuty's open incidents: their detail, and acting on them as PagerDutyMe.
	PagerDutyMe(ctx context.Context) (model.Person, error)
	PageDetail(ctx context.Context, id string) (model.PageDetail, error)
	AcknowledgePage(ctx context.Context, id string) (model.Page, error)
	ResolvePage(ctx context.Context, id string) (model.Page, error)
}

// LocalState is the program's state on disk: autosaved handoff drafts, the outbox of
// handoffs on their way to GitLab, and the cached snapshot. Every call is disk I/O (the
// outbox's also network) and happens inside a tea.Cmd.
type LocalState interface {
	SaveDraft(key, text string) error
	LoadDraft(key string) (text string, saved time.Time, ok bool, err error)
	DeleteDraft(key string) error
	DraftPath(key string) string
	Submit(post model.HandoffPost) error
	Flush(ctx context.Context, now time.Time) (model.OutboxReport, error)
	// Retry re-arms the posts held after a refusal (P) and tries everything now.
	Retry(ctx context.Context, now time.Time) (model.OutboxReport, error)
	// ExistingHandoff finds a published handoff of post's shift (the journal, then GitLab).
	ExistingHandoff(ctx context.Context, post model.HandoffPost) (model.HandoffNote, bool, error)
	SaveSnapshot(model.Snapshot) error
	LoadSnapshot() (model.Snapshot, bool, error)
}

// fetchedMsg carries one source's answer. seq lets a late answer to an older request be
// recognised and dropped.
type fetchedMsg struct {
	id    model.SourceID
	seq   int
	patch model.Patch
	err   error
}

type (
	clockMsg       struct{}
	refreshTickMsg struct{}
	retryMsg       struct{ id model.SourceID }
	nothingMsg     struct{} // a command that only had side effects
	cacheSaveMsg   struct{}
	cacheLoadedMsg struct {
		snap model.Snapshot
		ok   bool
	}
)

// after delivers msg after d through the injected timer.
func (m *Model) after(d time.Duration, msg tea.Msg) tea.Cmd { return m.opts.After(d, msg) }

func (m *Model) fetchCmd(id model.SourceID, seq int) tea.Cmd {
	b, ctx, now := m.opts.Backend, m.opts.Context, m.opts.Clock()
	return func() tea.Msg {
		patch, err := b.Fetch(ctx, id, now)
		return fetchedMsg{id: id, seq: seq, patch: patch, err: err}
	}
}

// clockTick fires on the next whole minute of the clock: the screen shows minutes, and an
// idle dashboard should cost nothing. While a countdown on screen is under a minute (it
// counts seconds then), it fires on the next whole second.
func (m *Model) clockTick() tea.Cmd {
	now := m.opts.Clock()
	step := time.Minute
	if m.countingSeconds(now) {
		step = time.Second
	}
	return m.after(now.Truncate(step).Add(step).Sub(now), clockMsg{})
}

// countingSeconds reports whether a countdown on screen is under a minute: the handoff, a
// failing source's next attempt, or the outbox's.
func (m *Model) countingSeconds(now time.Time) bool {
	soon := func(t time.Time) bool { return t.After(now) && t.Sub(now) <= time.Minute }
	if soon(m.opts.Rotation.NextHandoff(now).At) {
		return true
	}
	for id, s := range m.sources {
		if m.snap.Health[id].Failing() && soon(s.next) {
			return true
		}
	}
	for _, w := range m.outbox {
		if !w.Held && soon(w.NextAttempt) {
			return true
		}
	}
	return false
}
