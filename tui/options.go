package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

// Options configure the dashboard.
type Options struct {
	Backend  Backend
	Local    LocalState // drafts, outbox and cache; nil: no handoff editor, no cache
	Rotation model.Rotation
	Refresh  time.Duration    // how often every source is refreshed
	Clock    func() time.Time // now; --now shifts it
	Zone     *time.Location   // the engineer's zone, for the header's second clock
	Theme    string           // auto, dark, light or mono
	Label    string           // shown beside the name, e.g. "simulator"
	// Keys rebinds keys by name (see ValidateKeys); nil: the defaults.
	Keys map[string][]string
	// Mouse turns on clicks (focus a pane, select a row) and the wheel (scroll).
	Mouse bool
	// Opener opens a URL (o); nil: $BROWSER or the platform's opener.
	Opener func() string
	// Notify says how a new S1/S2 incident or a new triggered page is announced.
	Notify Notify
	// Warnings are said once at start and kept in the health line, e.g. "cache off:
	// read-only file system".
	Warnings []string

	// Context is the program's: cancelling it abandons every request in flight.
	Context context.Context
	// After delivers msg after d (tea.Tick by default). Tests fire timers themselves, so no
	// test waits on the wall clock.
	After func(d time.Duration, msg tea.Msg) tea.Cmd

	HandoffProject string        // where handoffs are published (shown before publishing)
	Confidential   bool          // handoffs are published as confidential issues
	OpenHandoff    bool          // start in the handoff editor (oncall handoff)
	AutosaveDelay  time.Duration // default 800ms: the draft on disk is never further behind
	CacheDelay     time.Duration // default 2s: the answers of one refresh make one cache write
	FirstRetry     time.Duration // default 5s: the wait after a first failure, then doubling
}

// Notify is how the dashboard calls for attention.
type Notify struct {
	Bell bool // ring the terminal's bell (on by default in the config)
	// Desktop raises a desktop notification through the terminal: "osc9" (iTerm2, WezTerm,
	// kitty, Ghostty), "osc777" (foot, urxvt, Ghostty, WezTerm), or "" for none.
	Desktop string
}

// defaultAutosaveDelay bounds how far the file on disk lags behind the editor: the first
// unsaved edit schedules a save this much later, and edits meanwhile ride along with it.
const defaultAutosaveDelay = 800 * time.Millisecond

// defaultFirstRetry is the wait after a source's first failure; it doubles up to the
// refresh interval.
const defaultFirstRetry = 5 * time.Second

func (o *Options) setDefaults() {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Zone == nil {
		o.Zone = time.Local
	}
	if o.Refresh <= 0 {
		o.Refresh = time.Minute
	}
	if o.FirstRetry <= 0 {
		o.FirstRetry = defaultFirstRetry
	}
	if o.CacheDelay <= 0 {
		o.CacheDelay = 2 * time.Second
	}
	if o.AutosaveDelay <= 0 || o.AutosaveDelay > time.Second {
		o.AutosaveDelay = defaultAutosaveDelay
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.After == nil {
		o.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return msg })
		}
	}
}
