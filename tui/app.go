// Package tui is the interactive dashboard. The root Model owns what every screen shares
// (size, styles, clock, the snapshot and the sources' health) and a stack of views: the
// dashboard at the bottom, whose panes come from a registry (panes.go); the detail view,
// the handoff editor, the reports and help above it; dialogs on top. Each view has its own
// update, rendering and key map, from which the footer and help are generated. The TUI
// reaches the outside world only through Backend and LocalState, and only inside
// tea.Cmds, with the program's context.
package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/themes"
)

// Model is the root of the program.
type Model struct {
	opts   Options
	keys   keys
	st     themes.Styles
	width  int
	height int
	now    time.Time
	// version changes whenever what the panes show may have: the snapshot, the theme.
	// Panes keep their rows until it does. minute counts the turns of the clock's minute:
	// the ages, and the [new] marks, are of the minute the cells were made in.
	version, minute int

	snap       model.Snapshot
	sources    map[model.SourceID]*sourceState
	known      map[model.IssueRef]model.Severity // incidents seen so far; nil before the first answer
	arrived    map[model.IssueRef]time.Time      // incidents that appeared after the first answer
	pageStatus map[string]string                 // pages seen so far, by id; nil before the first answer
	// a cache write is pending
	cacheScheduled bool

	stack     []view
	dash      *dashboard
	detailSeq int     // numbers detail requests, so an answer finds the view that asked
	editor    *editor // the handoff editor, once opened; it lives on when left

	hasDraft bool                // an unpublished draft of the current shift is on disk
	outbox   []model.WaitingPost // handoffs waiting to be published, or held
	// outboxWarnings: what the outbox said beside publishing (a damaged entry set aside)
	outboxWarnings []string
	flash          string // a short message about the last action
	flashAt        time.Time
	flashTimer     time.Time // the message whose expiry is scheduled
	flushAt        time.Time // when the outbox's retry timer fires; zero: none pending
	flushSeq       int       // the latest retry timer
	flashErr       bool      // the message says what failed

	report reportState
	since  sinceState
	// quick views over every pane: only what is mine (m), no mitigated incidents (M)
	mineOnly, hideMitigated bool
	// labelWarnings name configured labels that do not exist in their project
	labelWarnings []string
	pages         pagesState
	// leaving: the program is quitting; the last frame is blank (see leave)
	leaving bool

	// A frame is rebuilt only where something changed: every message moves stamp (the
	// header is built again), all but the clock's tick move bodyStamp (the body too).
	stamp, bodyStamp int
	frame            frameCache
}

// New builds the dashboard. Nothing is fetched until the program runs Init.
func New(opts Options) *Model {
	opts.setDefaults()
	k, _ := newKeysWith(opts.Keys) // the command checks the overrides before it starts
	m := &Model{opts: opts, keys: k, st: themes.ByName(opts.Theme, true), now: opts.Clock(), version: 1,
		sources: map[model.SourceID]*sourceState{}}
	var digits []string
	for i := range panes {
		digits = append(digits, fmt.Sprint(i+1))
	}
	m.keys.JumpPane = key.NewBinding(key.WithKeys(digits...), key.WithHelp(fmt.Sprintf("1-%d", len(panes)), "jump to pane"))
	m.dash = newDashboard(m)
	m.stack = []view{m.dash}
	return m
}

// Init starts the clock, the first refresh of every source and the refresh timer. It also
// shows the cached snapshot, retries the outbox (handoffs left by an earlier run) and looks
// for a saved draft.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.clockTick(), m.refreshAll(), m.after(m.opts.Refresh, refreshTickMsg{}), tea.RequestBackgroundColor,
		m.firstReport(), m.pagerDutyMeCmd(), m.labelWarningsCmd()}
	if m.opts.Local != nil {
		cmds = append(cmds, m.loadCacheCmd(), m.flushCmd())
		if !m.opts.OpenHandoff { // the editor reads the draft itself
			k, _ := m.currentHandoff()
			cmds = append(cmds, m.loadDraftCmd(k))
		}
	}
	if m.opts.OpenHandoff {
		cmds = append(cmds, m.openEditor())
	}
	return tea.Batch(cmds...)
}

type flashExpiredMsg struct{}

// Update handles one message: the root's own first, then those of the handoff flow, the
// reports and the editor; keys and the rest go to the view on top.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.stamp++ // a header built while the message was handled (for a size) is not the last word
	if expiry := m.flashExpiry(); expiry != nil {
		cmd = tea.Batch(cmd, expiry)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	m.stamp++
	switch msg.(type) {
	case clockMsg, flashExpiredMsg: // the header and footer only
	default:
		m.bodyStamp++
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m.layoutCmds()
	case tea.BackgroundColorMsg:
		if m.opts.Theme == "auto" || m.opts.Theme == "" {
			m.st = themes.ByName("auto", msg.IsDark())
			m.changed()
			m.restyle()
			return m.layoutCmds()
		}
		return nil
	case clockMsg:
		m.tick()
		return m.clockTick()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		if m.opts.Mouse {
			return m.mouse(msg.(tea.MouseMsg))
		}
		return nil
	case openedMsg:
		if msg.none {
			m.say("open it at " + msg.url + " (" + keyOf(m.keys.Copy) + " copies it)")
		}
		if msg.err != nil {
			m.sayFailed("could not open the browser (" + msg.err.Error() + "): " + msg.url)
		}
		return nil
	case ShutdownMsg:
		return m.shutdown()
	case flashExpiredMsg:
		return nil // the next frame's footer leaves the message out
	}
	for _, handle := range []func(tea.Msg) (tea.Cmd, bool){m.handleSources, m.handleHandoff, m.handleReport, m.handleDetail, m.handlePages} {
		if cmd, ok := handle(msg); ok {
			return cmd
		}
	}
	if m.editor != nil {
		if cmd, ok := m.editor.handle(msg); ok {
			return cmd
		}
	}
	return m.top().update(msg)
}

// tick moves the clock. A new minute changes the ages the panes show; a failing source's
// countdown is in the body too.
func (m *Model) tick() {
	before := m.now
	m.now = m.opts.Clock()
	if !m.now.Truncate(time.Minute).Equal(before.Truncate(time.Minute)) {
		m.minute++ // the ages: the panes make the cells on screen again, not all their rows
		m.bodyStamp++
		for i := range m.dash.panes { // a filter may let other rows through (a [new] expired)
			if p := &m.dash.panes[i]; p.filter != "" {
				p.follow(m)
			}
		}
	}
	for _, id := range m.opts.Backend.Sources() {
		if m.snap.Health[id].Failing() {
			m.bodyStamp++
			break
		}
	}
}

// changed marks what the panes show as out of date.
func (m *Model) changed() {
	m.version++
	m.bodyStamp++
}

// handleKey gives quit and help their global meaning (unless keys are text on the top
// view), then the key to the top view.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	top := m.top()
	switch {
	case m.quitting() && (msg.String() == "ctrl+c" || key.Matches(msg, m.keys.Quit)):
		return m.leave() // asked twice
	case msg.String() == "ctrl+c", !top.typing() && key.Matches(msg, m.keys.Quit):
		return m.quit()
	case !top.typing() && key.Matches(msg, m.keys.Help):
		if _, ok := top.(*helpView); !ok {
			m.push(newHelpView(m, top))
			return nil
		}
	}
	return top.update(msg)
}

// resize tells every view the new size.
func (m *Model) resize() {
	w, h := m.bodySize()
	for _, v := range m.stack {
		if r, ok := v.(interface{ resize(int, int) }); ok {
			r.resize(w, h)
		}
	}
	if m.editor != nil && !m.showing(m.editor) {
		m.editor.resize(w, h)
	}
}

// restyle re-renders what was rendered with the old theme.
func (m *Model) restyle() {
	for _, v := range m.stack {
		if r, ok := v.(interface{ restyle() }); ok {
			r.restyle()
		}
	}
}

// layoutCmds are the commands of the views that lay their content out off the UI goroutine
// (a detail's Markdown), for the size and theme now.
func (m *Model) layoutCmds() tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range m.stack {
		if l, ok := v.(interface{ layoutCmd() tea.Cmd }); ok {
			cmds = append(cmds, l.layoutCmd())
		}
	}
	return tea.Batch(cmds...)
}

// flashFor is how long a message stays in the footer; a failure stays longer.
const (
	flashFor      = 8 * time.Second
	flashErrorFor = 30 * time.Second
)

// say shows a short message in the footer for a few seconds.
func (m *Model) say(text string) {
	m.flash, m.flashAt, m.flashErr = text, m.opts.Clock(), false
}

// sayFailed shows what failed and why, longer and in the failure's colour.
func (m *Model) sayFailed(text string) {
	m.say(text)
	m.flashErr = true
}

// flashing reports whether a message is showing.
func (m *Model) flashing() bool {
	d := flashFor
	if m.flashErr {
		d = flashErrorFor
	}
	return m.flash != "" && m.opts.Clock().Sub(m.flashAt) < d
}

// flashExpiry schedules the frame that takes a new message away (the clock ticks only once
// a minute); nil when there is none to schedule.
func (m *Model) flashExpiry() tea.Cmd {
	if m.flash == "" || m.flashAt.Equal(m.flashTimer) {
		return nil
	}
	m.flashTimer = m.flashAt
	d := flashFor
	if m.flashErr {
		d = flashErrorFor
	}
	return m.after(d, flashExpiredMsg{})
}

// me is the GitLab username of the token's user, once known.
func (m *Model) me() string {
	if m.snap.Me != nil {
		return m.snap.Me.Username
	}
	return ""
}

// leave quits the program. Its last frame is blank: a terminal that resized the alternate
// screen (tmux does, when the window grew) can push the last frame's rows into the shell's
// scrollback as the program leaves it; blank rows leave nothing behind.
func (m *Model) leave() tea.Cmd {
	m.leaving = true
	return tea.Quit
}

// windowTitle counts the open incidents, for a terminal tab that is not in front; it is
// counted again only when the data changed.
func (m *Model) windowTitle() string {
	if m.frame.titleFor != m.version || m.frame.title == "" {
		m.frame.title, m.frame.titleFor = m.countTitle(), m.version
	}
	return m.frame.title
}

func (m *Model) countTitle() string {
	var s1, s2 int
	for _, in := range m.snap.Incidents {
		switch in.Severity {
		case 1:
			s1++
		case 2:
			s2++
		}
	}
	title := "oncall: " + model.OpenCounts(m.snap.Incidents)
	if s1+s2 > 0 {
		title += fmt.Sprintf(" (%d S1, %d S2)", s1, s2)
	}
	return title
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = m.windowTitle()
	if m.opts.Mouse && !m.leaving {
		v.MouseMode = tea.MouseModeCellMotion
	}
	if m.width == 0 || m.height == 0 {
		v.SetContent("starting…")
		return v
	}
	if m.leaving {
		v.SetContent(strings.Repeat("\n", m.height-1))
		return v
	}
	v.SetContent(m.render())
	if c, ok := m.top().(interface{ cursor() *tea.Cursor }); ok {
		if cur := c.cursor(); cur != nil {
			cur.Y += m.headerHeight()
			v.Cursor = cur
		}
	}
	return v
}
