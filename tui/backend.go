package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// Backend is all the TUI needs of the outside world. cmd/oncall hands it the hub; tests
// hand it the hub over the simulator. Every call happens inside a tea.Cmd, never on the
// UI goroutine.
type Backend interface {
	Sources() []model.SourceID
	Fetch(ctx context.Context, id model.SourceID, now time.Time) (model.Patch, error)
	Detail(ctx context.Context, ref model.IssueRef) (model.Detail, error)
	HandoffFacts(ctx context.Context, now time.Time) (model.HandoffFacts, error)
	NewHandoffPost(f model.HandoffFacts, body string, now time.Time) model.HandoffPost
	Acknowledge(ctx context.Context, ref model.IssueRef, at time.Time) (model.Acknowledgement, error)
	Report(ctx context.Context, window model.Window, now time.Time) (model.Report, error)
}

// Drafts is the local side of the handoff: autosaved drafts and the outbox. Every call is
// disk I/O and happens inside a tea.Cmd.
type Drafts interface {
	SaveDraft(key, text string) error
	LoadDraft(key string) (text string, saved time.Time, ok bool, err error)
	DeleteDraft(key string) error
	DraftPath(key string) string
	Submit(post model.HandoffPost) error
	Flush(ctx context.Context, now time.Time) (model.OutboxReport, error)
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

type detailMsg struct {
	seq    int
	detail model.Detail
	err    error
}

type clockMsg time.Time

type refreshTickMsg struct{}

func fetchCmd(b Backend, id model.SourceID, seq int, now time.Time) tea.Cmd {
	return func() tea.Msg {
		patch, err := b.Fetch(context.Background(), id, now)
		return fetchedMsg{id: id, seq: seq, patch: patch, err: err}
	}
}

func detailCmd(b Backend, ref model.IssueRef, seq int) tea.Cmd {
	return func() tea.Msg {
		d, err := b.Detail(context.Background(), ref)
		return detailMsg{seq: seq, detail: d, err: err}
	}
}

// clockTick fires on the next whole second of the real clock, so the header's seconds
// change in step with the wall clock.
func clockTick() tea.Cmd {
	d := time.Until(time.Now().Truncate(time.Second).Add(time.Second))
	return tea.Tick(d, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func refreshTick(every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return refreshTickMsg{} })
}
