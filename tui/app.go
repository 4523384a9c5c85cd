// Package tui is the interactive dashboard: a header with the rotation, four panes (incidents,
// changes, on-call issues, handoffs), a detail view and help. It reaches the outside world
// only through Backend, and only inside tea.Cmds.
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

// Options configure the dashboard.
type Options struct {
	Backend  Backend
	Rotation model.Rotation
	Refresh  time.Duration    // how often every source is refreshed
	Clock    func() time.Time // now; --now shifts it
	Local    *time.Location   // the engineer's zone, for the header's second clock
	Theme    string           // auto, dark, light or mono
	Label    string           // shown beside the name, e.g. "simulator"

	Drafts         Drafts        // handoff drafts and outbox
	HandoffProject string        // where handoffs are published (shown before publishing)
	Confidential   bool          // handoffs are published as confidential issues
	OpenHandoff    bool          // start in the handoff editor (oncall handoff)
	AutosaveDelay  time.Duration // default 800ms: the draft on disk is never further behind
	CacheDelay     time.Duration // default 2s: the answers of one refresh make one cache write
	FirstRetry     time.Duration // default 5s: the wait after a first failure, then doubling
}

type mode int

const (
	modeDashboard mode = iota
	modeDetail
	modeHelp
	modeHandoff
	modeQuit   // asking whether to quit with an unpublished draft
	modeReport // the week's figures and the error budget
)

// Model is the root of the program.
type Model struct {
	opts   Options
	keys   keyMap
	st     themes.Styles
	width  int
	height int
	now    time.Time

	snap           model.Snapshot
	known          map[model.IssueRef]bool        // incidents seen so far; nil before the first answer
	arrived        map[model.IssueRef]time.Time   // incidents that appeared after the first answer
	seq            map[model.SourceID]int         // the latest request issued per source
	inflight       map[model.SourceID]bool        // at most one request per source at a time
	retry          map[model.SourceID]*retryState // failing sources and their next attempt
	fromCache      map[model.SourceID]bool        // parts shown from the cache, not yet refreshed
	cacheScheduled bool                           // a cache write is pending

	panes    [paneCount]pane
	focus    paneKind
	mode     mode
	helpFrom mode // where esc in help (or n when asked to quit) goes back to
	detail   detailView

	ed       *editor             // the handoff editor, once opened
	hasDraft bool                // an unpublished draft of the current shift is on disk
	outbox   []model.WaitingPost // handoffs waiting to be published
	flash    string              // a short message about the last action
	flashAt  time.Time

	filters   [paneCount]string // each pane's filter (/)
	filtering bool              // the focused pane's filter is being typed

	report     *model.Report // the last 7 days, with the error budget
	reportErr  error
	reportBusy bool
}

// New builds the dashboard. Nothing is fetched until the program runs Init.
func New(opts Options) *Model {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Local == nil {
		opts.Local = time.Local
	}
	if opts.Refresh <= 0 {
		opts.Refresh = time.Minute
	}
	if opts.FirstRetry <= 0 {
		opts.FirstRetry = defaultFirstRetry
	}
	if opts.CacheDelay <= 0 {
		opts.CacheDelay = 2 * time.Second
	}
	if opts.AutosaveDelay <= 0 || opts.AutosaveDelay > time.Second {
		opts.AutosaveDelay = defaultAutosaveDelay
	}
	m := &Model{
		opts: opts, keys: newKeyMap(), st: themes.ByName(opts.Theme, true), now: opts.Clock(),
		seq: map[model.SourceID]int{}, inflight: map[model.SourceID]bool{},
		retry: map[model.SourceID]*retryState{}, fromCache: map[model.SourceID]bool{},
	}
	for k := range m.panes {
		m.panes[k].kind = paneKind(k)
	}
	return m
}

// Init starts the clock, the first refresh of every source and the refresh timer.
// It also retries the outbox (handoffs left by an earlier run) and looks for a saved draft.
func (m *Model) Init() tea.Cmd {
	// The report reads weeks of label events: it starts once the first refresh had the API.
	firstReport := tea.Tick(3*time.Second, func(time.Time) tea.Msg { return reportTickMsg{} })
	cmds := []tea.Cmd{clockTick(), m.refreshAll(), refreshTick(m.opts.Refresh), tea.RequestBackgroundColor, firstReport}
	if m.opts.Drafts != nil {
		k, _ := m.currentHandoff()
		cmds = append(cmds, m.loadCacheCmd(), m.flushCmd(), m.loadDraftCmd(k))
	}
	if m.opts.OpenHandoff {
		cmds = append(cmds, m.openEditor())
	}
	return tea.Batch(cmds...)
}

// refreshAll asks every source that is not busy, nor waiting out a backoff, for fresh data.
func (m *Model) refreshAll() tea.Cmd { return m.refresh(false) }

// refreshNow is r: the user's ask skips the backoff; only the server's Retry-After holds a
// source back.
func (m *Model) refreshNow() tea.Cmd { return m.refresh(true) }

func (m *Model) refresh(byUser bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range m.opts.Backend.Sources() {
		if m.due(id, byUser) {
			cmds = append(cmds, m.refreshSource(id))
		}
	}
	return tea.Batch(cmds...)
}

// refreshSource asks one source for fresh data unless a request is already in flight.
func (m *Model) refreshSource(id model.SourceID) tea.Cmd {
	if m.inflight[id] {
		return nil
	}
	m.inflight[id] = true
	m.seq[id]++
	return fetchCmd(m.opts.Backend, id, m.seq[id], m.opts.Clock())
}

// refetch asks a source again now, even with a request in flight: that request started
// before a change of ours (a published handoff) and its answer, older, will be dropped.
func (m *Model) refetch(id model.SourceID) tea.Cmd {
	m.inflight[id] = false
	return m.refreshSource(id)
}

// say shows a short message in the footer for a few seconds.
func (m *Model) say(text string) {
	m.flash, m.flashAt = text, m.opts.Clock()
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.detail.resize(m.detailSize())
		m.layoutEditor()
		return m, nil
	case tea.BackgroundColorMsg:
		if m.opts.Theme == "auto" || m.opts.Theme == "" {
			m.st = themes.ByName("auto", msg.IsDark())
			m.detail.restyle(m.st)
		}
		return m, nil
	case clockMsg:
		m.now = m.opts.Clock()
		return m, clockTick()
	case refreshTickMsg:
		return m, tea.Batch(m.refreshAll(), refreshTick(m.opts.Refresh))
	case fetchedMsg:
		return m, m.applyFetch(msg)
	case reportMsg:
		m.reportBusy = false
		m.reportErr = msg.err
		if msg.err == nil {
			r := msg.report
			m.report = &r
		}
		return m, nil
	case reportTickMsg:
		return m, tea.Batch(m.reportCmd(), reportTick())
	case cacheLoadedMsg:
		m.applyCache(msg)
		return m, nil
	case cacheSaveMsg:
		return m, m.saveCacheCmd()
	case retryMsg:
		if m.due(msg.id, false) {
			return m, m.refreshSource(msg.id)
		}
		return m, nil
	case detailMsg:
		m.detail.loaded(msg, m.st)
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.mode == modeHandoff && m.ed != nil && !m.ed.preview && !m.ed.confirm {
			return m, m.editText(msg)
		}
		return m, nil
	case draftLoadedMsg:
		if m.ed == nil || msg.key != m.ed.key {
			if k, _ := m.currentHandoff(); msg.ok && msg.key == k {
				m.hasDraft = true
			}
			return m, nil
		}
	}
	if cmd, ok := m.updateHandoff(msg); ok {
		return m, cmd
	}
	if m.mode == modeHandoff && m.ed != nil {
		// cursor blinks and other textarea internals
		var cmd tea.Cmd
		m.ed.ta, cmd = m.ed.ta.Update(msg)
		return m, cmd
	}
	return m, nil
}

// applyFetch merges one source's answer. A failure keeps the data already shown and
// schedules a retry.
func (m *Model) applyFetch(msg fetchedMsg) tea.Cmd {
	if msg.seq != m.seq[msg.id] {
		return nil // an answer to a request that a newer one replaced
	}
	m.inflight[msg.id] = false
	m.snap.Record(msg.id, m.opts.Clock(), msg.err)
	if msg.err != nil {
		return m.scheduleRetry(msg.id, msg.err)
	}
	delete(m.retry, msg.id)
	delete(m.fromCache, msg.id)
	if msg.patch != nil {
		msg.patch(&m.snap)
		if msg.id == model.SourceQueue {
			m.noteArrivals()
		}
	}
	m.syncSelection()
	return m.saveCacheSoon()
}

// noteArrivals remembers when incidents first appeared, so that ones opened while the
// dashboard is up stand out; those present at start are not new to anyone.
func (m *Model) noteArrivals() {
	first := m.known == nil
	if first {
		m.known, m.arrived = map[model.IssueRef]bool{}, map[model.IssueRef]time.Time{}
	}
	for _, in := range m.snap.Incidents {
		if !m.known[in.IssueRef] && !first {
			m.arrived[in.IssueRef] = m.opts.Clock()
		}
		m.known[in.IssueRef] = true
	}
}

// windowTitle counts the open S1/S2 incidents, for a terminal tab that is not in front.
func (m *Model) windowTitle() string {
	var s1, s2 int
	for _, in := range m.snap.Incidents {
		switch in.Severity {
		case 1:
			s1++
		case 2:
			s2++
		}
	}
	if s1+s2 == 0 {
		return "oncall"
	}
	return fmt.Sprintf("oncall: %d S1, %d S2", s1, s2)
}

// syncSelection puts each pane's cursor back on the issue it was on before a refresh.
func (m *Model) syncSelection() {
	for k := range m.panes {
		p := &m.panes[k]
		_, rows, _ := m.table(p.kind)
		p.cursor = min(p.cursor, max(0, len(rows)-1))
		for i, r := range rows {
			if r.ref == p.selected {
				p.cursor = i
				break
			}
		}
		if p.cursor < len(rows) {
			p.selected = rows[p.cursor].ref
		}
	}
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.mode == modeQuit:
		if msg.String() == "y" || msg.String() == "Y" || msg.String() == "ctrl+c" {
			return tea.Quit
		}
		m.mode = m.helpFrom
		return nil
	case m.mode == modeHandoff && msg.String() != "ctrl+c":
		return m.handleEditorKey(msg) // q and the rest are text here
	case m.filtering && msg.String() != "ctrl+c":
		m.editFilter(msg)
		return nil
	case key.Matches(msg, k.Quit):
		return m.quit()
	}
	switch m.mode {
	case modeHelp:
		if key.Matches(msg, k.Back, k.Help) {
			m.mode = m.helpFrom
		}
		return nil
	case modeReport:
		switch {
		case key.Matches(msg, k.Back, k.Reports):
			m.mode = modeDashboard
		case key.Matches(msg, k.Refresh):
			return m.reportCmd()
		case key.Matches(msg, k.Help):
			m.mode, m.helpFrom = modeHelp, modeReport
		}
		return nil
	case modeDetail:
		switch {
		case key.Matches(msg, k.Back):
			m.mode = modeDashboard
			return nil
		case key.Matches(msg, k.Help):
			m.mode, m.helpFrom = modeHelp, modeDetail
			return nil
		case key.Matches(msg, k.Refresh):
			return m.openDetail(m.detail.ref, m.detail.title)
		case key.Matches(msg, k.Ack):
			return m.acknowledge(m.detail.ref)
		}
		return m.detail.scroll(msg, k)
	}
	switch {
	case key.Matches(msg, k.Help):
		m.mode, m.helpFrom = modeHelp, modeDashboard
	case key.Matches(msg, k.Refresh):
		return m.refreshNow()
	case key.Matches(msg, k.Filter):
		m.filtering = true
	case key.Matches(msg, k.Back) && m.filters[m.focus] != "":
		m.filters[m.focus] = ""
		m.syncSelection()
	case key.Matches(msg, k.Reports):
		m.mode = modeReport
		if m.report == nil {
			return m.reportCmd()
		}
	case key.Matches(msg, k.Handoff) && m.opts.Drafts != nil:
		return m.openEditor()
	case key.Matches(msg, k.Ack) && m.focus == paneHandoffs:
		_, rows, _ := m.table(paneHandoffs)
		if c := m.panes[paneHandoffs].cursor; c < len(rows) {
			return m.acknowledge(rows[c].ref)
		}
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + paneCount - 1) % paneCount
	case key.Matches(msg, k.Pane1, k.Pane2, k.Pane3, k.Pane4):
		m.focus = paneKind(msg.Code - '1')
	case key.Matches(msg, k.Open):
		_, rows, _ := m.table(m.focus)
		p := m.panes[m.focus]
		if p.cursor < len(rows) {
			return m.openDetail(rows[p.cursor].ref, rows[p.cursor].cells[titleColumn(m.focus)].text)
		}
	default:
		m.moveCursor(msg)
	}
	return nil
}

// editFilter types into the focused pane's filter: enter keeps it, esc clears it.
func (m *Model) editFilter(msg tea.KeyPressMsg) {
	f := &m.filters[m.focus]
	switch msg.String() {
	case "enter":
		m.filtering = false
	case "esc":
		*f, m.filtering = "", false
	case "backspace":
		if r := []rune(*f); len(r) > 0 {
			*f = string(r[:len(r)-1])
		}
	default:
		if msg.Text != "" {
			*f += msg.Text
		}
	}
	m.panes[m.focus].cursor, m.panes[m.focus].offset = 0, 0
	m.syncSelection()
}

// quit leaves, unless an unpublished handoff draft would be left behind: then it asks.
func (m *Model) quit() tea.Cmd {
	if !m.hasDraft && (m.ed == nil || !m.ed.typed) {
		return tea.Quit
	}
	m.helpFrom, m.mode = m.mode, modeQuit
	if m.ed != nil && m.ed.dirty && m.ed.loaded {
		return m.saveCmd()
	}
	return nil
}

// acknowledge notes on a handoff that the user read it, once.
func (m *Model) acknowledge(ref model.IssueRef) tea.Cmd {
	for _, h := range m.snap.Handoffs {
		if h.IssueRef != ref {
			continue
		}
		if h.Ack != nil && m.snap.Me != nil && strings.EqualFold(h.Ack.Username, m.snap.Me.Username) {
			m.say("you already acknowledged this handoff")
			return nil
		}
		m.say(fmt.Sprintf("acknowledging #%d…", ref.IID))
		return m.acknowledgeCmd(ref)
	}
	m.say("a is for handoffs: select one in the Handoffs pane")
	return nil
}

// titleColumn is the index of the title cell in a pane's rows.
func titleColumn(k paneKind) int {
	return [...]int{2, 3, 1, 1}[k]
}

func (m *Model) moveCursor(msg tea.KeyPressMsg) {
	k := m.keys
	p := &m.panes[m.focus]
	_, rows, _ := m.table(m.focus)
	if len(rows) == 0 {
		return
	}
	page := max(1, m.paneRows(m.focus))
	switch {
	case key.Matches(msg, k.Up):
		p.cursor--
	case key.Matches(msg, k.Down):
		p.cursor++
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = len(rows) - 1
	case key.Matches(msg, k.PageUp):
		p.cursor -= page
	case key.Matches(msg, k.PageDown):
		p.cursor += page
	default:
		return
	}
	p.cursor = max(0, min(p.cursor, len(rows)-1))
	p.selected = rows[p.cursor].ref
}

func (m *Model) openDetail(ref model.IssueRef, title string) tea.Cmd {
	m.mode = modeDetail
	w, h := m.detailSize()
	m.detail.open(ref, title, w, h)
	return detailCmd(m.opts.Backend, ref, m.detail.seq)
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = m.windowTitle()
	if m.width == 0 || m.height == 0 {
		v.SetContent("starting…")
		return v
	}
	v.SetContent(m.render())
	v.Cursor = m.editorCursor()
	return v
}
